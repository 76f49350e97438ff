// Shared by the runtime tests: paths, child processes, free ports, Chromium.
import { spawn } from "node:child_process";
import { createServer } from "node:net";
import { fileURLToPath } from "node:url";
import path from "node:path";

export const here = path.dirname(fileURLToPath(import.meta.url));
export const root = path.resolve(here, "../..");
export { startEmulator } from "../support/emulator.mjs";
export { expected } from "./shared/scenario.js";

/** The ready line without the helpers: what a runtime needs to run the scenario. */
export const readyLine = (emulator) =>
  Object.fromEntries(Object.entries(emulator).filter(([, v]) => typeof v === "string"));

/** Runs a command to completion; resolves with its stdout, rejects with stderr on failure. */
export function run(command, args, { cwd, env = {}, timeoutMs = 60_000 } = {}) {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { cwd, env: { ...process.env, ...env }, stdio: ["ignore", "pipe", "pipe"] });
    let out = "";
    let err = "";
    child.stdout.on("data", (c) => (out += c));
    child.stderr.on("data", (c) => (err += c));
    const timer = setTimeout(() => child.kill("SIGKILL"), timeoutMs);
    child.on("error", reject);
    child.on("close", (code, signal) => {
      clearTimeout(timer);
      if (code === 0) resolve(out);
      else reject(new Error(`${command} ${args.join(" ")}: exit ${code ?? signal}\n${err}${out}`));
    });
  });
}

/** The JSON object printed on the last line of a run. */
export const lastJson = (out) => JSON.parse(out.trim().split("\n").at(-1));

/** A port that was free a moment ago (for servers that cannot report the one they picked). */
export function freePort() {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.on("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });
}

/** Starts a long-running server process; `stop()` kills it. Output is kept for failure messages. */
export function startProcess(command, args, { cwd, env = {} } = {}) {
  const child = spawn(command, args, { cwd, env: { ...process.env, ...env }, stdio: ["ignore", "pipe", "pipe"] });
  let printed = "";
  child.stdout.on("data", (c) => (printed += c));
  child.stderr.on("data", (c) => (printed += c));
  return {
    child,
    output: () => printed,
    stop: () =>
      new Promise((done) => {
        if (child.exitCode !== null || child.signalCode !== null) return done();
        child.once("exit", done);
        child.kill("SIGTERM");
      }),
  };
}

/** Polls `url` until it answers at all (any status), or fails after `timeoutMs`. */
export async function waitForHttp(url, { timeoutMs = 20_000, process } = {}) {
  const until = Date.now() + timeoutMs;
  for (;;) {
    try {
      await fetch(url);
      return;
    } catch (error) {
      const exited = process && process.child.exitCode !== null;
      if (exited || Date.now() > until) throw new Error(`${url} not up: ${error.message}\n${process?.output() ?? ""}`);
      await new Promise((r) => setTimeout(r, 100));
    }
  }
}

/** Headless Chromium through playwright-core. */
export async function launchChromium() {
  const { chromium } = await import("playwright-core");
  return chromium.launch({
    executablePath: process.env.CHROMIUM ?? "/usr/bin/chromium",
    args: ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
      "--disable-component-update", "--disable-sync", "--no-first-run"],
  });
}

/**
 * Runs one module worker in workerd (npm package `workerd`, installed in tests/runtimes/workerd).
 * workerd resolves no node_modules: the config names every module. Each entry of the package that
 * the worker imports is mounted under its bare name (`scw-functions-auth`, `scw-functions-auth/invoke`: its `workerd`
 * file, and beside it the ES modules and the wasm, as a `wasm` module, of its folder), as a bundler
 * honouring the `workerd` condition would. `modules` maps module names to files for the worker's
 * own code, the first being the main module (workerd resolves bare specifiers like relative ones,
 * so the package sits in the main module's folder); `bindings` become text bindings. Outbound
 * fetches may reach loopback. Resolves with `{ url, stop }`.
 */
export async function startWorkerd({ modules, bindings = {} }) {
  const project = path.join(here, "workerd");
  const nodeModules = path.join(project, "node_modules");
  const pkgDir = path.join(nodeModules, "scw-functions-auth");
  const { readdirSync, readFileSync, writeFileSync } = await import("node:fs");
  const files = readdirSync(pkgDir, { recursive: true }).map(String).filter((f) => /\.(js|wasm)$/.test(f));
  const dir = path.posix.dirname(Object.keys(modules)[0]);
  // Only the entries the worker imports: two subpath entries would put their files in one folder.
  const imports = Object.values(modules).map((file) => readFileSync(file, "utf8")).join("\n");
  const entries = Object.entries(JSON.parse(readFileSync(path.join(pkgDir, "package.json"), "utf8")).exports)
    .filter(([key, conditions]) => conditions.workerd && imports.includes(`"${path.posix.join("scw-functions-auth", key)}"`))
    .map(([key, conditions]) => ({
      name: path.posix.join(dir, "scw-functions-auth", key),
      file: conditions.workerd.slice(2),
      folder: path.posix.dirname(conditions.workerd.slice(2)).replace(/^\.$/, ""),
    }));
  // A file belongs to the entry with the deepest folder that holds it.
  const holds = (folder, f) => folder === "" || f.startsWith(folder + "/");
  const owner = (f) => entries.filter((e) => holds(e.folder, f)).sort((a, b) => b.folder.length - a.folder.length)[0];
  const pkgModules = entries.flatMap((entry) => [
    `(name = "${entry.name}", esModule = embed "scw-functions-auth/${entry.file}")`,
    ...files
      .filter((f) => owner(f) === entry && !path.posix.basename(f).startsWith("index."))
      .map((f) => {
        const name = path.posix.join(path.posix.dirname(entry.name), path.posix.relative(entry.folder, f));
        return `(name = "${name}", ${f.endsWith(".wasm") ? "wasm" : "esModule"} = embed "scw-functions-auth/${f}")`;
      }),
  ]);
  const own = Object.entries(modules).map(
    ([name, file]) => `(name = "${name}", esModule = embed "${path.relative(nodeModules, file)}")`,
  );
  const text = Object.entries(bindings).map(([name, value]) => `(name = "${name}", text = ${JSON.stringify(value)})`);
  const port = await freePort();
  const config = path.join(nodeModules, `.runtime-test-${port}.capnp`);
  writeFileSync(config, `using Workerd = import "/workerd/workerd.capnp";
const config :Workerd.Config = (
  services = [
    (name = "main", worker = .worker),
    (name = "internet", network = (allow = ["public", "private", "local"])),
  ],
  sockets = [(name = "http", address = "127.0.0.1:${port}", http = (), service = "main")],
);
const worker :Workerd.Worker = (
  modules = [
    ${[...own, ...pkgModules].join(",\n    ")}
  ],
  bindings = [${text.join(", ")}],
  compatibilityDate = "2025-01-01",
);
`);
  const server = startProcess(path.join(nodeModules, ".bin/workerd"), ["serve", config], { cwd: project });
  const url = `http://127.0.0.1:${port}`;
  await waitForHttp(url + "/__ready", { process: server });
  return { url, output: server.output, stop: server.stop };
}
