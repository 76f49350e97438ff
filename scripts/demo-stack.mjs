// What `make demo` runs: the emulator, serving the demo page and the API, and examples/edge-proxy
// on Node in front of the emulator's private function, with an IAM API key made for it through the
// package, as a user would. The key's secret goes to the proxy's environment and nowhere else.
import { spawn } from "node:child_process";
import { randomBytes } from "node:crypto";
import { access, constants, lstat, mkdir, readlink, rm, symlink } from "node:fs/promises";
import { createInterface } from "node:readline";
import path from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const example = path.join(root, "examples/edge-proxy");
const READY_TIMEOUT_MS = 30_000;
/** Every key gets an expiry: the proxy's, 30 days ahead like those the page makes. */
const KEY_VALIDITY_MS = 30 * 24 * 3600e3;

/** Why the demo could not start, with what the failing process printed. */
export class DemoError extends Error {
  name = "DemoError";
}

/**
 * A child process whose stderr is passed through (or kept, with `quiet`), and which `stop()` ends.
 * `exited` resolves with its exit code or signal. It runs in a process group of its own, so that
 * Ctrl-C reaches only the launcher, which stops it: its ending is then never mistaken for a
 * failure. This process holds its standard input, which the system closes when this process ends
 * in any way: the emulator and the proxy stop then too.
 */
function launch(command, args, { env, cwd, quiet }) {
  const child = spawn(command, args, {
    cwd, env: { ...process.env, ...env }, stdio: ["pipe", "pipe", "pipe"], detached: true,
  });
  let printed = "";
  child.stderr.on("data", (chunk) => {
    printed += chunk;
    if (!quiet) process.stderr.write(chunk);
  });
  const exited = new Promise((resolve) => {
    child.once("error", (error) => resolve(error.message));
    child.once("exit", (code, signal) => resolve(signal ?? code));
  });
  const running = () => child.exitCode === null && child.signalCode === null && child.pid !== undefined;
  return {
    child,
    exited,
    printed: () => printed,
    stop() {
      if (running()) child.kill("SIGTERM");
      return exited;
    },
  };
}

/** Fails with what to build when the emulator binary or the package is missing. */
async function built(emulatorBin) {
  const missing = (file, mode) => access(file, mode).then(() => false, () => true);
  if (await missing(emulatorBin, constants.X_OK)) {
    throw new DemoError(`no emulator at ${emulatorBin}: build it with cargo build --release -p scw-emulator (make demo does)`);
  }
  if (await missing(path.join(root, "pkg/index.node.js"), constants.R_OK)) {
    throw new DemoError("no package in pkg/: build it with make build (make demo does)");
  }
}

/** The emulator's ready line (one JSON object on stdout), or a DemoError with what it printed. */
async function ready(emulator) {
  const lines = createInterface({ input: emulator.child.stdout });
  const line = new Promise((resolve) => lines.once("line", resolve));
  let timer;
  const timeout = new Promise((resolve) => (timer = setTimeout(resolve, READY_TIMEOUT_MS, "timeout")));
  const first = await Promise.race([line, emulator.exited.then((end) => ({ end })), timeout]);
  clearTimeout(timer);
  if (first === "timeout") throw new DemoError(`the emulator is not ready after ${READY_TIMEOUT_MS / 1000} s\n${emulator.printed()}`);
  if (typeof first !== "string") throw new DemoError(`the emulator exited (${first.end})\n${emulator.printed()}`);
  try {
    return JSON.parse(first);
  } catch {
    throw new DemoError(`the emulator's first line is not its ready line: ${first}`);
  }
}

/**
 * Lets examples/edge-proxy import `scw-functions-auth/proxy` from pkg/, the package `make build`
 * just made: a link in its node_modules, as `npm link` makes. A copy that the runtime tests
 * installed from a tarball is replaced, so that the demo never runs an older build.
 */
async function linkPackage() {
  const modules = path.join(example, "node_modules");
  const link = path.join(modules, "scw-functions-auth");
  const target = path.relative(modules, path.join(root, "pkg"));
  const existing = await lstat(link).catch(() => null);
  if (existing?.isSymbolicLink() && (await readlink(link)) === target) return;
  if (existing) await rm(link, { recursive: true, force: true });
  await mkdir(modules, { recursive: true });
  await symlink(target, link, "dir");
}

/** Waits until the proxy answers HTTP at all (it refuses a call without an origin: any status will do). */
async function listening(proxy, url) {
  const deadline = Date.now() + READY_TIMEOUT_MS;
  const exited = proxy.exited.then((end) => {
    throw new DemoError(`the edge proxy exited (${end})\n${proxy.printed()}`);
  });
  // Once the proxy is up, its ending is `ended`'s business, not a failure of this wait.
  exited.catch(() => {});
  for (;;) {
    try {
      // Another server on the port may accept the connection and never answer.
      await Promise.race([fetch(url, { signal: AbortSignal.timeout(1000) }), exited]);
      return;
    } catch (error) {
      if (error instanceof DemoError) throw error;
      if (Date.now() > deadline) throw new DemoError(`the edge proxy is not answering at ${url}\n${proxy.printed()}`);
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }
}

/** Until when IAM may still refuse a new key now and then (IAM propagation); null once it is admitted everywhere. */
async function propagatingUntil(emulator, accessKey) {
  const response = await fetch(`${emulator.api_url}/emulator/propagation`, { headers: { "X-Auth-Token": emulator.secret_key } });
  if (!response.ok) throw new DemoError(`the emulator did not say whether the proxy's key is propagating (${response.status})`);
  const { api_keys: keys } = await response.json();
  const key = keys.find((listed) => listed.access_key === accessKey);
  return key?.status === "propagating" ? new Date(key.admitted_at) : null;
}

/**
 * Starts the emulator on `port` (0: any), makes the proxy's IAM API key through the package, and
 * starts examples/edge-proxy on Node on `proxyPort`, allowing the demo page's origins (the page may
 * be opened on 127.0.0.1 or localhost). Resolves with what the banner and the tests need:
 * `{ emulator, pageUrl, proxy: { url, appKey }, key, propagatingUntil, ended, stop() }`. `key` is
 * the proxy's key with its secret: it stays in this process and the proxy's environment.
 * `propagatingUntil` is when every IAM instance admits it (null when they already do). `ended`
 * resolves when either process stops by itself, naming it; `stop()` ends both. An abort of `signal`
 * stops what has started, and the start then fails.
 */
export async function startDemo({ emulatorBin, port = 8080, proxyPort = 8787, emulatorArgs = [], quiet = false, signal }) {
  await built(emulatorBin);
  const emulatorArgv = ["--port", String(port), "--exit-on-stdin-close", ...emulatorArgs];
  const emulatorProcess = launch(emulatorBin, emulatorArgv, { cwd: root, quiet });
  const processes = [emulatorProcess];
  const stop = async () => {
    await Promise.all(processes.map((child) => child.stop()));
  };
  signal?.addEventListener("abort", stop, { once: true });
  try {
    const emulator = await ready(emulatorProcess);
    const origin = new URL(emulator.api_url);
    const { FunctionsClient } = await import("../pkg/index.node.js");
    const client = new FunctionsClient({ secretKey: emulator.secret_key, apiUrl: emulator.api_url, region: emulator.region });
    const key = await client.createFunctionAccessKey({
      projectId: emulator.project_id,
      description: "Edge proxy of the demo",
      expiresAt: new Date(Date.now() + KEY_VALIDITY_MS),
    });

    await linkPackage();
    signal?.throwIfAborted();
    // The example's own check of its callers (authorize): a page sends it in X-App-Key.
    const appKey = randomBytes(12).toString("hex");
    const proxyUrl = `http://127.0.0.1:${proxyPort}`;
    const exitWithStdin = pathToFileURL(path.join(root, "scripts/exit-with-stdin.mjs")).href;
    const proxyProcess = launch(process.execPath, ["--import", exitWithStdin, "node.js"], {
      cwd: example,
      quiet,
      env: {
        FUNCTION_URL: emulator.function_url,
        SCW_FUNCTION_KEY: key.secretKey,
        SCW_FUNCTION_KEY_CREATED_AT: key.createdAt.toISOString(),
        ALLOWED_ORIGINS: [origin.origin, `${origin.protocol}//localhost:${origin.port}`].join(","),
        ALLOWED_PATHS: "/",
        APP_KEY: appKey,
        PORT: String(proxyPort),
      },
    });
    processes.push(proxyProcess);
    await listening(proxyProcess, proxyUrl);

    const pageUrl = `${origin.origin}/#proxy=${proxyUrl}&app-key=${appKey}`;
    const ended = Promise.race([
      emulatorProcess.exited.then((end) => `the emulator exited (${end})`),
      proxyProcess.exited.then((end) => `the edge proxy exited (${end})`),
    ]);
    return {
      emulator, pageUrl, proxy: { url: proxyUrl, appKey }, key,
      propagatingUntil: await propagatingUntil(emulator, key.accessKey), ended, stop,
    };
  } catch (error) {
    await stop();
    throw error;
  }
}
