#!/usr/bin/env node
// `make demo`: starts the emulator and the edge proxy (scripts/demo-stack.mjs), prints where they
// are, and stops both on Ctrl-C, on SIGTERM or SIGHUP, or when either of them stops.
// Usage: node scripts/demo.mjs [--port 8080] [--proxy-port 8787] [--emulator PATH] [-- emulator flags...]
import path from "node:path";
import { parseArgs } from "node:util";
import { fileURLToPath } from "node:url";
import { admitted, banner } from "./demo-banner.mjs";
import { DemoError, startDemo } from "./demo-stack.mjs";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");

/** A TCP port from a flag: 0 picks a free one for the emulator, the proxy needs a fixed one. */
function port(flag, value, { zero }) {
  const number = Number(value);
  if (!Number.isInteger(number) || number < (zero ? 0 : 1) || number > 65535) {
    throw new DemoError(`--${flag} must be a port number (${zero ? 0 : 1} to 65535), not ${JSON.stringify(value)}`);
  }
  return number;
}

function options() {
  const { values, positionals } = parseArgs({
    options: {
      port: { type: "string", default: "8080" },
      "proxy-port": { type: "string", default: "8787" },
      emulator: { type: "string", default: path.join(root, "target/release/scw-emulator") },
    },
    allowPositionals: true,
  });
  return {
    emulatorBin: values.emulator,
    port: port("port", values.port, { zero: true }),
    proxyPort: port("proxy-port", values["proxy-port"], { zero: false }),
    emulatorArgs: positionals,
  };
}

const stopSignals = ["SIGINT", "SIGTERM", "SIGHUP"];
// Until the demo is up, a signal must still stop what has started: startDemo stops its processes
// when it fails, and a signal makes this process wait for that.
let interrupted;
const signalled = new Promise((resolve) => {
  for (const signal of stopSignals) process.on(signal, () => resolve((interrupted = signal)));
});

try {
  const demo = await startDemo(options());
  if (interrupted) {
    await demo.stop();
  } else {
    process.stdout.write(`${banner(demo)}\n`);
    if (demo.propagatingUntil) {
      setTimeout(() => process.stdout.write(admitted(demo)), demo.propagatingUntil - Date.now()).unref();
    }
    const ended = await Promise.race([signalled.then(() => null), demo.ended]);
    await demo.stop();
    if (ended) throw new DemoError(ended);
  }
} catch (error) {
  // Ctrl-C during start-up reaches the emulator and the proxy too: their ending is no failure.
  if (!interrupted) {
    const expected = error instanceof DemoError || error?.code?.startsWith("ERR_PARSE_ARGS");
    process.stderr.write(`demo: ${expected ? error.message : error?.stack ?? error}\n`);
    process.exitCode = 1;
  }
}
