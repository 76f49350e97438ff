// The scw-emulator npm packages as a user gets them: the tarballs that
// scripts/build-emulator-npm.sh packs into target/npm/, installed into a throwaway project on a
// PATH without cargo, then `npx scw-emulator`, startEmulator from node:test, the types, killed
// parents, and a platform without a binary.
import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { spawn, spawnSync } from "node:child_process";
import { accessSync, constants, cpSync, existsSync, mkdtempSync, readdirSync, readFileSync, readlinkSync, realpathSync, renameSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { createInterface } from "node:readline";
import path from "node:path";
import { emulatorTarballs, root, withoutCargo as env } from "./helpers.mjs";

const tsc = path.join(root, "node_modules/.bin/tsc");

let project;

/** Runs a command in the project to completion: `{ code, signal, stdout, stderr }`. */
function run(command, args, { timeoutMs = 120_000, extraEnv = {} } = {}) {
  const result = spawnSync(command, args, { cwd: project, env: { ...env, ...extraEnv }, encoding: "utf8", timeout: timeoutMs });
  if (result.error) throw result.error;
  return { code: result.status, signal: result.signal, stdout: result.stdout, stderr: result.stderr };
}

/** Starts a process in the project and resolves with it and the first line it prints on stdout. */
function startUntilFirstLine(command, args) {
  const child = spawn(command, args, { cwd: project, env, stdio: ["pipe", "pipe", "pipe"] });
  let stderr = "";
  child.stderr.on("data", (chunk) => (stderr += chunk));
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill("SIGKILL");
      reject(new Error(`${command} ${args.join(" ")} printed nothing in 60 s\n${stderr}`));
    }, 60_000);
    child.once("exit", (code) => reject(new Error(`${command} ${args.join(" ")} exited with ${code}\n${stderr}`)));
    createInterface({ input: child.stdout }).once("line", (line) => {
      clearTimeout(timer);
      child.removeAllListeners("exit");
      resolve({ child, line });
    });
  });
}

const exited = (child) =>
  child.exitCode !== null || child.signalCode !== null
    ? Promise.resolve()
    : new Promise((resolve) => child.once("exit", resolve));

/** True once `url` refuses connections, polled for up to `timeoutMs`. */
async function refusedWithin(url, timeoutMs = 10_000) {
  const until = Date.now() + timeoutMs;
  while (Date.now() < until) {
    if (await fetch(url).then(() => false, () => true)) return true;
    await new Promise((r) => setTimeout(r, 100));
  }
  return false;
}

/** Ids of the running processes of this executable once none is left, or after `timeoutMs`. */
async function processesLeft(executable, timeoutMs = 10_000) {
  const until = Date.now() + timeoutMs;
  while (processesOf(executable).length > 0 && Date.now() < until) {
    await new Promise((r) => setTimeout(r, 100));
  }
  return processesOf(executable);
}

/** Ids of the running processes of this executable. */
function processesOf(executable) {
  const target = realpathSync(executable);
  return readdirSync("/proc").filter((pid) => {
    if (!/^\d+$/.test(pid)) return false;
    try {
      return readlinkSync(`/proc/${pid}/exe`) === target;
    } catch {
      return false;
    }
  });
}

const binary = () => path.join(project, "node_modules/scw-emulator-linux-x64/bin/scw-emulator");

before(() => {
  assert.equal(spawnSync("cargo", ["--version"], { env }).error?.code, "ENOENT", "cargo is off PATH");
  project = mkdtempSync(path.join(tmpdir(), "scw-emulator-npm-"));
  writeFileSync(path.join(project, "package.json"), JSON.stringify({ name: "throwaway", private: true, type: "module" }));
  const started = Date.now();
  const install = run("npm", ["install", "--no-audit", "--no-fund", "--loglevel=error", ...emulatorTarballs()]);
  assert.equal(install.code, 0, install.stderr);
  console.log(`npm install of the tarballs: ${Date.now() - started} ms`);
  cpSync(path.join(root, "tests/emulator-npm/project"), project, { recursive: true });
});

after(() => {
  if (!project) return;
  // Whatever a failed test left running, so that the run ends and no emulator outlives it.
  for (const pid of processesOf(binary())) process.kill(Number(pid), "SIGKILL");
  rmSync(project, { recursive: true, force: true });
});

test("the packages install with their licences and an executable static binary", () => {
  for (const pkg of ["scw-emulator", "scw-emulator-linux-x64"]) {
    for (const licence of ["LICENSE-MIT", "LICENSE-APACHE"]) {
      assert.ok(existsSync(path.join(project, "node_modules", pkg, licence)), `${pkg}/${licence}`);
    }
  }
  accessSync(binary(), constants.X_OK);
  assert.match(readFileSync(binary()).subarray(0, 4).toString("latin1"), /^\x7fELF/);
  const du = run("du", ["-sk", "node_modules/scw-emulator", "node_modules/scw-emulator-linux-x64"]);
  console.log(`installed: ${du.stdout.trim().replace(/\s+/g, " ")} (KiB)`);
});

test("npx scw-emulator --port 0 prints its ready line and serves on that port", async () => {
  const started = Date.now();
  const { child, line } = await startUntilFirstLine("npx", ["--no-install", "scw-emulator", "--port", "0"]);
  console.log(`npx scw-emulator: ready line after ${Date.now() - started} ms`);
  try {
    const ready = JSON.parse(line);
    assert.deepEqual(Object.keys(ready), ["api_url", "secret_key", "region", "project_id", "namespace_id", "function_id", "function_url"]);
    const health = await fetch(`${ready.api_url}/emulator/health`);
    assert.equal(health.status, 200);
    child.kill("SIGTERM");
    await exited(child);
    assert.ok(await refusedWithin(`${ready.api_url}/emulator/health`), "stopped with npx");
  } finally {
    child.kill("SIGKILL");
  }
});

test("npx scw-emulator passes its flags on, and the binary's refusals come back", () => {
  const help = run("npx", ["--no-install", "scw-emulator", "--help"]);
  assert.equal(help.code, 0, help.stderr);
  assert.match(help.stdout, /--cors-origin/);
  const refused = run("npx", ["--no-install", "scw-emulator", "--rsa-bits", "1024"]);
  assert.equal(refused.code, 2);
  assert.match(refused.stderr, /invalid value '1024' for '--rsa-bits/);
});

test("startEmulator from node:test, in the project", () => {
  const result = run("node", ["--test", "--test-reporter=spec", "start-emulator.mjs"], { timeoutMs: 240_000 });
  assert.equal(result.code, 0, result.stdout + result.stderr);
  assert.match(result.stdout, /ℹ fail 0/);
});

test("the types hold under tsc --strict, with the resolutions nodenext and bundler", () => {
  for (const [module, resolution] of [["nodenext", "nodenext"], ["esnext", "bundler"]]) {
    const result = run(tsc, ["--noEmit", "--strict", "--target", "es2022", "--module", module, "--moduleResolution", resolution, "types.ts"]);
    assert.equal(result.code, 0, `${resolution}: ${result.stdout}${result.stderr}`);
  }
});

test("an emulator started from a parent killed with SIGKILL ends with it", async () => {
  const { child, line } = await startUntilFirstLine("node", ["parent.mjs"]);
  const { apiUrl } = JSON.parse(line);
  assert.equal((await fetch(`${apiUrl}/emulator/health`)).status, 200);
  assert.equal(processesOf(binary()).length > 0, true);
  child.kill("SIGKILL");
  assert.ok(await refusedWithin(`${apiUrl}/emulator/health`), "the emulator outlived its parent");
  assert.deepEqual(await processesLeft(binary()), []);
});

test("the npx launcher killed with SIGKILL takes the emulator with it", async () => {
  const { child, line } = await startUntilFirstLine("node", ["node_modules/.bin/scw-emulator", "--port", "0"]);
  const { api_url } = JSON.parse(line);
  child.kill("SIGKILL");
  assert.ok(await refusedWithin(`${api_url}/emulator/health`), "the emulator outlived its launcher");
  assert.deepEqual(await processesLeft(binary()), []);
});

test("a script that never calls stop() still ends, and its emulator with it", async () => {
  const { child, line } = await startUntilFirstLine("node", ["forgetful.mjs"]);
  const { apiUrl } = JSON.parse(line);
  const ended = await Promise.race([exited(child).then(() => true), new Promise((r) => setTimeout(r, 10_000, false))]);
  child.kill("SIGKILL");
  assert.ok(ended, "the script was held up by its emulator");
  assert.ok(await refusedWithin(`${apiUrl}/emulator/health`));
});

test("on a platform without a binary and without cargo, it says what to install, with no stack trace", () => {
  const cli = run("node", ["--import", "./as-darwin-arm64.mjs", "node_modules/.bin/scw-emulator", "--port", "0"]);
  assert.equal(cli.code, 1);
  const api = run("node", ["--import", "./as-darwin-arm64.mjs", "--input-type=module", "-e",
    `import { startEmulator } from "scw-emulator";
     await startEmulator().catch((error) => { console.error(error.name + ": " + error.message); process.exit(3); });`]);
  assert.equal(api.code, 3);
  for (const message of [cli.stderr, api.stderr]) {
    assert.match(message, /no prebuilt binary for darwin-arm64 \(there are binaries for linux-x64.*\), and cargo is not on PATH/);
    assert.match(message, /https:\/\/rustup\.rs/);
    assert.match(message, /cargo install --locked --path ".*node_modules\/scw-emulator\/source"/);
    assert.doesNotMatch(message, /^\s+at /m);
  }
});

test("with its platform package left out and without cargo, it names the missing package; SCW_EMULATOR_BINARY stands in", (t) => {
  const installed = path.join(project, "node_modules/scw-emulator-linux-x64");
  renameSync(installed, `${installed}.aside`);
  t.after(() => renameSync(`${installed}.aside`, installed));
  const cli = run("node", ["node_modules/.bin/scw-emulator", "--version"]);
  assert.equal(cli.code, 1);
  assert.match(cli.stderr, /^scw-emulator: the package scw-emulator-linux-x64, which holds the binary for linux-x64, is not installed \(were optional dependencies left out, with --omit=optional/);
  assert.match(cli.stderr, /cargo install --locked --path/);

  const chosen = run("node", ["node_modules/.bin/scw-emulator", "--version"], {
    extraEnv: { SCW_EMULATOR_BINARY: path.join(`${installed}.aside`, "bin/scw-emulator") },
  });
  assert.equal(chosen.code, 0, chosen.stderr);
  assert.match(chosen.stdout, /^scw-emulator \d+\.\d+\.\d+/);
});

test("a SCW_EMULATOR_BINARY that does not exist is named", () => {
  const missing = run("node", ["node_modules/.bin/scw-emulator", "--version"], { extraEnv: { SCW_EMULATOR_BINARY: "/no/such/scw-emulator" } });
  assert.equal(missing.code, 1);
  assert.equal(missing.stderr.trim(), "scw-emulator: SCW_EMULATOR_BINARY is /no/such/scw-emulator, which does not exist");
});

test("the emulator's source ships with a lock file of its own, for cargo install", () => {
  const source = path.join(project, "node_modules/scw-emulator/source");
  const manifest = readFileSync(path.join(source, "Cargo.toml"), "utf8");
  assert.match(manifest, /^name = "scw-emulator"$/m);
  assert.match(manifest, /^\[workspace\]$/m);
  const lock = readFileSync(path.join(source, "Cargo.lock"), "utf8");
  assert.match(lock, /^name = "ring"$/m);
  assert.doesNotMatch(lock, /^name = "(scw-functions-auth|lol_alloc)"$/m, "pruned to the emulator's dependencies");
  assert.ok(statSync(path.join(source, "src/main.rs")).isFile());
});
