// CORS in real Chromium: a page served on another origin (localhost vs 127.0.0.1) calls the
// emulator with plain fetch. By default, like Scaleway, it can neither call a private function
// nor the API; `--gateway-preflight allow` and `--cors-origin` relax that for local experiments.
import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { createServer } from "node:http";
import { chromium } from "playwright-core";
import { startEmulator } from "../support/emulator.mjs";

const CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
  "--disable-component-update", "--disable-sync", "--no-first-run"];

let browser;
let site;

/** A tiny site on localhost: another origin than the emulator's 127.0.0.1. */
async function startSite() {
  const server = createServer((_, res) => {
    res.writeHead(200, { "content-type": "text/html" });
    res.end("<!doctype html><title>elsewhere</title>");
  });
  await new Promise((resolve) => server.listen(0, "127.0.0.1", resolve));
  return { origin: `http://localhost:${server.address().port}`, close: () => server.close() };
}

before(async () => {
  site = await startSite();
  browser = await chromium.launch({ executablePath: "/usr/bin/chromium", args: CHROMIUM_ARGS });
});

after(async () => {
  await browser?.close();
  site?.close();
});

/** Makes a token, then from the page on the other origin calls the function and the API. */
async function callFromElsewhere(emulatorArgs) {
  const emulator = await startEmulator(emulatorArgs);
  try {
    const base = `${emulator.api_url}/functions/v1beta1/regions/${emulator.region}`;
    const created = await fetch(`${base}/tokens`, {
      method: "POST",
      headers: { "X-Auth-Token": emulator.secret_key, "Content-Type": "application/json" },
      body: JSON.stringify({ function_id: emulator.function_id }),
    });
    const { token } = await created.json();
    const page = await browser.newPage();
    try {
      await page.goto(`${site.origin}/`);
      return await page.evaluate(async ({ functionUrl, token, tokensUrl, secretKey }) => {
        const attempt = async (url, headers) => {
          try {
            const res = await fetch(url, { headers });
            return res.status;
          } catch (error) {
            return error.name; // the browser blocked it: TypeError, "Failed to fetch"
          }
        };
        return {
          function: await attempt(functionUrl, { "X-Auth-Token": token }),
          api: await attempt(tokensUrl, { "X-Auth-Token": secretKey }),
        };
      }, { functionUrl: emulator.function_url, token, tokensUrl: `${base}/tokens`, secretKey: emulator.secret_key });
    } finally {
      await page.close();
    }
  } finally {
    await emulator.stop();
  }
}

test("by default a page on another origin cannot call a private function nor the API, even with a valid credential", async () => {
  assert.deepEqual(await callFromElsewhere([]), { function: "TypeError", api: "TypeError" });
});

test("with --gateway-preflight allow and --cors-origin the same page calls both", async () => {
  const result = await callFromElsewhere(["--gateway-preflight", "allow", "--cors-origin", site.origin]);
  assert.deepEqual(result, { function: 200, api: 200 });
});

test("--cors-origin for another origin leaves this page blocked", async () => {
  const result = await callFromElsewhere(["--gateway-preflight", "allow", "--cors-origin", "http://app.test"]);
  assert.deepEqual(result, { function: "TypeError", api: "TypeError" });
});
