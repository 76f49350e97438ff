// Shipped size: what a browser downloads for each entry of this library (its index.js, one file
// bundled by scripts/build-pkg.sh, every file of its static import graph if it has one, and the wasm
// it loads), each file compressed on its own as a server would (gzip -9, brotli quality 11), summed;
// beside the official SDK bundled by esbuild for the same calls.
// tests/size/budget.test.mjs uses entrySizes() so the budgets and the table agree.
// `node bench/size.mjs --summary` prints one line per entry (scripts/build-pkg.sh does).
import { readFileSync, writeFileSync, mkdtempSync, rmSync } from "node:fs";
import { execFileSync } from "node:child_process";
import { tmpdir } from "node:os";
import path from "node:path";
import zlib from "node:zlib";
import { pathToFileURL } from "node:url";
import { root, pkgDir as defaultPkgDir } from "./common.mjs";

export const BUDGET_FILE = path.join(root, "bench/size-budget.json");
const PACKAGE = "scw-functions-auth";

/** Budgets in gzip bytes by entry name (`scw-functions-auth`, `scw-functions-auth/invoke`). */
export const readBudgets = (text = readFileSync(BUDGET_FILE, "utf8")) => JSON.parse(text).gzipBytes;

export function compressedSizes(bytes) {
  return {
    raw: bytes.length,
    gzip: zlib.gzipSync(bytes, { level: 9 }).length,
    brotli: zlib.brotliCompressSync(bytes, {
      params: {
        [zlib.constants.BROTLI_PARAM_QUALITY]: 11,
        [zlib.constants.BROTLI_PARAM_SIZE_HINT]: bytes.length,
      },
    }).length,
  };
}

/** Files a browser fetches when it imports `entry`: relative static imports and `new URL(x, import.meta.url)` assets. */
export function importGraph(entry) {
  const seen = new Set();
  const walk = (file) => {
    if (seen.has(file)) return;
    seen.add(file);
    if (!file.endsWith(".js")) return;
    const src = readFileSync(file, "utf8");
    const imports = [
      ...src.matchAll(/\b(?:import|export)\b[^;"'`]*?\bfrom\s*["']([^"']+)["']/g),
      ...src.matchAll(/\bimport\s*["']([^"']+)["']/g),
    ].map((m) => m[1]);
    for (const spec of imports) {
      if (!spec.startsWith(".")) throw new Error(`${file}: bare import ${spec} in the browser graph`);
      walk(path.resolve(path.dirname(file), spec));
    }
    // Assets: new URL("x", import.meta.url) is relative to the module even without "./".
    for (const m of src.matchAll(/new URL\(\s*["']([^"':]+)["']\s*,\s*import\.meta\.url\s*\)/g)) {
      walk(path.resolve(path.dirname(file), m[1]));
    }
  };
  walk(path.resolve(entry));
  return [...seen];
}

/** An entry as shipped (`entry` is its name: the package's, or the package's with a subpath):
 *  per-file sizes and totals (the figure a budget checks is `total.gzip`). */
export function libraryShippedSize(pkgDir = defaultPkgDir, entry = PACKAGE) {
  const dir = path.join(pkgDir, entry.slice(PACKAGE.length));
  const files = importGraph(path.join(dir, "index.js")).map((file) => ({
    file: path.relative(pkgDir, file),
    ...compressedSizes(readFileSync(file)),
  }));
  for (const need of [/\.wasm$/, /(^|\/)index\.js$/]) {
    if (!files.some((f) => need.test(f.file))) throw new Error(`${entry}'s import graph misses ${need} (found ${files.map((f) => f.file)})`);
  }
  const sum = (pred) => {
    const t = { raw: 0, gzip: 0, brotli: 0 };
    for (const f of files.filter(pred)) for (const k in t) t[k] += f[k];
    return t;
  };
  return {
    files,
    wasm: sum((f) => f.file.endsWith(".wasm")),
    js: sum((f) => !f.file.endsWith(".wasm")),
    total: sum(() => true),
  };
}

/** Every entry of the budget file with its shipped size and its budget. */
export function entrySizes(pkgDir = defaultPkgDir) {
  return Object.entries(readBudgets()).map(([entry, budget]) => ({ entry, budget, ...libraryShippedSize(pkgDir, entry) }));
}

export const SDK_ENTRY = `
import { createClient } from "@scaleway/sdk-client";
import { Functionv1beta1 } from "@scaleway/sdk-function";
export async function run({ apiURL, secretKey, functionId, functionUrl }) {
  const api = new Functionv1beta1.API(createClient({ apiURL, secretKey, accessKey: "SCWXXXXXXXXXXXXXXXXX", defaultRegion: "fr-par" }));
  const created = await api.createToken({ functionId });
  const { tokens } = await api.listTokens({ functionId, pageSize: 50 });
  const res = await fetch(functionUrl, { method: "POST", headers: { "X-Auth-Token": created.token }, body: "hi" });
  await api.deleteToken({ tokenId: created.id });
  return [tokens.length, res.status];
}
`;

export const LIB_ENTRY = `
import { FunctionsClient, PrivateFunction } from "PKG/index.js";
export async function run({ apiURL, secretKey, functionId, functionUrl }) {
  const client = new FunctionsClient({ apiUrl: apiURL, secretKey });
  const created = await client.createToken({ functionId });
  const { tokens } = await client.listTokens({ functionId, pageSize: 50 });
  const res = await new PrivateFunction({ url: functionUrl, token: created.token }).fetch("/", { method: "POST", body: "hi" });
  await client.deleteToken(created.id);
  return [tokens.length, res.status];
}
`;

/** esbuild --bundle --minify --format=esm --platform=browser of `source` (resolved from the repo root). */
export function esbuildBundle(source, name) {
  const dir = mkdtempSync(path.join(tmpdir(), "scw-bench-"));
  try {
    const entry = path.join(root, `.bench-${name}-${process.pid}.mjs`);
    const out = path.join(dir, `${name}.js`);
    writeFileSync(entry, source.replace("PKG/", pathToFileURL(defaultPkgDir + "/").pathname));
    try {
      execFileSync(
        path.join(root, "node_modules/.bin/esbuild"),
        [entry, "--bundle", "--minify", "--format=esm", "--platform=browser", `--outfile=${out}`, "--log-level=error"],
        { cwd: root, stdio: ["ignore", "ignore", "inherit"] },
      );
    } finally {
      rmSync(entry, { force: true });
    }
    const bytes = readFileSync(out);
    return { bytes, ...compressedSizes(bytes) };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

export function sizeReport() {
  const lib = libraryShippedSize();
  const sdk = esbuildBundle(SDK_ENTRY, "sdk");
  // Informative: the same calls through this library bundled and minified by esbuild (the wasm is
  // left as a separate asset by esbuild, so it is added as shipped).
  const libJs = esbuildBundle(LIB_ENTRY, "lib");
  const libBundled = { gzip: libJs.gzip + lib.wasm.gzip, brotli: libJs.brotli + lib.wasm.brotli, js: libJs };
  return { lib, sdk, libBundled, budget: readBudgets()[PACKAGE] };
}

if (import.meta.url === `file://${process.argv[1]}`) {
  if (process.argv[2] === "--summary") {
    for (const { entry, budget, wasm, total } of entrySizes()) {
      console.log(`${entry}: ${total.gzip} B gzip -9 (budget ${budget}), ${total.brotli} B brotli; wasm ${wasm.raw} B`);
    }
  } else {
    const r = sizeReport();
    console.log(JSON.stringify({ ...r, sdk: { ...r.sdk, bytes: undefined }, libBundled: { gzip: r.libBundled.gzip, brotli: r.libBundled.brotli } }, null, 2));
  }
}
