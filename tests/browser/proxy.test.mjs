// FunctionProxy in real Chromium: a page served on localhost (another origin than the emulator's
// and the proxy's 127.0.0.1) calls a private function of the strict emulator through a proxy
// running in Node, while its direct call to the function fails like it does on Scaleway.
import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { createServer } from "node:http";
import { Readable } from "node:stream";
import { chromium } from "playwright-core";
import { startEmulator } from "../support/emulator.mjs";
import { FunctionProxy } from "../../pkg/proxy/index.node.js";

const CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
  "--disable-component-update", "--disable-sync", "--no-first-run"];

let browser, emulator, site, proxyServer, token;

/** Listens on a free port of 127.0.0.1 and resolves with the port. */
async function listen(server) {
  await new Promise((resolve) => server.listen(0, "127.0.0.1", resolve));
  return server.address().port;
}

/** Node's http server in front of `proxy.handle`: the request and the answer as Request and Response, bodies streamed. */
function serve(handle) {
  return createServer(async (req, res) => {
    const headers = new Headers();
    for (const [name, value] of Object.entries(req.headers)) headers.set(name, [].concat(value).join(", "));
    const hasBody = req.method != "GET" && req.method != "HEAD";
    const request = new Request(`http://${req.headers.host}${req.url}`,
      { method: req.method, headers, body: hasBody ? Readable.toWeb(req) : undefined, duplex: "half" });
    const response = await handle(request);
    res.writeHead(response.status, Object.fromEntries(response.headers));
    if (response.body) Readable.fromWeb(response.body).pipe(res);
    else res.end();
  });
}

before(async () => {
  emulator = await startEmulator();
  const created = await fetch(`${emulator.api_url}/functions/v1beta1/regions/${emulator.region}/tokens`, {
    method: "POST",
    headers: { "X-Auth-Token": emulator.secret_key, "Content-Type": "application/json" },
    body: JSON.stringify({ function_id: emulator.function_id }),
  });
  ({ token } = await created.json());

  const page = createServer((_, res) => {
    res.writeHead(200, { "content-type": "text/html" });
    res.end("<!doctype html><title>the app</title>");
  });
  site = { server: page, origin: `http://localhost:${await listen(page)}` };

  const proxy = new FunctionProxy({
    url: emulator.function_url,
    token,
    allowedOrigins: [site.origin],
    allowedPaths: ["/api/"],
    // The page proves who it is with its own header; the proxy never passes it on.
    authorize: async (request) => request.headers.get("authorization") === "Bearer page-session",
  });
  proxyServer = serve(proxy.handle);
  proxyServer.url = `http://127.0.0.1:${await listen(proxyServer)}`;
  browser = await chromium.launch({ executablePath: "/usr/bin/chromium", args: CHROMIUM_ARGS });
});

after(async () => {
  await browser?.close();
  site?.server.close();
  proxyServer?.close();
  await emulator?.stop();
});

/** Runs `calls` in the page on the other origin; a call the browser blocks reports its error's name. */
async function fromPage(calls) {
  const page = await browser.newPage();
  try {
    await page.goto(`${site.origin}/`);
    return await page.evaluate(calls, { proxy: proxyServer.url, functionUrl: emulator.function_url, token });
  } finally {
    await page.close();
  }
}

test("a page on another origin reaches the private function through the proxy, while its direct call fails", async () => {
  const result = await fromPage(async ({ proxy, functionUrl, token }) => {
    const attempt = async (url, init) => {
      try {
        const res = await fetch(url, init);
        return { status: res.status, body: await res.json() };
      } catch (error) {
        return error.name; // the browser blocked it: TypeError, "Failed to fetch"
      }
    };
    // JSON and Authorization make the browser send a preflight first, which the proxy answers.
    const init = { method: "POST", headers: { "content-type": "application/json", authorization: "Bearer page-session" },
      body: JSON.stringify({ hello: "function" }) };
    return {
      proxied: await attempt(`${proxy}/api/greet?x=1`, init),
      unauthorized: await attempt(`${proxy}/api/greet`, { ...init, headers: { "content-type": "application/json" } }),
      escaped: await attempt(`${proxy}/api/..%2Fadmin`, init),
      direct: await attempt(`${functionUrl}/api/greet`, { ...init, headers: { ...init.headers, "X-Auth-Token": token } }),
    };
  });
  assert.equal(result.proxied.status, 200);
  assert.deepEqual([result.proxied.body.method, result.proxied.body.path, result.proxied.body.query], ["POST", "/api/greet", "x=1"]);
  assert.equal(result.proxied.body.body, JSON.stringify({ hello: "function" }));
  assert.equal(result.proxied.body.headers.authorization, undefined, "the page's session stays at the proxy");
  assert.deepEqual(result.unauthorized, { status: 403, body: { error: "not authorized" } });
  assert.equal(result.escaped, "TypeError", "its preflight is refused: a path outside the list goes nowhere");
  assert.equal(result.direct, "TypeError");
});
