// The demo page's Activity panel, in Chromium: it shows the emulator's recent requests, with why
// the gateway refused a call or which key or token it admitted it with, and never the secret or
// the token that was presented.
import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { chromium } from "playwright-core";
import { startEmulator } from "../support/emulator.mjs";
import { FunctionsClient } from "../../pkg/index.node.js";

const CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
  "--disable-component-update", "--disable-sync", "--no-first-run"];

let emulator;
let browser;

before(async () => {
  emulator = await startEmulator();
  browser = await chromium.launch({ executablePath: "/usr/bin/chromium", args: CHROMIUM_ARGS });
});

after(async () => {
  await browser?.close();
  await emulator?.stop();
});

test("a refused call shows in the Activity panel with its reason, without the token", async () => {
  const forged = "eyJhbGciOiJSUzI1NiJ9.eyJqdGkiOiJ4In0.c2lnbmF0dXJl";
  assert.equal((await fetch(emulator.function_url)).status, 403);
  assert.equal((await fetch(emulator.function_url, { headers: { "X-Auth-Token": forged } })).status, 403);
  const page = await browser.newPage();
  try {
    await page.goto(`${emulator.api_url}/`);
    const panel = page.locator("#activity");
    await panel.getByText("no credential").waitFor();
    await panel.getByText("bad signature").waitFor();
    const text = await panel.innerText();
    assert.match(text, new RegExp(`GET /fn/${emulator.function_id}`));
    assert.match(text, /403/);
    assert.ok(!text.includes(forged) && !text.includes(emulator.secret_key), "no token, no secret");
  } finally {
    await page.close();
  }
});

test("an admitted call shows the access key or the token id it was made with, never the secret", async () => {
  const client = new FunctionsClient({ secretKey: emulator.secret_key, apiUrl: emulator.api_url, region: emulator.region });
  const key = await client.createFunctionAccessKey({ projectId: emulator.project_id, expiresAt: new Date(Date.now() + 3_600_000) });
  const token = await client.createToken({ functionId: emulator.function_id });
  assert.equal((await fetch(`${emulator.function_url}/with-key`, { headers: { "X-Auth-Token": key.secretKey } })).status, 200);
  assert.equal((await fetch(`${emulator.function_url}/with-token`, { headers: { "X-Auth-Token": token.token } })).status, 200);
  const page = await browser.newPage();
  try {
    await page.goto(`${emulator.api_url}/`);
    const rows = page.locator("#activity-rows");
    const withKey = rows.locator("tr", { hasText: "/with-key" });
    const withToken = rows.locator("tr", { hasText: "/with-token" });
    await withToken.waitFor();
    assert.equal(await withKey.locator("td[data-label=Credential]").innerText(), key.accessKey);
    assert.equal(await withToken.locator("td[data-label=Credential]").innerText(), `legacy token ${token.id}`);
    const text = await page.locator("#activity").innerText();
    assert.ok(!text.includes(key.secretKey) && !text.includes(token.token), "no secret, no token");
  } finally {
    await page.close();
  }
});
