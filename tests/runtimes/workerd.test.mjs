// The installed tarball in Cloudflare's workerd (npm package `workerd`): a module worker whose wasm
// arrives as a module import, since workerd forbids compiling wasm from bytes at run time.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import path from "node:path";
import { here, startEmulator, startWorkerd, readyLine, expected } from "./helpers.mjs";

let emulator;
let worker;
before(async () => {
  emulator = await startEmulator();
  worker = await startWorkerd({
    modules: {
      "workerd/worker.js": path.join(here, "workerd/worker.js"),
      "shared/scenario.js": path.join(here, "shared/scenario.js"),
    },
    bindings: { EMULATOR: JSON.stringify(readyLine(emulator)) },
  });
});
after(async () => {
  await worker?.stop();
  await emulator?.stop();
});

test("workerd: a token is created, listed, lets the call in through both entries, and is deleted", async () => {
  const res = await fetch(worker.url + "/run");
  const body = await res.text();
  assert.equal(res.status, 200, body + worker.output());
  assert.deepEqual(JSON.parse(body), expected);
});
