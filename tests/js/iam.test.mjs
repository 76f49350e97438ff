// IAM API keys, Scaleway's current way to call private functions, beside the legacy tokens:
// the built package against the real emulator.
import { test } from "node:test";
import assert from "node:assert/strict";
import { lib, useEmulator, UNKNOWN } from "./support.mjs";

const { FunctionsClient, PrivateFunction, NotFoundError, ValidationError, InvalidArgumentsError } = lib;
const emulator = useEmulator();
const client = () => new FunctionsClient({ secretKey: emulator.secret_key, apiUrl: emulator.api_url });
const call = (token) => new PrivateFunction({ url: emulator.function_url, token }).fetch("/");
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

/** Calls the emulator's IAM API directly, as an operator would from the console. */
async function iam(method, path, body) {
  const res = await fetch(`${emulator.api_url}/iam/v1alpha1${path}`, {
    method,
    headers: { "X-Auth-Token": emulator.secret_key, "Content-Type": "application/json" },
    body: body && JSON.stringify(body),
  });
  return res.status === 204 ? null : res.json();
}

test("a function access key opens the private function until it is deleted", async () => {
  const c = client();
  const key = await c.createFunctionAccessKey({ projectId: emulator.project_id, description: "ci" });
  assert.match(key.accessKey, /^SCW[A-Z0-9]{17}$/);
  assert.match(key.secretKey, /^[0-9a-f-]{36}$/);
  assert.equal(key.expiresAt, undefined);
  assert.equal((await call(key.secretKey)).status, 200);

  const policy = await iam("GET", `/policies/${key.policyId}`);
  assert.equal(policy.application_id, key.applicationId);
  const { rules } = await iam("GET", `/rules?policy_id=${key.policyId}`);
  assert.deepEqual(rules[0].permission_set_names, ["FunctionsPrivateAccess"]);
  assert.deepEqual(rules[0].project_ids, [emulator.project_id]);

  await c.deleteFunctionAccessKey(key.accessKey);
  assert.equal((await call(key.secretKey)).status, 403);
  assert.equal((await iam("GET", `/applications/${key.applicationId}`)).type, "not_found");
  assert.equal((await iam("GET", `/policies/${key.policyId}`)).type, "not_found");
  await assert.rejects(c.deleteFunctionAccessKey(key.accessKey), (e) => {
    assert.ok(e instanceof NotFoundError);
    assert.equal(e.resource, "access_key");
    assert.equal(e.resourceId, key.accessKey);
    return true;
  });
});

test("a key whose application has no function policy is refused", async () => {
  const { organization_id } = await client().getNamespace(emulator.namespace_id).then((n) => ({ organization_id: n.organizationId }));
  const app = await iam("POST", "/applications", { name: "no-policy", organization_id });
  const bare = await iam("POST", "/api-keys", { application_id: app.id });
  assert.equal((await call(bare.secret_key)).status, 403);
  await iam("DELETE", `/applications/${app.id}`);
});

test("deleteFunctionAccessKey refuses a key of another application and deletes nothing of it", async () => {
  const { organizationId } = await client().getNamespace(emulator.namespace_id);
  const app = await iam("POST", "/applications", { name: "ci-deployer", organization_id: organizationId });
  const policy = await iam("POST", "/policies", {
    name: "ci-deployer",
    organization_id: organizationId,
    application_id: app.id,
    rules: [{ permission_set_names: ["FunctionsPrivateAccess"], project_ids: [emulator.project_id] }],
  });
  const key = await iam("POST", "/api-keys", { application_id: app.id });
  await assert.rejects(
    client().deleteFunctionAccessKey(key.access_key),
    (e) => e instanceof ValidationError && e.field === "accessKey" && /createFunctionAccessKey/.test(e.message),
  );
  assert.equal((await iam("GET", `/api-keys/${key.access_key}`)).access_key, key.access_key);
  assert.equal((await iam("GET", `/policies/${policy.id}`)).id, policy.id);
  assert.equal((await iam("GET", `/applications/${app.id}`)).id, app.id);
  await iam("DELETE", `/applications/${app.id}`);
});

test("an expired key is refused at once", async () => {
  const c = client();
  const expiresAt = new Date(Date.now() + 1500);
  const key = await c.createFunctionAccessKey({ projectId: emulator.project_id, expiresAt });
  assert.equal(key.expiresAt.getTime(), expiresAt.getTime());
  assert.equal((await call(key.secretKey)).status, 200);
  await sleep(1700);
  assert.equal((await call(key.secretKey)).status, 403);
  await c.deleteFunctionAccessKey(key.accessKey);
});

test("legacy tokens keep working beside IAM keys, and a token provider may hand out either", async () => {
  const c = client();
  const key = await c.createFunctionAccessKey({ projectId: emulator.project_id });
  const { token } = await c.createToken({ functionId: emulator.function_id });
  assert.equal((await call(token)).status, 200);
  assert.equal((await call(key.secretKey)).status, 200);
  let handed = 0;
  const provided = new PrivateFunction({ url: emulator.function_url, tokenProvider: async () => (++handed % 2 ? key.secretKey : token) });
  assert.equal((await provided.fetch("/a")).status, 200);
  assert.equal((await provided.fetch("/b")).status, 200);
  assert.equal(handed, 1, "a key secret without exp is reused like a token");
  await c.deleteFunctionAccessKey(key.accessKey);
});

test("a failed step leaves no application nor policy behind", async () => {
  const c = client();
  const namespace = await c.getNamespace(emulator.namespace_id);
  const before = await iam("GET", "/applications");
  // An unknown project passes the application step, then the policy step fails with a 404.
  await assert.rejects(
    c.createFunctionAccessKey({ projectId: UNKNOWN, organizationId: namespace.organizationId, description: "doomed" }),
    (e) => e instanceof NotFoundError && e.resource === "project" && e.resourceId === UNKNOWN,
  );
  const after = await iam("GET", "/applications");
  assert.deepEqual(after.applications.map((a) => a.id), before.applications.map((a) => a.id));
  assert.ok(!after.applications.some((a) => a.description === "doomed"));
  const policies = await iam("GET", "/policies");
  assert.ok(!policies.policies.some((p) => p.description === "doomed"));
  assert.equal((await iam("GET", "/api-keys")).api_keys.length, 0);
});

test("inputs are refused before any request, API refusals are typed", async () => {
  const c = client();
  await assert.rejects(c.createFunctionAccessKey({}), (e) => e instanceof ValidationError && e.field === "projectId");
  await assert.rejects(c.createFunctionAccessKey({ projectId: "fr-par/x" }), (e) => e instanceof ValidationError && e.field === "projectId");
  await assert.rejects(
    c.createFunctionAccessKey({ projectId: emulator.project_id, expiresAt: new Date(Date.now() - 1000) }),
    (e) => e instanceof ValidationError && e.field === "expiresAt",
  );
  await assert.rejects(c.deleteFunctionAccessKey("SCW123"), (e) => e instanceof ValidationError && e.field === "accessKey");
  // A project with no namespace in the region: its organization cannot be read from one.
  await assert.rejects(c.createFunctionAccessKey({ projectId: UNKNOWN }), (e) => e instanceof ValidationError && e.field === "organizationId");
  await assert.rejects(
    c.createFunctionAccessKey({ projectId: emulator.project_id, organizationId: UNKNOWN }),
    (e) => e instanceof lib.PermissionsDeniedError && e.status === 403,
  );
  assert.ok(InvalidArgumentsError);
});
