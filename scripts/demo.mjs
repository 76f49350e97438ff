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
// The emulator and the proxy run in process groups of their own: a signal reaches only this
// process, which stops them. Until the demo is up, it aborts the start, which stops what has started.
let interrupted;
const starting = new AbortController();
const signalled = new Promise((resolve) => {
  for (const signal of stopSignals) {
    process.on(signal, () => {
      interrupted = signal;
      starting.abort();
      resolve();
    });
  }
});

try {
  const demo = await startDemo({ ...options(), signal: starting.signal });
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
  // A signal during start-up aborts it: that is no failure.
  if (!interrupted) {
    const expected = error instanceof DemoError || error?.code?.startsWith("ERR_PARSE_ARGS");
    process.stderr.write(`demo: ${expected ? error.message : error?.stack ?? error}\n`);
    process.exitCode = 1;
  }
}
