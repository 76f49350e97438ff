// CPU profile of one guarded call, for a guard that bench/run.sh reports as missed: 4,000 calls in
// a row against the release emulator, under Node's --cpu-prof, then the self time by file and the
// busiest functions. Usage: node bench/profile.mjs list|fetch   (needs pkg/ and the release emulator)
import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, readdirSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { startEmulator, pkgDir } from "./common.mjs";
import { seed, PAGE } from "./calls.mjs";

const CALLS = 4000;
const [what, child] = process.argv.slice(2);

if (child === "--child") {
  const { FunctionsClient, PrivateFunction } = await import(pathToFileURL(path.join(pkgDir, "index.node.js")).href);
  const emu = await startEmulator();
  try {
    const token = await seed(emu, PAGE);
    if (what === "list") {
      const client = new FunctionsClient({ secretKey: emu.secret_key, apiUrl: emu.api_url });
      for (let i = 0; i < CALLS; i++) await client.listTokens({ functionId: emu.function_id, pageSize: PAGE });
    } else {
      const fn = new PrivateFunction({ url: emu.function_url, token });
      const body = "x".repeat(1024);
      for (let i = 0; i < CALLS; i++) await (await fn.fetch("/echo", { method: "POST", body })).text();
    }
  } finally {
    await emu.stop();
  }
} else {
  if (!["list", "fetch"].includes(what)) throw new Error("usage: node bench/profile.mjs list|fetch");
  const dir = mkdtempSync(path.join(tmpdir(), "scw-profile-"));
  execFileSync(process.execPath, ["--cpu-prof", `--cpu-prof-dir=${dir}`, fileURLToPath(import.meta.url), what, "--child"], { stdio: "inherit" });
  const profile = JSON.parse(readFileSync(path.join(dir, readdirSync(dir)[0]), "utf8"));
  const spent = new Map();
  profile.samples.forEach((id, i) => spent.set(id, (spent.get(id) ?? 0) + (profile.timeDeltas[i] ?? 0)));
  const byFile = new Map();
  const byFunction = new Map();
  let total = 0;
  for (const { id, callFrame: f } of profile.nodes) {
    const t = spent.get(id) ?? 0;
    total += t;
    const file = f.url.includes("/pkg/") ? "the package's JS" : f.url.startsWith("wasm:") ? "the package's wasm"
      : f.url.includes("undici") ? "undici (Node's fetch)" : f.url.startsWith("node:") ? "Node internals" : f.functionName;
    byFile.set(file, (byFile.get(file) ?? 0) + t);
    const name = `${f.functionName || "(anonymous)"} ${f.url.replace(/^.*\/pkg\//, "pkg/")}:${f.lineNumber}`;
    byFunction.set(name, (byFunction.get(name) ?? 0) + t);
  }
  const top = (map, n) => [...map].sort((a, b) => b[1] - a[1]).slice(0, n).map(([k, t]) => `${((100 * t) / total).toFixed(1).padStart(5)} %  ${k}`);
  console.log(`${CALLS} × ${what}: ${(total / 1000).toFixed(0)} ms of samples\n\nSelf time by file:\n${top(byFile, 10).join("\n")}\n\nBusiest functions:\n${top(byFunction, 25).join("\n")}`);
}
