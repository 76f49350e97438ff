// The official Scaleway SDK, pointed at the emulator, must not notice it is not talking to Scaleway.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { createClient, Errors } from "@scaleway/sdk-client";
import { Functionv1beta1 } from "@scaleway/sdk-function";
import { startEmulator } from "../support/emulator.mjs";

let emulator;
let api;

function clientFor(secretKey) {
  return createClient({
    apiURL: emulator.api_url,
    accessKey: "SCWXXXXXXXXXXXXXXXXX",
    secretKey,
    defaultProjectId: emulator.project_id,
    defaultRegion: "fr-par",
  });
}

before(async () => {
  emulator = await startEmulator(["--token-delay-ms", "300"]);
  api = new Functionv1beta1.API(clientFor(emulator.secret_key));
});

after(async () => {
  await emulator?.stop();
});

test("a token is created, waited for, read and deleted", async () => {
  const expiresAt = new Date(Date.now() + 3_600_000);
  const created = await api.createToken({
    functionId: emulator.function_id,
    description: "conformance",
    expiresAt,
  });
  assert.equal(created.status, "creating");
  assert.equal(created.functionId, emulator.function_id);
  assert.equal(created.namespaceId, undefined);
  assert.match(created.publicKey, /^-----BEGIN RSA PUBLIC KEY-----/);
  assert.equal(created.token.split(".").length, 3);
  assert.ok(created.expiresAt instanceof Date);
  assert.equal(Math.floor(created.expiresAt.getTime() / 1000), Math.floor(expiresAt.getTime() / 1000));

  const ready = await api.waitForToken({ tokenId: created.id }, { minDelay: 1, maxDelay: 1 });
  assert.equal(ready.status, "ready");
  assert.equal(ready.token, "<hidden>");

  const got = await api.getToken({ tokenId: created.id });
  assert.equal(got.description, "conformance");

  const response = await fetch(emulator.function_url, { headers: { "X-Auth-Token": created.token } });
  assert.equal(response.status, 200);

  const deleted = await api.deleteToken({ tokenId: created.id });
  assert.equal(deleted.status, "deleting");
  await assert.rejects(api.waitForToken({ tokenId: created.id }, { minDelay: 1, maxDelay: 1 }), (error) => {
    assert.ok(error instanceof Errors.ScalewayError);
    assert.equal(error.status, 404);
    return true;
  });
});

test("tokens are listed page by page", async () => {
  const ids = [];
  for (let i = 0; i < 5; i += 1) {
    ids.push((await api.createToken({ namespaceId: emulator.namespace_id })).id);
  }
  const first = await api.listTokens({ namespaceId: emulator.namespace_id, pageSize: 2, orderBy: "created_at_asc" });
  assert.equal(first.totalCount, 5);
  assert.deepEqual(first.tokens.map((t) => t.id), ids.slice(0, 2));
  const all = await api.listTokens({ namespaceId: emulator.namespace_id, pageSize: 2 }).all();
  assert.deepEqual(all.map((t) => t.id), ids);
  const newest = await api.listTokens({ namespaceId: emulator.namespace_id, orderBy: "created_at_desc", pageSize: 1 });
  assert.equal(newest.tokens[0].id, ids[4]);
});

test("bad arguments arrive as InvalidArgumentsError", async () => {
  await assert.rejects(api.createToken({ functionId: "not-a-uuid" }), (error) => {
    assert.ok(error instanceof Errors.InvalidArgumentsError, String(error));
    assert.equal(error.status, 400);
    assert.equal(error.details[0].argumentName, "function_id");
    assert.equal(error.details[0].reason, "format");
    return true;
  });
  await assert.rejects(
    api.createToken({ functionId: emulator.function_id, expiresAt: new Date(Date.now() - 60_000) }),
    (error) => error instanceof Errors.InvalidArgumentsError && error.details[0].argumentName === "expires_at",
  );
});

test("a wrong secret key arrives as DeniedAuthenticationError", async () => {
  const stranger = new Functionv1beta1.API(clientFor("11111111-1111-4111-8111-111111111111"));
  await assert.rejects(stranger.listTokens(), (error) => {
    assert.ok(error instanceof Errors.DeniedAuthenticationError, String(error));
    assert.equal(error.status, 401);
    assert.equal(error.reason, "not_found");
    return true;
  });
});

test("an unknown token is a plain 404 ScalewayError", async () => {
  await assert.rejects(api.getToken({ tokenId: "22222222-2222-4222-8222-222222222222" }), (error) => {
    assert.ok(error instanceof Errors.ScalewayError);
    assert.ok(!(error instanceof Errors.ResourceNotFoundError));
    assert.equal(error.status, 404);
    assert.equal(error.message.includes("Token was not found"), true, error.message);
    return true;
  });
});

test("a function keeps every setting it is created and updated with", async () => {
  const created = await api.createFunction({
    namespaceId: emulator.namespace_id,
    name: "conformance-settings",
    runtime: "go126",
    handler: "Handle",
    memoryLimit: 512,
    minScale: 1,
    maxScale: 4,
    timeout: "120s",
    httpOption: "redirected",
    sandbox: "unknown_sandbox",
    privacy: "private",
    tags: ["sdk"],
    environmentVariables: { MODE: "test" },
    secretEnvironmentVariables: [{ key: "TOKEN", value: "s3cr3t" }],
  });
  assert.equal(created.status, "created");
  assert.deepEqual(
    [created.runtime, created.handler, created.memoryLimit, created.cpuLimit, created.minScale, created.maxScale],
    ["go126", "Handle", 512, 280, 1, 4],
  );
  assert.deepEqual([created.timeout, created.httpOption, created.sandbox], ["120s", "redirected", "v2"]);
  assert.deepEqual(created.secretEnvironmentVariables, [{ key: "TOKEN", hashedValue: "<hidden>" }]);
  assert.equal(created.readyAt, undefined);

  const updated = await api.updateFunction({ functionId: created.id, maxScale: 8, memoryLimit: 128, description: "updated" });
  assert.deepEqual([updated.maxScale, updated.memoryLimit, updated.cpuLimit, updated.description], [8, 128, 70, "updated"]);
  assert.equal(updated.handler, "Handle", "what the update does not name stays");
  const read = await api.getFunction({ functionId: created.id });
  assert.deepEqual([read.maxScale, read.memoryLimit, read.tags], [8, 128, ["sdk"]]);

  await assert.rejects(api.updateFunction({ functionId: created.id, minScale: 9 }), (error) => {
    assert.ok(error instanceof Errors.InvalidArgumentsError, String(error));
    assert.equal(error.details[0].argumentName, "min_scale");
    return true;
  });

  const deployed = await api.deployFunction({ functionId: created.id });
  assert.equal(deployed.status, "pending");
  const ready = await api.waitForFunction({ functionId: created.id }, { minDelay: 1, maxDelay: 1 });
  assert.equal(ready.status, "ready");
  assert.ok(ready.readyAt instanceof Date);
  const redeployed = await api.deployFunction({ functionId: created.id });
  assert.equal(redeployed.readyAt.getTime(), ready.readyAt.getTime(), "a redeploy keeps the previous ready_at");
  await api.deleteFunction({ functionId: created.id });
});

test("a namespace is updated and its upload URL takes the function's archive", async () => {
  const updated = await api.updateNamespace({
    namespaceId: emulator.namespace_id,
    tags: ["updated"],
    secretEnvironmentVariables: [{ key: "NEW", value: "v" }],
  });
  assert.deepEqual(updated.tags, ["updated"]);
  assert.ok(updated.secretEnvironmentVariables.some((s) => s.key === "NEW"));

  const archive = new Uint8Array(780).fill(7);
  const upload = await api.getFunctionUploadURL({ functionId: emulator.function_id, contentLength: archive.length });
  assert.deepEqual(upload.headers, { "content-length": ["780"], "content-type": ["application/octet-stream"] });
  const tooLarge = await fetch(upload.url, { method: "PUT", body: new Uint8Array(781) });
  assert.equal(tooLarge.status, 400);
  assert.match(await tooLarge.text(), /<Code>EntityTooLarge<\/Code>/);
  const put = await fetch(upload.url, {
    method: "PUT",
    headers: { "Content-Type": "application/octet-stream" },
    body: archive,
  });
  assert.equal(put.status, 200);
  const uploads = await fetch(`${emulator.api_url}/emulator/uploads`, { headers: { "X-Auth-Token": emulator.secret_key } });
  assert.deepEqual((await uploads.json()).uploads.map((u) => [u.function_id, u.size]), [[emulator.function_id, 780]]);
});

test("functions and namespaces are listed with every order and filter", async () => {
  const names = ["listed-b", "listed-a"];
  const made = [];
  for (const name of names) {
    made.push(await api.createFunction({ namespaceId: emulator.namespace_id, name, privacy: "public" }));
  }
  const byName = await api.listFunctions({ namespaceId: emulator.namespace_id, name: "listed-", orderBy: "name_asc" });
  assert.deepEqual(byName.functions.map((f) => f.name), ["listed-a", "listed-b"]);
  const newest = await api.listFunctions({ namespaceId: emulator.namespace_id, name: "listed-", orderBy: "created_at_desc" });
  assert.deepEqual(newest.functions.map((f) => f.name), ["listed-a", "listed-b"]);
  const namespaces = await api.listNamespaces({ projectId: emulator.project_id, orderBy: "name_desc" });
  assert.ok(namespaces.totalCount >= 1);
  for (const fn of made) await api.deleteFunction({ functionId: fn.id });
});
