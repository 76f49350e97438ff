// examples/edge-proxy: one FunctionProxy source on workerd (`wrangler dev`), Deno (`deno serve`),
// Bun and Node, in front of a private function of the strict emulator; and `wrangler deploy
// --dry-run` bundles it with no setting of its own.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, readdirSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { root, here, run, startEmulator, startProcess, freePort, waitForHttp } from "./helpers.mjs";

const example = path.join(root, "examples/edge-proxy");
const wrangler = path.join(example, "node_modules/.bin/wrangler");
const APP = "https://app.example.com";
const APP_KEY = "example app key";
const quiet = { NO_COLOR: "1", DENO_NO_UPDATE_CHECK: "1", WRANGLER_SEND_METRICS: "false", CI: "true" };

let emulator;
let settings;
before(async () => {
  emulator = await startEmulator();
  const { FunctionsClient } = await import(path.join(here, "node/node_modules/scw-functions-auth/index.node.js"));
  const client = new FunctionsClient({ secretKey: emulator.secret_key, apiUrl: emulator.api_url });
  const key = await client.createFunctionAccessKey({ projectId: emulator.project_id, expiresAt: new Date(Date.now() + 3_600_000) });
  settings = {
    FUNCTION_URL: emulator.function_url,
    SCW_FUNCTION_KEY: key.secretKey,
    ALLOWED_ORIGINS: APP,
    ALLOWED_PATHS: "/api/",
    APP_KEY,
  };
});
after(() => emulator?.stop());

/** What a page on `APP` sees through the proxy at `url`, and what other callers get. */
async function assertProxies(url, server) {
  const call = (pathAndQuery, headers, init = {}) => fetch(`${url}${pathAndQuery}`, { ...init, headers });
  const res = await call("/api/hello?x=1", { origin: APP, "x-app-key": APP_KEY, "x-auth-token": "the caller's" }, { method: "POST", body: "ping" });
  const text = await res.text();
  assert.equal(res.status, 200, `${text}\n${server.output()}`);
  const echo = JSON.parse(text);
  assert.equal(echo.method, "POST");
  assert.equal(echo.body, "ping");
  assert.equal(echo.query, "x=1");
  assert.equal(res.headers.get("access-control-allow-origin"), APP);
  assert.match(res.headers.get("vary") ?? "", /origin/i);
  assert.ok(!text.includes(settings.SCW_FUNCTION_KEY), "the credential never comes back");

  const preflight = await call("/api/hello", { origin: APP, "access-control-request-method": "POST", "access-control-request-headers": "x-app-key" }, { method: "OPTIONS" });
  assert.ok(preflight.status < 300, `preflight ${preflight.status}`);
  assert.equal(preflight.headers.get("access-control-allow-origin"), APP);

  assert.equal((await call("/api/hello", { origin: "https://evil.example", "x-app-key": APP_KEY })).status, 403);
  assert.equal((await call("/api/hello", { origin: APP })).status, 403, "authorize refuses a caller without the app key");
  assert.equal((await call("/admin", { origin: APP, "x-app-key": APP_KEY })).status, 403, "outside ALLOWED_PATHS");
}

test("without the proxy, the private function refuses a call without credential", async () => {
  assert.equal((await fetch(emulator.function_url, { headers: { origin: APP } })).status, 403);
});

/** Runs the example with `command args` on a free port (`PORT`, or `{port}` in `args`), checks what it proxies, stops it. */
async function proxiesOn(command, args, env, timeoutMs) {
  const port = String(await freePort());
  const server = startProcess(command, args.map((a) => a.replace("{port}", port)), {
    cwd: example,
    env: { ...settings, ...quiet, PORT: port, ...env },
  });
  try {
    await waitForHttp(`http://127.0.0.1:${port}`, { process: server, timeoutMs });
    await assertProxies(`http://127.0.0.1:${port}`, server);
  } finally {
    await server.stop();
  }
}

test("the proxy on Node (node.js over node:http)", () => proxiesOn(process.execPath, ["node.js"]));

test("the proxy on Deno (deno serve)", () =>
  proxiesOn(path.join(here, "deno/node_modules/.bin/deno"), [
    "serve", "--cached-only", `--allow-env=${Object.keys(settings).join(",")}`, "--allow-net=127.0.0.1",
    "--host", "127.0.0.1", "--port", "{port}", "proxy.js",
  ]));

test("the proxy on Bun (its default export served)", () => proxiesOn(path.join(here, "bun/node_modules/.bin/bun"), ["proxy.js"]));

test("the proxy on workerd (wrangler dev, local)", () => {
  const vars = Object.entries(settings).flatMap(([name, value]) => ["--var", `${name}:${value}`]);
  return proxiesOn(wrangler, ["dev", "--ip", "127.0.0.1", "--port", "{port}", ...vars], {}, 60_000);
});

test("wrangler deploy --dry-run bundles the example with its wasm", async () => {
  const outdir = mkdtempSync(path.join(tmpdir(), "edge-proxy-"));
  await run(wrangler, ["deploy", "--dry-run", "--outdir", outdir], { cwd: example, env: quiet, timeoutMs: 120_000 });
  const files = readdirSync(outdir);
  assert.ok(files.some((f) => f.endsWith(".js")), files.join(", "));
  assert.ok(files.some((f) => f.endsWith(".wasm")), `the wasm ships beside the worker: ${files.join(", ")}`);
});
