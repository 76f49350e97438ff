// The demo page's Activity panel, in Chromium: it shows the emulator's recent requests, with why
// the gateway refused a call, and never the token that was presented.
import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { chromium } from "playwright-core";
import { startEmulator } from "../support/emulator.mjs";

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
