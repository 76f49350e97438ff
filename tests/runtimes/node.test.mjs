// The installed tarball under Node: imported from an ES module and required from CommonJS.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import path from "node:path";
import { here, run, lastJson, startEmulator, readyLine, expected } from "./helpers.mjs";

const project = path.join(here, "node");
let emulator;
before(async () => (emulator = await startEmulator()));
after(() => emulator?.stop());

// CommonJS runs with require(esm) switched off: the package must not depend on it (Node < 20.19).
for (const [name, args] of [
  ["ES module (import)", ["esm.mjs"]],
  ["CommonJS (require)", ["--no-experimental-require-module", "cjs.cjs"]],
]) {
  test(`Node, ${name}: a token is created, listed, lets the call in, and is deleted`, async () => {
    const out = await run(process.execPath, args, { cwd: project, env: { EMULATOR: JSON.stringify(readyLine(emulator)) } });
    assert.deepEqual(lastJson(out), expected);
  });
}
