#!/usr/bin/env node
// `scw-emulator --port 8080 | node scripts/demo-banner.mjs`: turns the emulator's ready line
// (one JSON object) into a banner a person can read, then passes any further output through.
import { createInterface } from "node:readline";

function banner(ready) {
  const demoUrl = `${String(ready.api_url).replace(/\/+$/, "")}/`;
  const rows = [
    ["Demo page", demoUrl],
    ["API URL", ready.api_url],
    ["Secret key", ready.secret_key],
    ["Region", ready.region],
    ["Project", ready.project_id],
    ["Namespace", ready.namespace_id],
    ["Function", ready.function_id],
    ["Function URL", ready.function_url],
  ].filter(([, value]) => value);
  const width = Math.max(...rows.map(([label]) => label.length));
  return [
    "",
    "  scw-functions-auth demo: the local Scaleway Functions emulator is running",
    "",
    ...rows.map(([label, value]) => `  ${label.padEnd(width)}  ${value}`),
    "",
    `  Open ${demoUrl} in a browser: the page is already filled in with this demo secret key.`,
    "  The key and tokens only work against this emulator. Ctrl-C to stop.",
    "",
  ].join("\n");
}

const lines = createInterface({ input: process.stdin, crlfDelay: Infinity });
let first = true;
for await (const line of lines) {
  if (first) {
    first = false;
    let ready;
    try {
      ready = JSON.parse(line);
    } catch {
      ready = null;
    }
    if (ready && typeof ready === "object" && ready.api_url) {
      process.stdout.write(`${banner(ready)}\n`);
      continue;
    }
    process.stderr.write("demo-banner: the emulator's first line is not its ready JSON; passing it through\n");
  }
  process.stdout.write(`${line}\n`);
}
if (first) {
  process.stderr.write("demo-banner: the emulator exited before it was ready (see its messages above)\n");
  process.exitCode = 1;
}
