import { test } from "node:test";
import assert from "node:assert/strict";
import { lib, useEmulator } from "./support.mjs";

const { FunctionsClient, TimeoutError } = lib;
const emu = useEmulator(["--token-delay-ms", "600"]);
const client = () => new FunctionsClient({ secretKey: emu.secret_key, apiUrl: emu.api_url });

test("waitForToken waits until a new token is ready", async () => {
  const c = client();
  const t = await c.createToken({ functionId: emu.function_id });
  assert.equal(t.status, "creating");
  const ready = await c.waitForToken(t.id, { intervalMs: 50 });
  assert.equal(ready.status, "ready");
});

test("waitForToken stops at its timeout with a TimeoutError", async () => {
  const c = client();
  const t = await c.createToken({ functionId: emu.function_id });
  const started = Date.now();
  const err = await c.waitForToken(t.regionalId, { timeoutMs: 150, intervalMs: 50 }).catch((e) => e);
  assert.ok(err instanceof TimeoutError, String(err));
  assert.match(err.message, /still creating after 150 ms/);
  assert.ok(Date.now() - started < 550);
});

test("waitForToken follows a deletion until the token is gone", async () => {
  const c = client();
  const t = await c.createToken({ functionId: emu.function_id });
  await c.waitForToken(t.id, { intervalMs: 50 });
  assert.equal((await c.deleteToken(t.id)).status, "deleting");
  await assert.rejects(c.waitForToken(t.id, { intervalMs: 50 }), { name: "NotFoundError" });
});
