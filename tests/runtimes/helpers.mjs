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
      if (Date.now() > until) throw new Error(`${url} not up: ${error.message}\n${process?.output() ?? ""}`);
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
