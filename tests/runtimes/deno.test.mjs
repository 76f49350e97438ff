// The installed tarball under Deno (npm package `deno`): `npm:` specifiers, local node_modules.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import path from "node:path";
import { here, run, lastJson, startEmulator, readyLine, expected } from "./helpers.mjs";

const project = path.join(here, "deno");
const deno = path.join(project, "node_modules/.bin/deno");
const denoEnv = { NO_COLOR: "1", DENO_NO_UPDATE_CHECK: "1" };

let emulator;
before(async () => (emulator = await startEmulator()));
after(() => emulator?.stop());

test("Deno: a token is created, listed, lets the call in through both entries, and is deleted (no read permission needed)", async () => {
  const out = await run(deno, ["run", "--cached-only", "--allow-env=EMULATOR", "--allow-net=127.0.0.1", "main.js"], {
    cwd: project,
    env: { ...denoEnv, EMULATOR: JSON.stringify(readyLine(emulator)) },
  });
  assert.deepEqual(lastJson(out), expected);
});
