// No call ends in a trap: a panic (made on purpose by the `test-panic` build of the full entry,
// target/panic/) rejects or throws a ScwError whose message names it, and the next calls work,
// on the same objects, again and again.
import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { lib, useEmulator } from "./support.mjs";

const glue = new URL("../../target/panic/pkg/scw_functions_auth.js", import.meta.url);
const probe = await import(glue.href);
probe.initSync({ module: readFileSync(new URL("scw_functions_auth_bg.wasm", glue)) });
const emu = useEmulator();

/** Asserts that `error` is the ScwError of a deliberate panic. */
function isPanic(error, story) {
  assert.ok(error instanceof lib.ScwError, `${story}: ${error}`);
  assert.equal(error.type, "panic", story);
  assert.match(error.message, /panicked: .*deliberate panic/, story);
  assert.match(error.message, /src\/surface\/guard\.rs/, `${story}: the message says where`);
}

test("a panic in a synchronous call throws a ScwError naming it, and later calls work", async () => {
  const client = new probe.FunctionsClient({ secretKey: emu.secret_key, apiUrl: emu.api_url });
  for (let i = 0; i < 50; i++) {
    let error;
    try {
      probe.panicForTest(false);
    } catch (e) {
      error = e;
    }
    isPanic(error, `panic ${i}`);
    assert.equal((await client.listTokens()).totalCount >= 0, true, `a call after panic ${i}`);
  }
});

test("a panic after an await rejects the call's promise, and later calls work", async () => {
  const client = new probe.FunctionsClient({ secretKey: emu.secret_key, apiUrl: emu.api_url });
  for (let i = 0; i < 50; i++) {
    await assert.rejects(probe.panicForTest(true), (e) => (isPanic(e, `panic ${i}`), true));
    const made = await client.createToken({ functionId: emu.function_id });
    assert.equal((await client.getToken(made.id)).id, made.id, `calls after panic ${i}`);
  }
});

test("bad input after a panic is still a ValidationError", async () => {
  assert.throws(() => probe.panicForTest(false), lib.ScwError);
  assert.throws(() => new probe.FunctionsClient({ secretKey: 5 }), (e) => e instanceof lib.ValidationError && e.field === "secretKey");
});
