// IAM keys as Scaleway has them in 2026: listed with their expiry, rotated on the same
// application, refused without an expiry where the organisation requires one (nothing left behind),
// and legacy token creation refused with the API's own error. The built package against the emulator.
import { test, describe, before, after } from "node:test";
import assert from "node:assert/strict";
import { lib } from "./support.mjs";
import { startEmulator } from "../support/emulator.mjs";

const { FunctionsClient, PrivateFunction, InvalidArgumentsError, ScwError, ValidationError } = lib;

/** An emulator started with `args` for the tests of one describe block. */
function emulator(args) {
  const emu = {};
  before(async () => Object.assign(emu, await startEmulator(args)));
  after(() => emu.stop?.());
  return emu;
}

const clientOf = (emu) => new FunctionsClient({ secretKey: emu.secret_key, apiUrl: emu.api_url });
const status = async (emu, secret) => (await new PrivateFunction({ url: emu.function_url, token: secret }).fetch("/")).status;
const inAnHour = () => new Date(Date.now() + 3_600_000);

describe("key listing and rotation", () => {
  const emu = emulator([]);

  test("listFunctionAccessKeys lists the project's keys with their expiry and never a secret", async () => {
    const c = clientOf(emu);
    const expiresAt = inAnHour();
    const dated = await c.createFunctionAccessKey({ projectId: emu.project_id, description: "dated", expiresAt });
    const lasting = await c.createFunctionAccessKey({ projectId: emu.project_id });
    const listed = await c.listFunctionAccessKeys({ projectId: emu.project_id });
    const byKey = new Map(listed.map((k) => [k.accessKey, k]));
    const one = byKey.get(dated.accessKey);
    assert.ok(one && byKey.has(lasting.accessKey), "both keys are listed");
    assert.equal(one.applicationId, dated.applicationId);
    assert.equal(one.projectId, emu.project_id);
    assert.equal(one.description, "dated");
    assert.equal(Math.floor(one.expiresAt.getTime() / 1000), Math.floor(expiresAt.getTime() / 1000));
    assert.ok(one.createdAt instanceof Date);
    assert.equal(byKey.get(lasting.accessKey).expiresAt, undefined);
    assert.ok(listed.every((k) => !("secretKey" in k)), "no secret in a listing");
    await c.deleteFunctionAccessKey(dated.accessKey);
    await c.deleteFunctionAccessKey(lasting.accessKey);
    const after = await c.listFunctionAccessKeys({ projectId: emu.project_id });
    assert.ok(!after.some((k) => k.accessKey === dated.accessKey || k.accessKey === lasting.accessKey));
  });

  test("an expired key stays listed, with its expiry in the past", async () => {
    const c = clientOf(emu);
    const key = await c.createFunctionAccessKey({ projectId: emu.project_id, expiresAt: new Date(Date.now() + 1500) });
    await new Promise((r) => setTimeout(r, 2000));
    assert.equal(await status(emu, key.secretKey), 403);
    const listed = (await c.listFunctionAccessKeys({ projectId: emu.project_id })).find((k) => k.accessKey === key.accessKey);
    assert.ok(listed.expiresAt.getTime() < Date.now());
    await c.deleteFunctionAccessKey(key.accessKey);
  });

  test("rotateFunctionAccessKey makes a working key on the same application and keeps the old one until asked", async () => {
    const c = clientOf(emu);
    const old = await c.createFunctionAccessKey({ projectId: emu.project_id, description: "rotated", expiresAt: inAnHour() });
    const next = await c.rotateFunctionAccessKey(old.accessKey, { expiresAt: inAnHour() });
    assert.notEqual(next.accessKey, old.accessKey);
    assert.equal(next.applicationId, old.applicationId);
    assert.equal(next.policyId, old.policyId);
    assert.ok(next.expiresAt instanceof Date);
    assert.equal(await status(emu, next.secretKey), 200);
    assert.equal(await status(emu, old.secretKey), 200, "the old key still works: callers switch over first");

    const third = await c.rotateFunctionAccessKey(next.accessKey, { expiresAt: inAnHour(), deleteOld: true });
    assert.equal(await status(emu, next.secretKey), 403, "deleteOld removed the key it rotated");
    assert.equal(await status(emu, third.secretKey), 200);
    await c.deleteFunctionAccessKey(third.accessKey);
    assert.equal(await status(emu, old.secretKey), 200, "deleting one key leaves the other keys of its application");
    await c.deleteFunctionAccessKey(old.accessKey);
  });

  test("deleting the old key after a rotation leaves the new key working; the last key takes its application and policy along", async () => {
    const c = clientOf(emu);
    const iam = async (path) => (await fetch(`${emu.api_url}/iam/v1alpha1${path}`, { headers: { "X-Auth-Token": emu.secret_key } })).status;
    const old = await c.createFunctionAccessKey({ projectId: emu.project_id, expiresAt: inAnHour() });
    const next = await c.rotateFunctionAccessKey(old.accessKey, { expiresAt: inAnHour() });
    await c.deleteFunctionAccessKey(old.accessKey);
    assert.equal(await status(emu, old.secretKey), 403);
    assert.equal(await status(emu, next.secretKey), 200, "the new key survives the old one's deletion");
    assert.equal(await iam(`/applications/${next.applicationId}`), 200);
    await c.deleteFunctionAccessKey(next.accessKey);
    assert.equal(await status(emu, next.secretKey), 403);
    assert.equal(await iam(`/applications/${next.applicationId}`), 404, "the application went with its last key");
    assert.equal(await iam(`/policies/${next.policyId}`), 404, "and its policy");
  });

  test("listing and rotating refuse bad input before any request", async () => {
    const c = clientOf(emu);
    await assert.rejects(c.listFunctionAccessKeys({}), (e) => e instanceof ValidationError && e.field === "projectId");
    await assert.rejects(c.listFunctionAccessKeys({ projectId: "x" }), (e) => e instanceof ValidationError && e.field === "projectId");
    await assert.rejects(c.rotateFunctionAccessKey("nope"), (e) => e instanceof ValidationError && e.field === "accessKey");
    await assert.rejects(
      c.rotateFunctionAccessKey("SCW0123456789ABCDEFG", { deleteOld: "yes" }),
      (e) => e instanceof ValidationError && e.field === "deleteOld",
    );
  });
});

describe("an organisation that requires key expiry", () => {
  const emu = emulator(["--require-key-expiry"]);

  test("a key without expiresAt is an InvalidArgumentsError naming expires_at, and nothing is left behind", async () => {
    const c = clientOf(emu);
    const iam = async (path) => (await fetch(`${emu.api_url}/iam/v1alpha1${path}`, { headers: { "X-Auth-Token": emu.secret_key } })).json();
    const counts = async () => [(await iam("/applications")).total_count, (await iam("/policies")).total_count, (await iam("/api-keys")).total_count];
    const before = await counts();
    const error = await c.createFunctionAccessKey({ projectId: emu.project_id }).catch((e) => e);
    assert.ok(error instanceof InvalidArgumentsError, String(error));
    assert.equal(error.details[0].argumentName, "expires_at");
    assert.match(error.message, /expires_at .*organization security settings require an expiration date/);
    assert.deepEqual(await counts(), before, "no application, policy or key left behind");

    const key = await c.createFunctionAccessKey({ projectId: emu.project_id, expiresAt: inAnHour() });
    assert.equal(await status(emu, key.secretKey), 200);
    await assert.rejects(c.rotateFunctionAccessKey(key.accessKey), InvalidArgumentsError);
    assert.equal(await status(emu, key.secretKey), 200, "a refused rotation keeps the old key");
  });
});

describe("legacy token creation refused", () => {
  const emu = emulator(["--legacy-token-creation", "refuse"]);

  test("createToken rejects with the API's error and message; the other token calls keep working", async () => {
    const c = clientOf(emu);
    const error = await c.createToken({ functionId: emu.function_id }).catch((e) => e);
    assert.ok(error instanceof ScwError, String(error));
    assert.equal(error.status, 412);
    assert.equal(error.type, "precondition_failed");
    assert.match(error.message, /creating function tokens is disabled/);
    const page = await c.listTokens({ functionId: emu.function_id });
    assert.equal(typeof page.totalCount, "number");
  });
});
