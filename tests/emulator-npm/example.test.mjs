// examples/testing as a user runs it: its Vitest suite, with scw-emulator and scw-functions-auth
// installed from their packed tarballs (target/npm/ from scripts/build-emulator-npm.sh; pkg/ from
// scripts/build-pkg.sh, packed here) on a PATH without cargo.
import { test } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { emulatorTarballs, root, withoutCargo as env } from "./helpers.mjs";

const example = path.join(root, "examples/testing");

function run(command, args, { cwd = example, timeoutMs = 300_000 } = {}) {
  const result = spawnSync(command, args, { cwd, env, encoding: "utf8", timeout: timeoutMs });
  if (result.error) throw result.error;
  assert.equal(result.status, 0, `${command} ${args.join(" ")}\n${result.stdout}${result.stderr}`);
  return result.stdout;
}

test("examples/testing: its Vitest suite passes against the emulator started in globalSetup", (t) => {
  const scratch = mkdtempSync(path.join(tmpdir(), "scw-functions-auth-pack-"));
  t.after(() => rmSync(scratch, { recursive: true, force: true }));
  const library = run("npm", ["pack", "--silent", "--pack-destination", scratch, path.join(root, "pkg")], { cwd: root }).trim();
  run("npm", ["install", "--no-save", "--no-audit", "--no-fund", "--loglevel=error", path.join(scratch, library), ...emulatorTarballs()]);
  const output = run("npx", ["--no-install", "vitest", "run", "--reporter=verbose"]);
  console.log(output.trim());
  assert.match(output, /Tests\s+3 passed \(3\)/);
});
