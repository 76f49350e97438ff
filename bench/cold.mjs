// Cold start. Node: spawn to the moment a local HTTP server receives the first request, importing
// this package vs the official SDK vs node alone (raw fetch). Chromium: import of pkg/index.js
// (glue + wasm fetch, compile, instantiate) in a fresh context, wasm compile+instantiate alone,
// and the import of the official SDK bundle (esbuild, same calls).
import { createServer } from "node:http";
import { readFile } from "node:fs/promises";
import { spawn } from "node:child_process";
import path from "node:path";
import { pathToFileURL } from "node:url";
import { root, pkgDir, median } from "./common.mjs";

export async function nodeColdStart({ runs = 20 } = {}) {
  let onRequest = null;
  const server = createServer((req, res) => {
    onRequest?.(performance.now());
    res.writeHead(200, { "Content-Type": "application/json" });
    res.end('{"tokens":[],"total_count":0}');
  });
  await new Promise((r) => server.listen(0, "127.0.0.1", r));
  const url = `http://127.0.0.1:${server.address().port}`;
  const child = path.join(root, "bench/cold-child.mjs");
  const modes = ["raw", "sdk", "lib"];
  const samples = Object.fromEntries(modes.map((m) => [m, []]));
  try {
    for (let i = 0; i < runs + 1; i++) {
      for (const mode of i % 2 ? [...modes].reverse() : modes) {
        const received = new Promise((r) => (onRequest = r));
        const t0 = performance.now();
        const proc = spawn(process.execPath, [child, mode, url], {
          cwd: root,
          stdio: ["ignore", "ignore", "inherit"],
          env: { ...process.env, BENCH_PKG_URL: pathToFileURL(pkgDir + "/").href },
        });
        const exited = new Promise((r) => proc.once("exit", r));
        const timeout = new Promise((_, rej) => setTimeout(() => rej(new Error(`cold start ${mode}: no request in 20 s`)), 20_000).unref());
        let t1;
        try {
          t1 = await Promise.race([received, timeout, exited.then((c) => Promise.reject(new Error(`cold start ${mode}: exited ${c} before its request`)))]);
        } catch (e) {
          proc.kill("SIGKILL");
          throw e;
        }
        const code = await exited;
        if (code !== 0) throw new Error(`cold start ${mode} exited with ${code}`);
        if (i > 0) samples[mode].push(t1 - t0); // the first round warms the OS file cache
      }
    }
  } finally {
    onRequest = null;
    server.close();
  }
  return Object.fromEntries(modes.map((m) => [m, { n: samples[m].length, median: median(samples[m]) }]));
}

const CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
  "--disable-component-update", "--disable-sync", "--no-first-run"];

const TYPES = { ".js": "text/javascript", ".wasm": "application/wasm", ".html": "text/html" };

/**
 * Chromium, fresh browser context per measure. Every file is served from memory through
 * page.route on one origin (the SDK bundle and pkg/ alike, so both pay the same per-request cost).
 */
export async function chromiumColdStart(sdkBundle, { runs = 10 } = {}) {
  const { chromium } = await import("playwright-core");
  const origin = "http://bench.test";
  const browser = await chromium.launch({ executablePath: "/usr/bin/chromium", args: CHROMIUM_ARGS, timeout: 30_000 });
  const out = { import: [], instantiate: [], sdk: [] };
  try {
    const fresh = async () => {
      const context = await browser.newContext();
      await context.route(`${origin}/**`, async (route) => {
        const { pathname } = new URL(route.request().url());
        if (pathname === "/") return route.fulfill({ status: 200, contentType: TYPES[".html"], body: "<!doctype html><title>bench</title>" });
        if (pathname === "/sdk.js") return route.fulfill({ status: 200, contentType: TYPES[".js"], body: sdkBundle });
        if (pathname.startsWith("/pkg/") && !pathname.includes("..")) {
          try {
            const body = await readFile(path.join(pkgDir, pathname.slice("/pkg/".length)));
            return route.fulfill({ status: 200, contentType: TYPES[path.extname(pathname)] ?? "application/octet-stream", body });
          } catch {}
        }
        return route.fulfill({ status: 404, body: "" });
      });
      const page = await context.newPage();
      await page.goto(`${origin}/`);
      return { context, page };
    };
    for (let i = 0; i < runs + 1; i++) {
      // 1. the whole browser entry: glue and snippets, wasm fetch, compile, instantiate
      let { context, page } = await fresh();
      const full = await page.evaluate(async () => {
        const t0 = performance.now();
        const m = await import("/pkg/index.js");
        if (typeof m.FunctionsClient !== "function") throw new Error("no FunctionsClient");
        return performance.now() - t0;
      });
      await context.close();
      // 2. wasm compile + instantiate alone (bytes already in memory)
      ({ context, page } = await fresh());
      const inst = await page.evaluate(async () => {
        const glue = await import("/pkg/scw_functions_auth.js");
        const bytes = await (await fetch("/pkg/scw_functions_auth_bg.wasm")).arrayBuffer();
        const t0 = performance.now();
        await glue.default({ module_or_path: bytes });
        return performance.now() - t0;
      });
      await context.close();
      // 3. the official SDK bundle
      ({ context, page } = await fresh());
      const sdk = await page.evaluate(async () => {
        const t0 = performance.now();
        const m = await import("/sdk.js");
        if (typeof m.run !== "function") throw new Error("no run");
        return performance.now() - t0;
      });
      await context.close();
      if (i > 0) {
        out.import.push(full);
        out.instantiate.push(inst);
        out.sdk.push(sdk);
      }
    }
  } finally {
    await browser.close();
  }
  return Object.fromEntries(Object.entries(out).map(([k, v]) => [k, { n: v.length, median: median(v) }]));
}
