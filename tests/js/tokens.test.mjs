import { test } from "node:test";
import assert from "node:assert/strict";
import { lib, useEmulator, UNKNOWN } from "./support.mjs";

const { FunctionsClient, NotFoundError, DeniedAuthenticationError, InvalidArgumentsError, ScwError } = lib;
const emu = useEmulator();
const client = () => new FunctionsClient({ secretKey: emu.secret_key, apiUrl: emu.api_url, region: emu.region });

test("a user creates a function token, sees its secret once, then reads it back without it", async () => {
  const c = client();
  const created = await c.createToken({ functionId: emu.function_id, description: "ci" });
  assert.match(created.token, /^[\w-]+\.[\w-]+\.[\w-]+$/);
  assert.equal(created.functionId, emu.function_id);
  assert.equal(created.namespaceId, undefined);
  assert.equal(created.description, "ci");
  assert.equal(created.regionalId, `${emu.region}/${created.id}`);
  assert.equal(created.expiresAt, undefined, "no expiry is the default");
  const read = await c.getToken(created.id);
  assert.equal(read.token, undefined, "never the <hidden> placeholder");
  assert.equal(read.status, "ready");
  assert.deepEqual(Object.keys(read).sort(), ["functionId", "id", "region", "regionalId", "status", "description"].sort());
});

test("an expiry given as a Date or an RFC 3339 string comes back as a Date", async () => {
  const c = client();
  const at = new Date(Date.now() + 3_600_000);
  at.setMilliseconds(0);
  const fromDate = await c.createToken({ namespaceId: emu.namespace_id, expiresAt: at });
  assert.ok(fromDate.expiresAt instanceof Date);
  assert.equal(fromDate.expiresAt.getTime(), at.getTime());
  const offset = new Date(at.getTime() + 60_000).toISOString().replace("Z", "+00:00");
  const fromString = await c.createToken({ namespaceId: emu.namespace_id, expiresAt: offset });
  assert.equal(fromString.expiresAt.getTime(), at.getTime() + 60_000);
  assert.equal(fromString.namespaceId, emu.namespace_id);
});

test("a regional id works wherever an id does", async () => {
  const c = client();
  const { regionalId, functionId } = await c.createToken({ functionId: `${emu.region}/${emu.function_id}` });
  assert.equal(functionId, emu.function_id);
  assert.ok((await c.listAllTokens({ functionId: `${emu.region}/${emu.function_id}` })).length > 0);
  assert.equal((await c.getToken(regionalId)).regionalId, regionalId);
  await c.deleteToken(regionalId);
  await assert.rejects(c.getToken(regionalId), NotFoundError);
});

test("listTokens gives one page and listAllTokens every page", async () => {
  const c = client();
  for (let i = 0; i < 5; i++) await c.createToken({ functionId: emu.function_id, description: `page ${i}` });
  const page = await c.listTokens({ functionId: emu.function_id, pageSize: 2, page: 1, orderBy: "created_at_desc" });
  assert.equal(page.tokens.length, 2);
  assert.ok(page.totalCount >= 5);
  const all = await c.listAllTokens({ functionId: emu.function_id });
  assert.equal(all.length, page.totalCount);
  assert.ok(all.every((t) => t.token === undefined && t.functionId === emu.function_id));
  const namespaceScoped = await c.listAllTokens({ namespaceId: emu.namespace_id });
  assert.ok(namespaceScoped.every((t) => t.namespaceId === emu.namespace_id));
});

test("deleting a token revokes it and a second delete is a NotFoundError naming it", async () => {
  const c = client();
  const t = await c.createToken({ functionId: emu.function_id });
  const deleted = await c.deleteToken(t.id);
  assert.equal(deleted.id, t.id);
  const err = await c.deleteToken(t.id).catch((e) => e);
  assert.ok(err instanceof NotFoundError && err instanceof ScwError);
  assert.equal(err.status, 404);
  assert.equal(err.type, "not_found");
  assert.equal(err.resource, "token");
  assert.equal(err.resourceId, t.id);
  assert.equal(err.message, `resource token with ID ${t.id} is not found`);
});

test("namespaces and functions can be listed and read", async () => {
  const c = client();
  const namespaces = await c.listNamespaces();
  const ns = namespaces.find((n) => n.id === emu.namespace_id);
  assert.ok(ns);
  assert.equal((await c.getNamespace(ns.id)).projectId, emu.project_id);
  const fns = await c.listFunctions({ namespaceId: ns.id });
  const fn = fns.find((f) => f.id === emu.function_id);
  assert.equal(fn.privacy, "private");
  assert.match(fn.domainName, /\.functions\.fnc\./);
  assert.equal((await c.getFunction(`${emu.region}/${fn.id}`)).name, fn.name);
  await assert.rejects(c.getFunction(UNKNOWN), { name: "NotFoundError", resource: "function", resourceId: UNKNOWN });
  await assert.rejects(c.getNamespace(UNKNOWN), NotFoundError);
});

test("a wrong secret key is a DeniedAuthenticationError that does not repeat the key", async () => {
  const wrong = "11111111-2222-4333-8444-555555555555";
  const c = new FunctionsClient({ secretKey: wrong, apiUrl: emu.api_url });
  const err = await c.listTokens().catch((e) => e);
  assert.ok(err instanceof DeniedAuthenticationError);
  assert.equal(err.status, 401);
  assert.equal(err.method, "api_key");
  assert.equal(err.reason, "not_found");
  assert.ok(!err.message.includes(wrong) && !String(err).includes(wrong) && !JSON.stringify(err).includes(wrong));
});

test("the API's refusals become InvalidArgumentsError with readable details", async () => {
  const c = client();
  const err = await c.createToken({ functionId: emu.function_id, description: "x".repeat(1001) }).catch((e) => e);
  assert.ok(err instanceof InvalidArgumentsError);
  assert.equal(err.status, 400);
  assert.equal(err.details[0].argumentName, "description");
  assert.match(err.message, /^invalid argument\(s\): description does not respect constraint/);
});

test("a client never shows its secret key", () => {
  const c = client();
  for (const shown of [JSON.stringify(c), String(c), Object.keys(c).join()]) assert.ok(!shown.includes(emu.secret_key));
});
