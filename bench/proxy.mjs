// FunctionProxy's guard: FunctionProxy ≤ 1.10× the plainest JS proxy doing the same work
// (bench/plain-proxy.js: origin check, credential added, CORS header, bodies streamed), both
// called in-process with a 1 KB POST to a private function of the release emulator, in Node and
// in workerd (the npm `workerd` binary, as tests/runtimes runs it). Contenders alternate.
// bench/run.mjs runs it with its other guards (`proxyGuards`); alone: `node bench/proxy.mjs`.
// Needs pkg/, the release emulator and tests/runtimes/workerd installed (tests/runtimes/install.sh).
// Env: PROXY_CALLS (calls per contender and runtime, default 2000).
import path from "node:path";
import { fileURLToPath } from "node:url";
import { root, pkgDir, startEmulator, interleaved, summarize, ms, ratio } from "./common.mjs";
import { plainProxy } from "./plain-proxy.js";
import { startWorkerd } from "../tests/runtimes/helpers.mjs";

/** The guard: FunctionProxy's median over the plain proxy's, in the same runtime. */
export const PROXY_GUARD = 1.1;
const APP = "https://app.example.com";
/** Calls timed together in workerd, whose clock moves only with I/O. */
const BATCH = 20;

/** A 1 KB POST through `handle`, called in-process, its answer read. */
const post = (handle) => {
  const body = "x".repeat(1024);
  return async () => {
    const res = await handle(new Request("https://proxy.example/bench", { method: "POST", body, headers: { origin: APP } }));
    if (res.status !== 200) throw new Error(`proxy answered ${res.status}`);
    await res.text();
  };
};

/** Medians and p99 of FunctionProxy and the plain proxy in Node and workerd, `n` calls each. */
export async function proxyGuards(emulator, { n = 2000 } = {}) {
  const { FunctionsClient } = await import(path.join(pkgDir, "index.node.js"));
  const { FunctionProxy } = await import(path.join(pkgDir, "proxy/index.node.js"));
  const client = new FunctionsClient({ secretKey: emulator.secret_key, apiUrl: emulator.api_url });
  const key = await client.createFunctionAccessKey({ projectId: emulator.project_id, expiresAt: new Date(Date.now() + 3_600_000) });
  const options = { url: emulator.function_url, token: key.secretKey, allowedOrigins: [APP] };

  const node = await interleaved(
    { lib: post(new FunctionProxy({ ...options, authorize: () => true }).handle), plain: post(plainProxy(options)) },
    { n },
  );

  const worker = await startWorkerd({
    modules: {
      "bench/proxy-worker.js": path.join(root, "bench/proxy-worker.js"),
      "bench/plain-proxy.js": path.join(root, "bench/plain-proxy.js"),
    },
    bindings: { FUNCTION_URL: emulator.function_url, SCW_FUNCTION_KEY: key.secretKey, APP },
  });
  const workerd = { lib: [], plain: [] };
  try {
    const batch = (contender) => async () => {
      const res = await fetch(`${worker.url}/?contender=${contender}&n=${BATCH}`);
      if (res.status !== 200) throw new Error(`workerd: ${await res.text()}\n${worker.output()}`);
      workerd[contender].push((await res.json()).ms / BATCH);
    };
    await interleaved({ lib: batch("lib"), plain: batch("plain") }, { n: Math.ceil(n / BATCH), warmup: 5 });
  } finally {
    await worker.stop();
    await client.deleteFunctionAccessKey(key.accessKey);
  }
  const guard = (samples) => {
    const lib = summarize(samples.lib);
    const plain = summarize(samples.plain);
    return { lib, plain, ratio: lib.median / plain.median, met: lib.median <= PROXY_GUARD * plain.median };
  };
  return { node: guard(node), workerd: guard(workerd) };
}

/** The guards as table rows: measure, FunctionProxy, plain JS proxy, ratio, goal, met. */
export function proxyRows(guards, n) {
  return Object.entries(guards).map(([runtime, g]) => [
    `FunctionProxy in ${runtime}, 1 KB POST in-process, n=${n}, median (p99)`,
    `${ms(g.lib.median)} (${ms(g.lib.p99)})`,
    `${ms(g.plain.median)} (${ms(g.plain.p99)})`,
    `${ratio(g.lib.median, g.plain.median)} plain JS proxy`,
    `≤ ${PROXY_GUARD.toFixed(2)}x plain JS proxy`,
    g.met ? "yes" : "**no**",
  ]);
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const n = Number(process.env.PROXY_CALLS ?? 2000);
  const emulator = await startEmulator();
  try {
    const rows = proxyRows(await proxyGuards(emulator, { n }), n);
    const header = ["Measure", "FunctionProxy", "plain JS proxy", "ratio", "goal", "met"];
    console.log([header, header.map(() => "---"), ...rows].map((r) => `| ${r.join(" | ")} |`).join("\n"));
  } finally {
    await emulator.stop();
  }
}
