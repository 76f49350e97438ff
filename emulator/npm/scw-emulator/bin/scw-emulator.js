#!/usr/bin/env node
// `npx scw-emulator [flags]`: runs this platform's emulator binary with these flags.
import { spawn } from "node:child_process";
import { emulatorBinary } from "../lib/binary.js";

let binary;
try {
  binary = await emulatorBinary();
} catch (error) {
  console.error(`scw-emulator: ${error.message}`);
  process.exit(1);
}

// The binary's standard input is a pipe that only this launcher holds, so that the emulator stops
// when the launcher ends, even killed; the ready line and the logs go straight to this terminal.
const flags = process.argv.slice(2);
const args = flags.includes("--exit-on-stdin-close") ? flags : ["--exit-on-stdin-close", ...flags];
const child = spawn(binary, args, { stdio: ["pipe", "inherit", "inherit"], windowsHide: true });

const forwarded = ["SIGINT", "SIGTERM", "SIGHUP"];
for (const signal of forwarded) process.on(signal, () => child.kill(signal));

// npx runs this launcher through a shell that does not pass its signals on: stopping npx ends the
// shell and leaves this launcher to init. A launcher whose parent is gone stops the emulator.
const parent = process.ppid;
setInterval(() => process.ppid !== parent && child.kill("SIGTERM"), 500).unref();
child.once("error", (error) => {
  console.error(`scw-emulator: cannot run ${binary}: ${error.message}`);
  process.exit(1);
});
child.once("exit", (code, signal) => {
  if (signal === null) process.exit(code);
  // Ends the way the binary did, so that callers see the same signal.
  for (const name of forwarded) process.removeAllListeners(name);
  process.kill(process.pid, signal);
});
