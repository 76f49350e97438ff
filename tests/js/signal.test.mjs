// Every FunctionsClient call takes { signal }: the caller can stop a slow request, a pause between
// retries or a wait for a token, and gets an AbortError (or a TimeoutError for AbortSignal.timeout).
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { lib } from "./support.mjs";
import { startEmulator } from "../support/emulator.mjs";

const { FunctionsClient, AbortError, TimeoutError, ValidationError } = lib;
const emu = {};

before(async () => Object.assign(emu, await startEmulator(["--faults", "--token-delay-ms", "60000"])));
after(() => emu.stop?.());

const client = (extra = {}) => new FunctionsClient({ secretKey: emu.secret_key, apiUrl: emu.api_url, ...extra });

async function faults(list) {
  const res = await fetch(`${emu.api_url}/emulator/faults`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify(list),
  });
  assert.equal(res.status, 204, await res.text());
}

/** Rejects within `ms`, or fails the test. */
async function settlesWithin(ms, promise) {
  const started = Date.now();
  const outcome = await promise.then(
    (value) => ({ value }),
    (error) => ({ error }),
  );
  assert.ok(Date.now() - started < ms, `settled after ${Date.now() - started} ms`);
  return outcome;
}

test("an aborted signal stops a slow request with an AbortError", async () => {
  await faults([{ kind: "status", status: 200, delay_ms: 5000 }]);
  const controller = new AbortController();
  setTimeout(() => controller.abort(), 100);
  const { error } = await settlesWithin(2000, client().listNamespaces({ signal: controller.signal }));
  assert.ok(error instanceof AbortError, String(error));
  assert.equal(error.type, "aborted");
});

test("AbortSignal.timeout stops a call with a TimeoutError", async () => {
  await faults([{ kind: "status", status: 200, delay_ms: 5000 }]);
  const { error } = await settlesWithin(2000, client().getNamespace(emu.namespace_id, { signal: AbortSignal.timeout(100) }));
  assert.ok(error instanceof TimeoutError, String(error));
});

test("an abort during the pause before a retry ends the call without another request", async () => {
  const applied = async () => (await (await fetch(`${emu.api_url}/emulator/faults`)).json()).applied;
  const before = await applied();
  // A retry would meet the 503 queued after the 429.
  await faults([{ kind: "status", status: 429, retry_after: "5" }, { kind: "status", status: 503 }]);
  const controller = new AbortController();
  setTimeout(() => controller.abort(), 200);
  const { error } = await settlesWithin(2000, client({ retries: 2 }).listTokens({ signal: controller.signal }));
  assert.ok(error instanceof AbortError, String(error));
  assert.equal(await applied(), before + 1, "one request, no retry");
  await fetch(`${emu.api_url}/emulator/faults`, { method: "DELETE" });
});

test("an abort stops waitForToken between polls", async () => {
  const c = client();
  const made = await c.createToken({ functionId: emu.function_id });
  assert.equal(made.status, "creating");
  const controller = new AbortController();
  setTimeout(() => controller.abort(), 300);
  const { error } = await settlesWithin(2000, c.waitForToken(made.id, { intervalMs: 100, signal: controller.signal }));
  assert.ok(error instanceof AbortError, String(error));
});

test("a signal that is already aborted sends nothing, for every method", async () => {
  const c = client();
  const signal = AbortSignal.abort();
  const calls = [
    () => c.createToken({ functionId: emu.function_id, signal }),
    () => c.getToken(emu.function_id, { signal }),
    () => c.deleteToken(emu.function_id, { signal }),
    () => c.listTokens({ signal }),
    () => c.listAllTokens({ signal }),
    () => c.waitForToken(emu.function_id, { signal }),
    () => c.createFunctionAccessKey({ projectId: emu.project_id, organizationId: emu.project_id, signal }),
    () => c.deleteFunctionAccessKey("SCW0123456789ABCDEFG", { signal }),
    () => c.listNamespaces({ signal }),
    () => c.getNamespace(emu.namespace_id, { signal }),
    () => c.listFunctions({ signal }),
    () => c.getFunction(emu.function_id, { signal }),
  ];
  const before = (await c.listAllTokens()).length;
  for (const call of calls) await assert.rejects(call(), AbortError, String(call));
  assert.equal((await c.listAllTokens()).length, before, "no token was created");
});

test("a signal that is not an AbortSignal is a ValidationError naming it", async () => {
  await assert.rejects(client().listNamespaces({ signal: { aborted: true } }), (e) => e instanceof ValidationError && e.field === "signal");
});
