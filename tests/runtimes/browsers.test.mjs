// The installed tarball in Chromium, both entries: a plain <script type="module"> page without bundler (with and
// without the preload hints of docs/runtimes.md), a Vite build and a webpack build. The emulator serves each
// page, so the page, the API and the function share an origin.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { copyFile, mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { here, run, startEmulator, launchChromium, expected } from "./helpers.mjs";

let browser;
let viteDist;
let webpackDist;
before(async () => {
  viteDist = await mkdtemp(path.join(tmpdir(), "scw-vite-"));
  webpackDist = await mkdtemp(path.join(tmpdir(), "scw-webpack-"));
  const vite = path.join(here, "vite");
  const webpack = path.join(here, "webpack");
  [browser] = await Promise.all([
    launchChromium(),
    run(path.join(vite, "node_modules/.bin/vite"), ["build", "--logLevel", "warn", "--outDir", viteDist, "--emptyOutDir"], { cwd: vite }),
    run(path.join(webpack, "node_modules/.bin/webpack"), ["--output-path", webpackDist, "--stats", "errors-warnings"], { cwd: webpack })
      .then(() => copyFile(path.join(webpack, "index.html"), path.join(webpackDist, "index.html"))),
  ]);
});
after(async () => {
  await browser?.close();
  for (const dist of [viteDist, webpackDist]) if (dist) await rm(dist, { recursive: true, force: true });
});

/** Opens `page` of a site served by a fresh emulator and resolves with the page's `outcome`. */
async function outcomeOf(www, page) {
  const emulator = await startEmulator(["--www", www]);
  const tab = await browser.newPage();
  const errors = [];
  const requested = [];
  const warnings = [];
  tab.on("pageerror", (e) => errors.push(e.message));
  tab.on("request", (r) => requested.push(new URL(r.url()).pathname));
  tab.on("console", (m) => m.type() === "warning" && warnings.push(m.text()));
  // Expected failures: the function called without a token (403), the favicon nobody serves.
  tab.on("response", (r) => {
    const { pathname } = new URL(r.url());
    const expectedFailure = (r.status() === 403 && pathname.startsWith("/fn/")) || pathname === "/favicon.ico";
    if (r.status() >= 400 && !expectedFailure) errors.push(`${r.status()} ${pathname}`);
  });
  try {
    await tab.goto(new URL(page, emulator.api_url).href);
    await tab.waitForFunction(() => window.outcome, null, { timeout: 20_000 });
    return { outcome: await tab.evaluate(() => window.outcome), errors, requested, warnings };
  } finally {
    await tab.close();
    await emulator.stop();
  }
}

test("Chromium, plain module page (no bundler, no init call): token created, listed, call admitted through both entries, deleted", async () => {
  const { outcome, errors } = await outcomeOf(here, "/browser/index.html");
  assert.deepEqual(outcome, expected);
  assert.deepEqual(errors, []);
});

test("Chromium, plain module page with the preload hints of docs/runtimes.md: each wasm is fetched once, the hints are used", async () => {
  const { outcome, errors, requested, warnings } = await outcomeOf(here, "/browser/hinted.html");
  assert.deepEqual(outcome, expected);
  assert.deepEqual(errors, []);
  for (const wasm of ["/scw-functions-auth/scw_functions_auth_bg.wasm", "/scw-functions-auth/invoke/scw_functions_auth_bg.wasm"]) {
    assert.equal(requested.filter((p) => p.endsWith(wasm)).length, 1, wasm);
  }
  assert.equal(requested.filter((p) => p.endsWith("/scw-functions-auth/index.js")).length, 1);
  assert.deepEqual(warnings.filter((w) => /preload/i.test(w)), []);
});

test("Chromium, Vite build: token created, listed, call admitted through both entries, deleted", async () => {
  const { outcome, errors } = await outcomeOf(viteDist, "/index.html");
  assert.deepEqual(outcome, expected);
  assert.deepEqual(errors, []);
});

test("Chromium, webpack 5 build: token created, listed, call admitted through both entries, deleted", async () => {
  const { outcome, errors } = await outcomeOf(webpackDist, "/index.html");
  assert.deepEqual(outcome, expected);
  assert.deepEqual(errors, []);
});
