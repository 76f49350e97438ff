// Starts the real scw-emulator binary on a free port for a JS test and stops it afterwards.
import { spawn } from "node:child_process";
import { createInterface } from "node:readline";
import { fileURLToPath } from "node:url";
import path from "node:path";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");

/** Path of the emulator binary: $SCW_EMULATOR_BIN, else the workspace's debug build. */
export const emulatorBin =
  process.env.SCW_EMULATOR_BIN ?? path.join(root, "target/debug/scw-emulator");

/**
 * Starts an emulator and resolves with its ready line
 * `{ api_url, secret_key, region, project_id, namespace_id, function_id, function_url }`
 * plus `stop()`, `output()` (everything it printed) and `process`.
 */
export function startEmulator(args = []) {
  const child = spawn(emulatorBin, ["--port", "0", ...args], {
    cwd: root,
    stdio: ["ignore", "pipe", "pipe"],
  });
  let printed = "";
  child.stderr.on("data", (chunk) => (printed += chunk));
  return new Promise((resolve, reject) => {
    const lines = createInterface({ input: child.stdout });
    const timer = setTimeout(() => fail(new Error("emulator not ready after 30 s")), 30_000);
    function fail(error) {
      clearTimeout(timer);
      child.kill("SIGKILL");
      reject(new Error(`${error.message}\n${printed}`));
    }
    child.once("error", fail);
    child.once("exit", (code) => fail(new Error(`emulator exited with ${code}`)));
    lines.once("line", (line) => {
      clearTimeout(timer);
      child.removeAllListeners("exit");
      printed += line + "\n";
      lines.on("line", (more) => (printed += more + "\n"));
      const ready = JSON.parse(line);
      resolve({
        ...ready,
        process: child,
        output: () => printed,
        stop: () =>
          new Promise((done) => {
            if (child.exitCode !== null) return done(child.exitCode);
            child.once("exit", done);
            child.kill("SIGTERM");
          }),
      });
    });
  });
}
