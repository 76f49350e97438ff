// Memory after 10,000 calls (listTokens, decodeToken, PrivateFunction.fetch, in turn): the JS heap
// after global.gc(), the wasm memory, and the live slots of the wasm-bindgen glue's object table
// (handles JS objects held for Rust: a leaked closure or handle stays there). Run by bench/run.mjs as
//   node --expose-gc bench/memory.mjs '<ready line JSON>' <token> [lib|raw]
// and prints one JSON line. "raw" is the baseline: the same calls with fetch + JSON.parse and no
// library (decodeToken: atob + JSON.parse of the payload), to tell Node's own growth from ours. It loads a throwaway copy of pkg/ whose glue gets one extra export to
// read its table (pkg/ itself is untouched); the wasm memory comes from initSync(), which returns
// the instance's exports once the module is initialised (the Memory among them, whatever its name).
import { cpSync, mkdtempSync, readFileSync, writeFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { pathToFileURL } from "node:url";
import { pkgDir } from "./common.mjs";

if (typeof global.gc !== "function") throw new Error("run with node --expose-gc");
const [ready, token, mode = "lib"] = [JSON.parse(process.argv[2]), process.argv[3], process.argv[4]];
const CALLS = Number(process.env.MEMORY_CALLS ?? 10_000);

const dir = mkdtempSync(path.join(tmpdir(), "scw-bench-pkg-"));
try {
  cpSync(pkgDir, dir, { recursive: true });
  const gluePath = path.join(dir, "scw_functions_auth.js");
  let glue = readFileSync(gluePath, "utf8");
  // The table: `let heap = new Array(128).fill(undefined); heap.push(...); let heap_next = heap.length;`
  // (names may be minified).
  const table = glue.match(
    /let\s+([\w$]+)\s*=\s*new Array\(128\)\.fill\((?:undefined|void 0)\);\s*\1\.push\([^)]*\);\s*let\s+([\w$]+)\s*=\s*\1\.length;/,
  );
  const canCount = table !== null;
  if (canCount) {
    const [, heap, next] = table;
    glue += `
export function __benchHandles() {
  let free = 0;
  for (let i = ${next}; i < ${heap}.length; i = ${heap}[i]) free++;
  return ${heap}.length - free;
}
`;
    writeFileSync(gluePath, glue);
  }
  const glueMod = await import(pathToFileURL(gluePath).href);
  const { FunctionsClient, PrivateFunction, decodeToken } = await import(pathToFileURL(path.join(dir, "index.node.js")).href);
  const exportsOf = glueMod.initSync(); // already initialised: returns the instance's exports
  // The Memory export, whatever its (possibly minified) name.
  const memory = Object.values(exportsOf ?? {}).find((v) => v instanceof WebAssembly.Memory);
  if (!memory) throw new Error("no WebAssembly.Memory among the instance's exports");
  const wasmMemory = () => memory.buffer.byteLength;
  const handles = () => (canCount ? glueMod.__benchHandles() : NaN);

  const tokensUrl = `${ready.api_url.replace(/\/$/, "")}/functions/v1beta1/regions/${ready.region}/tokens?function_id=${ready.function_id}&page=1&page_size=50`;
  const raw = {
    listTokens: async () => JSON.parse(await (await fetch(tokensUrl, { headers: { "X-Auth-Token": ready.secret_key } })).text()),
    decodeToken: (t) => ({ claims: JSON.parse(atob(t.split(".")[1].replace(/-/g, "+").replace(/_/g, "/"))) }),
    fetch: (_, init) => fetch(ready.function_url, { ...init, headers: { "X-Auth-Token": token } }),
  };
  const client = mode === "raw" ? raw : new FunctionsClient({ apiUrl: ready.api_url, secretKey: ready.secret_key, region: ready.region });
  const fn = mode === "raw" ? raw : new PrivateFunction({ url: ready.function_url, token });
  const decode = mode === "raw" ? raw.decodeToken : decodeToken;
  const body = "x".repeat(1024);
  const call = async (i) => {
    switch (i % 3) {
      case 0: {
        const { tokens } = await client.listTokens({ functionId: ready.function_id, pageSize: 50 });
        if (tokens.length !== 50) throw new Error("listTokens");
        break;
      }
      case 1:
        if (typeof decode(token).claims !== "object") throw new Error("decodeToken");
        break;
      case 2: {
        const res = await fn.fetch("/", { method: "POST", body });
        if (res.status !== 200) throw new Error(`fetch ${res.status}`);
        await res.text();
        break;
      }
    }
  };
  const snapshot = async (calls) => {
    // Let FinalizationRegistry callbacks and pending microtasks run, then collect twice.
    for (let k = 0; k < 3; k++) {
      await new Promise((r) => setTimeout(r, 20));
      global.gc();
    }
    return { calls, heapUsed: process.memoryUsage().heapUsed, wasmMemory: wasmMemory(), handles: handles() };
  };
  for (let i = 0; i < 300; i++) await call(i); // warm-up: JIT, allocator, pools
  const points = [await snapshot(0)];
  const quarter = Math.max(1, Math.floor(CALLS / 4));
  const t0 = performance.now();
  for (let i = 0; i < CALLS; i++) {
    await call(i);
    if ((i + 1) % quarter === 0 || i + 1 === CALLS) points.push(await snapshot(i + 1));
  }
  const seconds = (performance.now() - t0) / 1000;
  console.log(JSON.stringify({ mode, calls: CALLS, seconds, canCount, points }));
} finally {
  rmSync(dir, { recursive: true, force: true });
}
