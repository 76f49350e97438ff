// `cargo install --locked --path emulator`, the emulator README's way for Rust users, into a
// throwaway root. With --debug: it then reuses the workspace's debug build (make emulator), where
// a release build would take minutes; the profile is the only difference.
import { test } from "node:test";
import assert from "node:assert/strict";
import { spawn, spawnSync } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { createInterface } from "node:readline";
import path from "node:path";
import { root } from "./helpers.mjs";

test("cargo install --locked --path emulator installs a scw-emulator that starts", async (t) => {
  const installRoot = mkdtempSync(path.join(tmpdir(), "scw-emulator-cargo-"));
  t.after(() => rmSync(installRoot, { recursive: true, force: true }));
  const install = spawnSync("cargo", ["install", "--quiet", "--locked", "--debug", "--path", "emulator", "--root", installRoot], {
    cwd: root,
    encoding: "utf8",
    timeout: 600_000,
  });
  assert.equal(install.status, 0, install.stderr);

  const emulator = spawn(path.join(installRoot, "bin/scw-emulator"), ["--port", "0", "--exit-on-stdin-close"], {
    stdio: ["pipe", "pipe", "ignore"],
  });
  t.after(() => emulator.kill("SIGKILL"));
  const [line] = await Promise.race([
    new Promise((resolve) => createInterface({ input: emulator.stdout }).once("line", (l) => resolve([l]))),
    new Promise((_, reject) => emulator.once("exit", (code) => reject(new Error(`exited with ${code}`)))),
  ]);
  const { api_url } = JSON.parse(line);
  assert.deepEqual(await (await fetch(`${api_url}/emulator/health`)).json(), { status: "ok" });
});
