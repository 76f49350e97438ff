// PrivateFunction in real Chromium, from the package's browser entry: a redirect of the function
// is not followed, since the browser would send X-Auth-Token on to a target it hides from the
// page (after a preflight that target answers itself); the call rejects with a NetworkError.
import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { readFile } from "node:fs/promises";
import { createServer } from "node:http";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { chromium } from "playwright-core";

const CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
  "--disable-component-update", "--disable-sync", "--no-first-run"];
const pkg = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../../pkg");
const TYPES = { ".js": "text/javascript", ".wasm": "application/wasm", ".html": "text/html" };

let browser, site, fn, elsewhere;

/** Listens on a free port of 127.0.0.1 with `handler`; resolves with the server and its port. */
async function listen(handler) {
  const server = createServer(handler);
  await new Promise((resolve) => server.listen(0, "127.0.0.1", resolve));
  return { server, port: server.address().port };
}

/** CORS headers that let any page send anything, as a target that wants the credential would. */
const welcoming = (req) => ({
  "access-control-allow-origin": req.headers.origin ?? "*",
  "access-control-allow-headers": req.headers["access-control-request-headers"] ?? "*",
  "access-control-allow-methods": "GET, POST, PUT",
});

before(async () => {
  // The page and the package, on localhost: another origin than the function's 127.0.0.1.
  const page = await listen(async (req, res) => {
    if (req.url == "/") return res.writeHead(200, { "content-type": "text/html" }).end("<!doctype html><title>app</title>");
    try {
      const file = await readFile(path.join(pkg, path.normalize(req.url.slice("/pkg/".length))));
      res.writeHead(200, { "content-type": TYPES[path.extname(req.url)] ?? "application/octet-stream" }).end(file);
    } catch {
      res.writeHead(404).end();
    }
  });
  site = { ...page, origin: `http://localhost:${page.port}` };
  const seen = [];
  const target = await listen((req, res) => {
    seen.push({ method: req.method, token: req.headers["x-auth-token"] });
    res.writeHead(200, welcoming(req)).end("elsewhere");
  });
  elsewhere = { ...target, seen, url: `http://127.0.0.1:${target.port}` };
  const function_ = await listen((req, res) => {
    if (req.method == "OPTIONS") return res.writeHead(204, welcoming(req)).end();
    if (req.url == "/direct") return res.writeHead(200, welcoming(req)).end(req.headers["x-auth-token"]);
    res.writeHead(307, { ...welcoming(req), location: `${elsewhere.url}/landed` }).end();
  });
  fn = { ...function_, url: `http://127.0.0.1:${function_.port}` };
  browser = await chromium.launch({ executablePath: "/usr/bin/chromium", args: CHROMIUM_ARGS });
});

after(async () => {
  await browser?.close();
  for (const s of [site, fn, elsewhere]) s?.server.close();
});

test("in a browser a redirect of the function is not followed: the call rejects and the target gets nothing", async () => {
  const page = await browser.newPage();
  try {
    await page.goto(`${site.origin}/`);
    const result = await page.evaluate(async (url) => {
      const { PrivateFunction, NetworkError } = await import("/pkg/invoke/index.js");
      const fn = new PrivateFunction({ url, token: "the-credential" });
      const direct = await (await fn.fetch("/direct")).text();
      const redirected = await fn.fetch("/away", { method: "PUT", body: "data" }).then(
        (res) => `resolved with ${res.status}`,
        (error) => ({ network: error instanceof NetworkError, message: error.message }),
      );
      return { direct, redirected };
    }, fn.url);
    assert.equal(result.direct, "the-credential", "a call without redirect carries the credential");
    assert.equal(result.redirected.network, true, JSON.stringify(result.redirected));
    assert.match(result.redirected.message, /redirect/);
    assert.deepEqual(elsewhere.seen, []);
  } finally {
    await page.close();
  }
});
