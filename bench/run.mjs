// The client benchmark, run by bench/run.sh: the guards (listTokens ≤ 1.10× the official SDK,
// PrivateFunction.fetch 1 KB ≤ 1.10× raw fetch, FunctionProxy ≤ 1.10× a plain JS proxy in Node and
// workerd) and every other figure, all from one run on this machine against
// target/release/scw-emulator, printed and written to bench/REPORT.md.
// Env: CALLS (2000 listTokens per contender), PAIRS (500 create+delete), INV_1K (2000), INV_1M (400),
//      PROXY_CALLS (2000), COLD_RUNS (20), CHROMIUM_RUNS (10), MEMORY_CALLS (10000),
//      REPORT (bench/REPORT.md; empty: don't write).
import { execFileSync } from "node:child_process";
import { writeFileSync, readFileSync, statSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { root, pkgDir, startEmulator, ms, kb, ratio } from "./common.mjs";
import { sizeReport } from "./size.mjs";
import { seed, runCalls, runInvocation, PAGE } from "./calls.mjs";
import { nodeColdStart, chromiumColdStart } from "./cold.mjs";
import { proxyGuards, proxyRows } from "./proxy.mjs";

const env = (k, d) => Number(process.env[k] ?? d);
const CALLS = env("CALLS", 2000);
const PAIRS = env("PAIRS", 500);
const INV_1K = env("INV_1K", 2000);
const INV_1M = env("INV_1M", 400);
const COLD_RUNS = env("COLD_RUNS", 20);
const CHROMIUM_RUNS = env("CHROMIUM_RUNS", 10);
const MEMORY_CALLS = env("MEMORY_CALLS", 10_000);
const PROXY_CALLS = env("PROXY_CALLS", 2000);
/** The guards of the client's calls: listTokens over the official SDK, PrivateFunction.fetch over raw fetch. */
const GUARD = 1.1;
const REPORT = process.env.REPORT ?? path.join(root, "bench/REPORT.md");

const started = performance.now();
const step = (what) => process.stderr.write(`bench: ${what} (${((performance.now() - started) / 1000).toFixed(0)} s)\n`);
const loadBefore = readFileSync("/proc/loadavg", "utf8").split(" ").slice(0, 3).join(" ");

step("shipped size (esbuild bundles)");
const size = sizeReport();

step("starting the emulator");
const emu = await startEmulator();
let calls, inv, proxy, memory, memoryBase, cold, chrome;
try {
  const token = await seed(emu, PAGE);
  step(`per-call cost: ${CALLS} listTokens and ${PAIRS} create+delete per client`);
  calls = await runCalls(emu, { n: CALLS, pairs: PAIRS });
  step(`invocation: ${INV_1K} x 1 KB, ${INV_1M} x 1 MB per client`);
  inv = await runInvocation(emu, token, { n1k: INV_1K, n1m: INV_1M });
  step(`FunctionProxy: ${PROXY_CALLS} x 1 KB per contender, in Node and workerd`);
  proxy = await proxyGuards(emu, { n: PROXY_CALLS });
  step(`memory: ${MEMORY_CALLS} calls in a fresh node --expose-gc, then the raw baseline`);
  const memoryRun = (mode) =>
    JSON.parse(
      execFileSync(process.execPath, ["--expose-gc", path.join(root, "bench/memory.mjs"), JSON.stringify(emu), token, mode], {
        cwd: root,
        env: { ...process.env, MEMORY_CALLS: String(MEMORY_CALLS) },
        stdio: ["ignore", "pipe", "inherit"],
        timeout: 300_000,
      }).toString(),
    );
  memory = memoryRun("lib");
  memoryBase = memoryRun("raw");
} finally {
  await emu.stop();
}
step(`cold start: node x ${COLD_RUNS} per client`);
cold = await nodeColdStart({ runs: COLD_RUNS });
step(`cold start: Chromium x ${CHROMIUM_RUNS}`);
chrome = await chromiumColdStart(size.sdk.bytes.toString(), { runs: CHROMIUM_RUNS });
const seconds = (performance.now() - started) / 1000;
step("done");

// ---- the table ----
const yes = (ok) => (ok ? "yes" : "**no**");
const rows = [];
const row = (...cells) => rows.push(cells);
const { lib, sdk, libBundled, budget } = size;
row("Size: shipped, gzip -9 (wasm + JS)", `${kb(lib.total.gzip)} (${kb(lib.wasm.gzip)} + ${kb(lib.js.gzip)})`, kb(sdk.gzip), "",
  `${ratio(lib.total.gzip, sdk.gzip)} SDK`, `< SDK; budget ${kb(budget)}`, `${yes(lib.total.gzip < sdk.gzip)}; budget ${yes(lib.total.gzip <= budget)}`);
row("Size: shipped, brotli 11 (wasm + JS)", `${kb(lib.total.brotli)} (${kb(lib.wasm.brotli)} + ${kb(lib.js.brotli)})`, kb(sdk.brotli), "",
  `${ratio(lib.total.brotli, sdk.brotli)} SDK`, "< SDK", yes(lib.total.brotli < sdk.brotli));
row("Size: same calls bundled by esbuild --minify, gzip (info)", `${kb(libBundled.gzip)} (wasm + ${kb(libBundled.js.gzip)})`, kb(sdk.gzip), "",
  `${ratio(libBundled.gzip, sdk.gzip)} SDK`, "", "");
const callRow = (label, r, q) =>
  row(`${label}, ${q}`, ms(r.lib[q]), ms(r.sdk[q]), ms(r.raw[q]),
    `${ratio(r.lib[q], r.sdk[q])} SDK, ${ratio(r.lib[q], r.raw[q])} raw`, "", "");
callRow(`listTokens (page of ${PAGE}), n=${calls.list.lib.n}`, calls.list, "median");
callRow(`listTokens (page of ${PAGE})`, calls.list, "p99");
callRow(`createToken + deleteToken, n=${calls.createDelete.lib.n}`, calls.createDelete, "median");
callRow("createToken + deleteToken", calls.createDelete, "p99");
for (const [label, r] of Object.entries(inv)) {
  for (const q of ["median", "p99"]) {
    row(`PrivateFunction.fetch POST ${label} (echo)${q === "median" ? `, n=${r.lib.n}` : ""}, ${q}`, ms(r.lib[q]), "", ms(r.raw[q]),
      `${ratio(r.lib[q], r.raw[q])} raw`, "", "");
  }
}
row(`Cold start, Node: spawn → first request received, median of ${cold.lib.n}`, ms(cold.lib.median), ms(cold.sdk.median),
  `${ms(cold.raw.median)} (node alone)`, `${ratio(cold.lib.median, cold.sdk.median)} SDK; over node alone: +${ms(cold.lib.median - cold.raw.median)} vs +${ms(cold.sdk.median - cold.raw.median)}`, "≤ SDK", yes(cold.lib.median <= cold.sdk.median));
row(`Cold start, Chromium: import() of the entry, median of ${chrome.import.n}`, `${ms(chrome.import.median)} (pkg/index.js: ${lib.files.length} files)`,
  `${ms(chrome.sdk.median)} (1 file)`, "", `${ratio(chrome.import.median, chrome.sdk.median)} SDK`, "≤ SDK", yes(chrome.import.median <= chrome.sdk.median));
row("Cold start, Chromium: wasm compile + instantiate alone, median", ms(chrome.instantiate.median), "", "", "", "", "");
const mib = (b) => (b / 1048576).toFixed(2);
const signed = (b) => `${b >= 0 ? "+" : "−"}${(Math.abs(b) / 1024).toFixed(0)} KiB`;
const growth = (m, k) => m.points.at(-1)[k] - m.points[0][k];
const span = (m, k) => `${mib(m.points[0][k])} → ${mib(m.points.at(-1)[k])} MiB (${signed(growth(m, k))})`;
const heapExtra = growth(memory, "heapUsed") - growth(memoryBase, "heapUsed");
row(`Memory: JS heap after gc, ${memory.calls} calls (mixed)`, span(memory, "heapUsed"), "", `${span(memoryBase, "heapUsed")} (same calls)`,
  `${signed(heapExtra)} vs raw`, "flat: ≤ raw + 512 KiB", yes(heapExtra <= 512 * 1024));
row(`Memory: wasm linear memory, ${memory.calls} calls`, span(memory, "wasmMemory"), "", "", "", "flat", yes(growth(memory, "wasmMemory") === 0));
const handleGrowth = growth(memory, "handles");
row(`Memory: live JS handles held by wasm (glue table), ${memory.calls} calls`,
  memory.canCount ? `${memory.points[0].handles} → ${memory.points.at(-1).handles} (${handleGrowth >= 0 ? "+" : ""}${handleGrowth})` : "n/a (glue layout unknown)",
  "", "", "", "flat (no leaked closures)", memory.canCount ? yes(handleGrowth === 0) : "n/a");

const header = ["Measure", "this library", "official SDK", "raw fetch", "ratio", "goal", "met"];
const table = [header, header.map(() => "---"), ...rows].map((r) => `| ${r.join(" | ")} |`).join("\n");

// The guards, from the same run: each median against its yardstick, measured alternately.
const list = calls.list;
const fetch1k = inv["1 KB"];
const guardRows = [
  [`listTokens (page of ${PAGE}), n=${list.lib.n}, median (p99)`, `${ms(list.lib.median)} (${ms(list.lib.p99)})`,
    `${ms(list.sdk.median)} (${ms(list.sdk.p99)}) official SDK`, `${ratio(list.lib.median, list.sdk.median)} SDK`,
    `≤ ${GUARD.toFixed(2)}x SDK`, yes(list.lib.median <= GUARD * list.sdk.median)],
  [`PrivateFunction.fetch POST 1 KB, n=${fetch1k.lib.n}, median (p99)`, `${ms(fetch1k.lib.median)} (${ms(fetch1k.lib.p99)})`,
    `${ms(fetch1k.raw.median)} (${ms(fetch1k.raw.p99)}) raw fetch`, `${ratio(fetch1k.lib.median, fetch1k.raw.median)} raw`,
    `≤ ${GUARD.toFixed(2)}x raw fetch`, yes(fetch1k.lib.median <= GUARD * fetch1k.raw.median)],
  ...proxyRows(proxy, PROXY_CALLS).map(([measure, lib, plain, r, goal, met]) => [measure, lib, `${plain} plain JS proxy`, r, goal, met]),
];
const guardHeader = ["Guard", "this library", "yardstick", "ratio", "goal", "met"];
const guards = [guardHeader, guardHeader.map(() => "---"), ...guardRows].map((r) => `| ${r.join(" | ")} |`).join("\n");
const missed = guardRows.filter((r) => r.at(-1) !== "yes").map((r) => r[0]);
const leak = memory.canCount && handleGrowth > 0 ? `\n**Leak suspected**: ${handleGrowth} JS handles still held by the wasm glue after ${memory.calls} calls (closures or objects never dropped).\n` : "";
const series = (m) => m.points.map((p) => `${p.calls}: ${mib(p.heapUsed)} / ${mib(p.wasmMemory)} / ${p.handles}`).join("; ");
const files = lib.files.map((f) => `${f.file} ${f.raw} B → ${f.gzip} gzip / ${f.brotli} br`).join("; ");
const notes = `
Tree: ${treeState()}; pkg/ as built at the start of the run (${new Date(statSync(path.join(pkgDir, "scw_functions_auth_bg.wasm")).mtimeMs).toISOString().slice(11, 16)} UTC).
Machine: ${os.cpus().length} × ${os.cpus()[0]?.model?.trim()}, load ${loadBefore} at start (shared), Node ${process.version}, ${new Date().toISOString().slice(0, 16).replace("T", " ")} UTC; the run took ${seconds.toFixed(0)} s.
- Size: every file of pkg/index.js's static import graph plus the wasm it loads, each compressed alone (as a server sends it), summed; this gzip total is what tests/size/budget.test.mjs checks against bench/size-budget.json (${budget} B). Files: ${files}. Official SDK: \`@scaleway/sdk-client\` 1.3.3 + \`@scaleway/sdk-function\` 1.7.0, createToken + listTokens + deleteToken + a fetch, \`esbuild --bundle --minify --format=esm --platform=browser\` (esbuild ${esbuildVersion()}).
- Calls: Node, sequential, one keep-alive client each, against the emulator on loopback with ${PAGE} tokens stored; contenders alternated call by call (the first of each turn rotating) after a warm-up, so that the machine's drift hits them alike. Raw = \`fetch\` + \`JSON.parse\` of the text, no mapping.
- Invocation: POST to the echo function (its answer carries the body back, so ~2× the size crosses the wire); each body is read with \`text()\`.
- Cold start, Node: \`node bench/cold-child.mjs\` spawned, importing the client and sending one listTokens to a local HTTP server started by the benchmark; time from spawn to the server receiving the request (first round dropped). Chromium (\`/usr/bin/chromium\` headless): a fresh context each time, every file served from memory through Playwright's route on one origin; \`import()\` of pkg/index.js (its top-level await fetches and instantiates the wasm) vs \`import()\` of the SDK bundle.
- Memory: a fresh \`node --expose-gc\`, after 300 warm-up calls, then ${memory.calls} calls (listTokens page of ${PAGE}, decodeToken, PrivateFunction.fetch of 1 KB in turn, ${memory.seconds.toFixed(1)} s); gc ×3 before each reading. Raw baseline: the same calls with fetch + JSON.parse (and atob for the token) in another fresh process (${memoryBase.seconds.toFixed(1)} s): Node's own fetch grows the heap too, so the verdict compares the two. Handles: slots in use in the glue's table of JS objects held for Rust (132 are reserved). Series (calls: JS heap MiB / wasm memory MiB / handles): library ${series(memory)}; raw ${series(memoryBase)}.
`;
function treeState() {
  try {
    const sha = execFileSync("git", ["rev-parse", "--short", "HEAD"], { cwd: root }).toString().trim();
    const dirty = execFileSync("git", ["status", "--porcelain", "--", "src", "js", "scripts", "Cargo.toml", "Cargo.lock"], { cwd: root }).toString().trim();
    return dirty ? `${sha} with uncommitted changes in src/js/scripts` : sha;
  } catch {
    return "unknown";
  }
}
function esbuildVersion() {
  try {
    return execFileSync(path.join(root, "node_modules/.bin/esbuild"), ["--version"]).toString().trim();
  } catch {
    return "?";
  }
}

console.log(`\n## Guards\n\n${guards}\n\n## All figures\n\n${table}\n${leak}${notes}`);
if (missed.length) console.log(`Guards missed: ${missed.join("; ")}. Profile them (node --cpu-prof) before changing any code.`);
if (REPORT) {
  writeFileSync(
    REPORT,
    `# Benchmark report\n\nProduced by \`make bench\` (\`bench/run.sh\`; \`bench/run.sh --no-wrk\` for these tables alone). The emulator's own wrk figures are in [EMULATOR.md](EMULATOR.md).\n\n## Guards\n\n${guards}\n\n## All figures\n\n${table}\n${leak}${notes}`,
  );
  step(`wrote ${path.relative(root, REPORT)}`);
}
