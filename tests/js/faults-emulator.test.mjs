// The built package against the real emulator with --faults: what a user sees when the network
// or the API misbehaves. The emulator counts what really landed (tokens listed afterwards).
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { lib } from "./support.mjs";
import { startEmulator } from "../support/emulator.mjs";

const { FunctionsClient, PrivateFunction, ScwError, NetworkError, TimeoutError, TooManyRequestsError } = lib;

const unhandled = [];
const onUnhandled = (reason) => unhandled.push(reason);
process.on("unhandledRejection", onUnhandled);

const emu = {};
let functionToken;

async function faults(list) {
  const res = await fetch(`${emu.api_url}/emulator/faults`, {
    method: list ? "POST" : "DELETE",
    headers: { "content-type": "application/json" },
    body: list ? JSON.stringify(list) : undefined,
  });
  assert.equal(res.status, 204, await res.text());
}

async function applied() {
  return (await (await fetch(`${emu.api_url}/emulator/faults`)).json()).applied;
}

const client = (extra = {}) => new FunctionsClient({ secretKey: emu.secret_key, apiUrl: emu.api_url, ...extra });

/** Tokens of the seeded function, counted by the emulator itself (no faults queued meanwhile). */
async function tokenCount() {
  return (await client().listAllTokens({ functionId: emu.function_id })).length;
}

before(async () => {
  Object.assign(emu, await startEmulator(["--faults"]));
  functionToken = (await client().createToken({ functionId: emu.function_id })).token;
});

after(async () => {
  await emu.stop?.();
  process.off("unhandledRejection", onUnhandled);
  assert.deepEqual(unhandled, [], "no promise rejection is left unhandled");
});

test("a read is retried through 503, 502, 504, a reset and a 429, then succeeds", async () => {
  await faults([
    { kind: "status", status: 503 },
    { kind: "status", status: 502 },
    { kind: "status", status: 504 },
    { kind: "reset" },
    { kind: "status", status: 429, retry_after: "0" },
  ]);
  const before = await applied();
  const page = await client({ retries: 5 }).listTokens({ functionId: emu.function_id });
  assert.ok(page.totalCount >= 1);
  assert.equal((await applied()) - before, 5);
});

test("Retry-After of a 429 is honoured before the retry", async () => {
  await faults([{ kind: "status", status: 429, retry_after: "1" }]);
  const started = Date.now();
  await client({ retries: 1 }).listNamespaces();
  assert.ok(Date.now() - started >= 900, `retried after ${Date.now() - started} ms`);
});

test("a delete (idempotent) is retried after a reset and takes effect once", async () => {
  const made = await client().createToken({ functionId: emu.function_id });
  await faults([{ kind: "reset", method: "DELETE" }, { kind: "status", status: 503, method: "DELETE" }]);
  await client({ retries: 3 }).deleteToken(made.id);
  await assert.rejects(client().getToken(made.id), lib.NotFoundError);
});

test("a create whose answer was lost is never repeated: exactly one token landed", async () => {
  for (const fault of [
    { kind: "reset", method: "POST", after: true },
    { kind: "status", status: 503, method: "POST", after: true },
    { kind: "status", status: 502, method: "POST", after: true },
    { kind: "html", status: 504, method: "POST", after: true },
    { kind: "truncated", method: "POST" },
  ]) {
    const count = await tokenCount();
    await faults([fault]);
    const error = await client({ retries: 5 }).createToken({ functionId: emu.function_id }).catch((e) => e);
    assert.ok(error instanceof ScwError, `${fault.kind}: ${error}`);
    assert.equal(await tokenCount(), count + 1, `${fault.kind}: the create landed once, not again`);
  }
});

test("a create refused before it landed is not repeated either (the client cannot know)", async () => {
  const count = await tokenCount();
  await faults([{ kind: "status", status: 503, method: "POST" }]);
  const error = await client({ retries: 5 }).createToken({ functionId: emu.function_id }).catch((e) => e);
  assert.equal(error.status, 503);
  assert.equal(await tokenCount(), count);
});

test("a function access key whose last step fails, or lands but its answer is lost, leaves nothing behind", async () => {
  const iam = async (path) =>
    (await fetch(`${emu.api_url}/iam/v1alpha1${path}`, { headers: { "X-Auth-Token": emu.secret_key } })).json();
  const counts = async () => [
    (await iam("/applications")).applications.length,
    (await iam("/policies")).policies.length,
    (await iam("/api-keys")).api_keys.length,
  ];
  const c = client();
  const before = await counts();
  for (const fault of [
    { kind: "status", status: 500, method: "POST", path: "/api-keys" },
    { kind: "reset", method: "POST", path: "/api-keys", after: true },
  ]) {
    await faults([fault]);
    const used = await applied();
    await assert.rejects(c.createFunctionAccessKey({ projectId: emu.project_id, description: "doomed" }), ScwError);
    assert.equal(await applied(), used + 1, "the key step met the fault");
    assert.deepEqual(await counts(), before, `after ${fault.kind}: the policy and the application are deleted again`);
  }
  const key = await c.createFunctionAccessKey({ projectId: emu.project_id });
  await c.deleteFunctionAccessKey(key.accessKey);
  assert.deepEqual(await counts(), before);
});

test("a key deletion whose answers were lost is retried, and what the lost attempts deleted counts as deleted", async () => {
  const c = client({ retries: 3 });
  const key = await c.createFunctionAccessKey({ projectId: emu.project_id, description: "deleted under faults" });
  await faults(["/api-keys/", "/policies/", "/applications/"].map((path) => ({ kind: "reset", method: "DELETE", path, after: true })));
  const used = await applied();
  await c.deleteFunctionAccessKey(key.accessKey);
  assert.equal(await applied(), used + 3, "each step lost its first answer");
  const left = await c.listFunctionAccessKeys({ projectId: emu.project_id });
  assert.deepEqual(left.filter((k) => k.accessKey === key.accessKey), []);
  const applications = await (await fetch(`${emu.api_url}/iam/v1alpha1/applications?application_ids=${key.applicationId}`, {
    headers: { "X-Auth-Token": emu.secret_key },
  })).json();
  assert.equal(applications.total_count, 0, "the application is deleted");
});

test("a rotation whose old key cannot be deleted still gives the new key, with the reason, and both keys work", async () => {
  const c = client();
  const old = await c.createFunctionAccessKey({ projectId: emu.project_id, description: "rotated under faults" });
  const called = async (key) => (await new PrivateFunction({ url: emu.function_url, token: key }).fetch("/")).status;
  const cases = [
    [{ kind: "status", status: 403, method: "DELETE", path: "/api-keys/" }, lib.PermissionsDeniedError],
    [{ kind: "slow", delay_ms: 2000, method: "DELETE", path: "/api-keys/" }, TimeoutError],
  ];
  let current = old;
  for (const [fault, errorClass] of cases) {
    await faults([fault]);
    const next = await client({ timeoutMs: 1000 }).rotateFunctionAccessKey(current.accessKey, { deleteOld: true });
    assert.ok(next.oldKeyError instanceof errorClass, `${fault.kind}: ${next.oldKeyError}`);
    assert.match(next.secretKey, /^[0-9a-f-]{36}$/);
    assert.equal(await called(next), 200, `${fault.kind}: the new key works`);
    if (fault.kind === "status") assert.equal(await called(current), 200, "the old key was not deleted");
    current = next;
  }
  const clean = await c.rotateFunctionAccessKey(current.accessKey, { deleteOld: true });
  assert.equal("oldKeyError" in clean, false, "a deletion that succeeds leaves no oldKeyError");
  assert.equal(await called(current), 403);
  for (const key of await c.listFunctionAccessKeys({ projectId: emu.project_id })) {
    if (key.description === "rotated under faults") await c.deleteFunctionAccessKey(key.accessKey);
  }
});

test("each fault is reported as the right error class", async () => {
  const cases = [
    [{ kind: "reset" }, NetworkError, {}],
    [{ kind: "status", status: 429, retry_after: "0" }, TooManyRequestsError, { status: 429 }],
    [{ kind: "status", status: 500 }, ScwError, { status: 500 }],
    [{ kind: "status", status: 503 }, ScwError, { status: 503 }],
    [{ kind: "html", status: 502 }, ScwError, { status: 502 }],
    [{ kind: "truncated" }, ScwError, { type: "unexpected_response" }],
    [{ kind: "invalid_json" }, ScwError, { type: "unexpected_response" }],
  ];
  for (const [fault, kind, fields] of cases) {
    await faults([fault]);
    const error = await client({ retries: 0 }).listTokens().catch((e) => e);
    assert.ok(error instanceof kind, `${fault.kind}: ${error?.name} ${error}`);
    assert.ok(error instanceof Error && error instanceof ScwError, fault.kind);
    for (const [k, v] of Object.entries(fields)) assert.equal(error[k], v, `${fault.kind}.${k}`);
    assert.doesNotMatch(String(error), new RegExp(emu.secret_key), "no secret in the error");
  }
  assert.ok((await client().listTokens()).totalCount >= 1, "a valid call right after works");
});

test("a slow API stops at timeoutMs with a TimeoutError", async () => {
  await faults([{ kind: "slow", delay_ms: 1500 }]);
  const started = Date.now();
  await assert.rejects(client({ timeoutMs: 200, retries: 0 }).listNamespaces(), TimeoutError);
  assert.ok(Date.now() - started < 1200, `stopped after ${Date.now() - started} ms`);
  await faults();
});

test("a slow private function stops on the caller's AbortSignal", async () => {
  await faults([{ kind: "slow", delay_ms: 2000, path: "/fn/", times: 2 }]);
  const fn = new PrivateFunction({ url: emu.function_url, token: functionToken });
  const controller = new AbortController();
  const started = Date.now();
  setTimeout(() => controller.abort(), 100);
  const error = await fn.fetch("/slow", { signal: controller.signal }).catch((e) => e);
  assert.equal(error.name, "AbortError");
  assert.ok(Date.now() - started < 1500);
  const timed = await fn.fetch("/slow", { signal: AbortSignal.timeout(100) }).catch((e) => e);
  assert.ok(timed instanceof TimeoutError || timed.name === "TimeoutError", String(timed));
  await faults();
  assert.equal((await fn.fetch("/ok")).status, 200);
});

test("a gateway answering 502 or resetting is handed to the caller as is", async () => {
  await faults([{ kind: "html", status: 502, path: "/fn/" }, { kind: "reset", path: "/fn/" }]);
  const fn = new PrivateFunction({ url: emu.function_url, token: functionToken });
  const res = await fn.fetch("/x");
  assert.equal(res.status, 502);
  assert.match(await res.text(), /<html>/);
  await assert.rejects(fn.fetch("/x"), NetworkError);
  assert.equal((await fn.fetch("/x")).status, 200);
});
