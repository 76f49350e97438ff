// startEmulator: the emulator as a child process of a test suite, on a free port by default.
import { spawn } from "node:child_process";
import { createInterface } from "node:readline";
import { emulatorBinary } from "./binary.js";
import { EmulatorError } from "./error.js";
import { camelKeys, refusedOption, toArguments } from "./options.js";
import { seedFile } from "./seed.js";

export { EmulatorError };

/** How long `stop()` waits after SIGTERM before it kills the emulator. */
const STOP_GRACE_MS = 5_000;
/** How many of the emulator's last stderr lines an error quotes. */
const KEPT_LINES = 20;

/**
 * Starts an emulator and resolves once it is ready. `options` are the emulator's flags in
 * camelCase (`port` defaults to 0, a free port), `seed` a seed file's path or a seed object, and
 * `readyTimeoutMs` how long to wait for readiness. The emulator ends with this process, even when
 * it is killed.
 */
export async function startEmulator(options = {}) {
  if (options === null || typeof options !== "object" || Array.isArray(options)) {
    throw new EmulatorError("startEmulator takes an object of options");
  }
  const { seed, readyTimeoutMs = 60_000, ...flags } = options;
  if (!(Number.isFinite(readyTimeoutMs) && readyTimeoutMs > 0)) {
    throw new EmulatorError("option readyTimeoutMs must be a positive number of milliseconds", { option: "readyTimeoutMs" });
  }
  const args = ["--exit-on-stdin-close", ...toArguments({ ...flags, port: flags.port ?? 0 })];
  const binary = await emulatorBinary();
  const seeded = seed === undefined ? undefined : await seedFile(seed);
  try {
    return await launch(binary, seeded ? [...args, "--seed", seeded.path] : args, readyTimeoutMs);
  } catch (error) {
    // The emulator names the file it read; the user gave an object.
    if (seeded && typeof seed !== "string") error.message = error.message.replaceAll(seeded.path, "(the seed object)");
    throw error;
  } finally {
    // The emulator reads its seed once, at start-up (a reset goes back to what it read then).
    await seeded?.remove();
  }
}

/** Spawns the binary and resolves with the running emulator once its ready line is out. */
function launch(binary, args, readyTimeoutMs) {
  // Standard input is a pipe that only this process holds: when it ends, however, the pipe closes
  // and --exit-on-stdin-close stops the emulator.
  const child = spawn(binary, args, { stdio: ["pipe", "pipe", "pipe"], windowsHide: true });
  const stderr = [];
  createInterface({ input: child.stderr }).on("line", (line) => {
    stderr.push(line);
    if (stderr.length > KEPT_LINES) stderr.shift();
  });
  const exited = () => child.exitCode !== null || child.signalCode !== null;
  const lastWords = () => stderr.filter((l) => l.trim() && !/^(Usage:|For more information)/.test(l)).map((l) => l.trim()).join("\n");

  return new Promise((resolve, reject) => {
    const fail = (error) => {
      clearTimeout(timer);
      child.kill("SIGKILL");
      reject(error);
    };
    const timer = setTimeout(
      () => fail(new EmulatorError(`scw-emulator was not ready after ${readyTimeoutMs} ms${lastWords() ? `: ${lastWords()}` : ""}`)),
      readyTimeoutMs,
    );
    child.once("error", (error) => fail(new EmulatorError(`cannot run ${binary}: ${error.message}`)));
    // `close`, not `exit`: stderr is then read to its end, and the message is whole.
    child.once("close", (exitCode) => {
      const message = lastWords() || `scw-emulator exited with code ${exitCode} before it was ready`;
      const option = refusedOption(message);
      fail(new EmulatorError(option ? `option ${option}: ${message}` : message, { option, exitCode }));
    });
    createInterface({ input: child.stdout }).once("line", (line) => {
      clearTimeout(timer);
      child.removeAllListeners("close");
      let ready;
      try {
        ready = JSON.parse(line);
      } catch {
        return fail(new EmulatorError(`scw-emulator printed ${JSON.stringify(line)} instead of its ready line`));
      }
      // A test run that forgets stop() still ends: the emulator then ends with it.
      for (const handle of [child, child.stdin, child.stdout, child.stderr]) handle.unref();
      resolve(running(child, camelKeys(ready), { exited, lastWords }));
    });
  });
}

/** The handle `startEmulator` resolves with: the ready line in camelCase plus reset, requests, stop. */
function running(child, ready, { exited, lastWords }) {
  const { apiUrl, secretKey } = ready;
  const call = async (path, init) => {
    try {
      return await fetch(apiUrl + path, init);
    } catch (error) {
      if (!exited()) throw error;
      throw new EmulatorError(`scw-emulator has exited (code ${child.exitCode ?? child.signalCode})${lastWords() ? `: ${lastWords()}` : ""}`, {
        exitCode: child.exitCode,
      });
    }
  };
  let stopped;
  return {
    ...ready,
    async reset() {
      const answer = await call("/emulator/reset", { method: "POST", headers: { "X-Auth-Token": secretKey } });
      if (answer.status !== 204) throw new EmulatorError(`POST /emulator/reset answered ${answer.status}: ${await answer.text()}`);
    },
    async requests() {
      const answer = await call("/emulator/requests");
      if (!answer.ok) throw new EmulatorError(`GET /emulator/requests answered ${answer.status}: ${await answer.text()}`);
      const { requests } = await answer.json();
      return requests.map((entry) => ({ ...camelKeys(entry), at: new Date(entry.at) }));
    },
    stop() {
      stopped ??= new Promise((resolve) => {
        if (exited()) return resolve();
        // Held again so that a process awaiting stop() lives until the emulator is gone.
        child.ref();
        const kill = setTimeout(() => child.kill("SIGKILL"), STOP_GRACE_MS);
        child.once("exit", () => {
          clearTimeout(kill);
          resolve();
        });
        child.kill("SIGTERM");
      });
      return stopped;
    },
  };
}
