// examples/edge-proxy: one FunctionProxy source on workerd (`wrangler dev`), Deno (`deno serve`),
// Bun and Node, in front of a private function of the strict emulator; and `wrangler deploy
// --dry-run` bundles it with no setting of its own.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, readdirSync } from "node:fs";
import { createServer } from "node:http";
import { tmpdir } from "node:os";
import path from "node:path";
import { root, here, run, startEmulator, startProcess, startWorkerd, freePort, waitForHttp } from "./helpers.mjs";

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

/** Resolves when `check()` holds; rejects after `ms`. */
async function eventually(check, ms, what) {
  for (const start = Date.now(); !check(); await new Promise((r) => setTimeout(r, 10))) {
    if (Date.now() - start > ms) throw new Error(`not within ${ms} ms: ${what}`);
  }
}

/** A function that never answers, telling when a call's connection closes. */
async function hangingFunction() {
  const calls = { received: 0, closed: 0 };
  const server = createServer((req, res) => {
    calls.received++;
    res.on("close", () => calls.closed++);
  });
  await new Promise((r) => server.listen(0, "127.0.0.1", r));
  return { calls, url: `http://127.0.0.1:${server.address().port}`, close: () => server.close() };
}

/** When the browser goes away, the proxy at `url` aborts its call to the hanging function. */
async function assertAbortsWithCaller(url, fn, server) {
  const gone = new AbortController();
  const call = fetch(`${url}/api/slow`, { headers: { origin: APP, "x-app-key": APP_KEY }, signal: gone.signal }).catch(() => {});
  await eventually(() => fn.calls.received == 1, 10_000, `the function was called\n${server.output()}`);
  gone.abort();
  await call;
  await eventually(() => fn.calls.closed == 1, 3000, `the function's call was aborted\n${server.output()}`);
}

/**
 * Runs the example with `command args` on a free port (`PORT`, or `{port}` in `args`; `args` may
 * be made from the settings) and checks what it proxies; then, unless `callerSignal` is false,
 * again in front of a function that never answers, whose call must end when the caller goes away.
 */
async function proxiesOn(command, args, env, timeoutMs, callerSignal = true) {
  const start = async (changed) => {
    const port = String(await freePort());
    const values = { ...settings, ...changed };
    const argv = typeof args == "function" ? args(values) : args;
    const server = startProcess(command, argv.map((a) => a.replace("{port}", port)), {
      cwd: example,
      env: { ...values, ...quiet, PORT: port, ...env },
    });
    const url = `http://127.0.0.1:${port}`;
    await waitForHttp(url, { process: server, timeoutMs });
    return { server, url };
  };
  const proxied = await start({});
  try {
    await assertProxies(proxied.url, proxied.server);
  } finally {
    await proxied.server.stop();
  }
  if (!callerSignal) return;
  const fn = await hangingFunction();
  const hanging = await start({ FUNCTION_URL: fn.url });
  try {
    await assertAbortsWithCaller(hanging.url, fn, hanging.server);
  } finally {
    await hanging.server.stop();
    fn.close();
  }
}

test("the proxy on Node (node.js over node:http)", () => proxiesOn(process.execPath, ["node.js"]));

test("the proxy on Node 24, the current LTS", () => proxiesOn(path.join(here, "node24/node_modules/.bin/node"), ["node.js"]));

test("on Node, a caller that goes away while the function streams its answer ends the function's call", async () => {
  let closed = 0;
  const fn = createServer((req, res) => {
    res.on("close", () => closed++);
    res.writeHead(200, { "content-type": "text/event-stream" });
    const ticks = setInterval(() => res.write("data: tick\n\n"), 50);
    res.on("close", () => clearInterval(ticks));
  });
  await new Promise((r) => fn.listen(0, "127.0.0.1", r));
  const port = String(await freePort());
  const server = startProcess(process.execPath, ["node.js"], {
    cwd: example,
    env: { ...settings, ...quiet, FUNCTION_URL: `http://127.0.0.1:${fn.address().port}`, PORT: port },
  });
  const url = `http://127.0.0.1:${port}`;
  try {
    await waitForHttp(url, { process: server });
    const gone = new AbortController();
    const res = await fetch(`${url}/api/events`, { headers: { origin: APP, "x-app-key": APP_KEY }, signal: gone.signal });
    assert.equal(res.status, 200);
    await res.body.getReader().read();
    gone.abort();
    await eventually(() => closed == 1, 3000, `the function's call ended\n${server.output()}`);
  } finally {
    await server.stop();
    fn.close();
  }
});

test("the proxy on Deno (deno serve)", () =>
  proxiesOn(path.join(here, "deno/node_modules/.bin/deno"), [
    // Every setting the example reads, the optional ones too: Deno refuses a name outside the list.
    "serve", "--cached-only", `--allow-env=${[...Object.keys(settings), "SCW_FUNCTION_KEY_CREATED_AT"].join(",")}`,
    "--allow-net=127.0.0.1",
    "--host", "127.0.0.1", "--port", "{port}", "proxy.js",
  ]));

test("the proxy on Bun (its default export served)", () => proxiesOn(path.join(here, "bun/node_modules/.bin/bun"), ["proxy.js"]));

// Local workerd does not signal a client that goes away (Cloudflare does, with the
// `enable_request_signal` flag): there, the request's signal is aborted by the worker itself.
test("the proxy on workerd (wrangler dev, local)", () => {
  const vars = Object.entries(settings).flatMap(([name, value]) => ["--var", `${name}:${value}`]);
  return proxiesOn(wrangler, ["dev", "--ip", "127.0.0.1", "--port", "{port}", ...vars], {}, 60_000, false);
});

test("on workerd, the proxy aborts the function's call when the request's signal aborts", async () => {
  const fn = await hangingFunction();
  const worker = await startWorkerd({
    modules: {
      "proxy/caller-gone.js": path.join(here, "edge-proxy/caller-gone.js"),
      "proxy/proxy.js": path.join(example, "proxy.js"),
    },
    bindings: { ...settings, FUNCTION_URL: fn.url },
  });
  try {
    const answer = fetch(`${worker.url}/api/slow?after=300`, { headers: { origin: APP, "x-app-key": APP_KEY } });
    await eventually(() => fn.calls.closed == 1, 3000, `the function's call was aborted\n${worker.output()}`);
    assert.equal(await (await answer).text(), "502");
  } finally {
    await worker.stop();
    fn.close();
  }
});

test("wrangler deploy --dry-run bundles the example with its wasm", async () => {
  const outdir = mkdtempSync(path.join(tmpdir(), "edge-proxy-"));
  await run(wrangler, ["deploy", "--dry-run", "--outdir", outdir], { cwd: example, env: quiet, timeoutMs: 120_000 });
  const files = readdirSync(outdir);
  assert.ok(files.some((f) => f.endsWith(".js")), files.join(", "));
  assert.ok(files.some((f) => f.endsWith(".wasm")), `the wasm ships beside the worker: ${files.join(", ")}`);
});
