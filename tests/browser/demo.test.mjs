// The demo page, driven in real Chromium against the real emulator, the way a user walks it:
// connect, open the function's Security page, generate tokens and IAM API keys, copy one, call the
// function with and without them, delete them, and get clear errors for bad input.
import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { mkdir } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { chromium } from "playwright-core";
import { startEmulator } from "../support/emulator.mjs";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");
// The README's screenshots are refreshed with `SCREENSHOTS=docs make test-browser`; otherwise they
// go to a temporary folder, so that a test run leaves the checkout as it was.
const screenshots = path.resolve(root, process.env.SCREENSHOTS ?? path.join(os.tmpdir(), "scw-demo-screenshots"));
const CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
  "--disable-component-update", "--disable-sync", "--no-first-run"];

/** Retries an assertion until it holds, like a user waiting for the page to settle. */
async function eventually(check, timeoutMs = 10_000) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      return await check();
    } catch (error) {
      if (Date.now() > deadline) throw error;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }
}

describe("the demo page", () => {
  let emulator;
  let browser;
  let page;
  const consoleErrors = [];
  const foreignRequests = [];

  // Chromium itself logs "Failed to load resource" for every 4xx answer. The flow provokes exactly
  // two on purpose: 403 from the function gateway (no or revoked token) and 401 from the API (wrong
  // key). Anything else is a real console error.
  function isProvokedRefusal(message) {
    const match = /^Failed to load resource: the server responded with a status of (\d+)/.exec(message.text());
    if (!match) return false;
    const { pathname } = new URL(message.location().url, emulator.api_url);
    return Number(match[1]) === (pathname.startsWith("/fn/") ? 403 : 401);
  }

  const tokenRow = (description) => page.locator("#tokens-body tr", { hasText: description });
  const invokeStatus = () => page.locator("#invoke-status").textContent();

  async function setExpiry(offsetMs) {
    const value = await page.evaluate((offset) => {
      const date = new Date(Date.now() + offset);
      const pad = (n) => String(n).padStart(2, "0");
      return `${date.getFullYear()}-${pad(date.getMonth() + 1)}-${pad(date.getDate())}T${pad(date.getHours())}:${pad(date.getMinutes())}`;
    }, offsetMs);
    await page.getByLabel("Expiration date", { exact: true }).fill(value);
  }

  async function generate({ kind = "Legacy token", description, scope = "This function only", expiryMs = null }) {
    await page.getByLabel(kind).check();
    await page.getByLabel("Description", { exact: true }).fill(description);
    if (kind === "Legacy token") await page.getByLabel(scope).check();
    const noExpiry = page.getByLabel("No expiration date");
    if (expiryMs === null) await noExpiry.check();
    else {
      await noExpiry.uncheck();
      await setExpiry(expiryMs);
    }
    await page.getByRole("button", { name: kind === "Legacy token" ? "Generate token" : "Generate API key" }).click();
  }

  async function connectWith(secretKey) {
    await page.getByLabel("Secret key").fill(secretKey);
    await page.getByRole("button", { name: "Connect" }).click();
  }

  async function openFunctionSecurity() {
    await connectWith(emulator.secret_key);
    await page.getByRole("button", { name: /^Security and tokens of / }).first().click();
    await page.locator("#function").waitFor({ state: "visible" });
  }

  async function callWithToken(label) {
    const option = await page.locator("#invoke-token option", { hasText: label }).getAttribute("value");
    await page.locator("#invoke-token").selectOption(option);
    await page.getByRole("button", { name: "Call with token" }).click();
  }

  before(async () => {
    emulator = await startEmulator();
    browser = await chromium.launch({ executablePath: "/usr/bin/chromium", args: CHROMIUM_ARGS });
    const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
    await context.grantPermissions(["clipboard-read", "clipboard-write"], { origin: emulator.api_url });
    page = await context.newPage();
    const origin = new URL(emulator.api_url).origin;
    page.on("request", (request) => {
      if (new URL(request.url()).origin !== origin) foreignRequests.push(request.url());
    });
    page.on("console", (message) => {
      if (message.type() === "error" && !isProvokedRefusal(message)) consoleErrors.push(message.text());
    });
    page.on("pageerror", (error) => consoleErrors.push(`uncaught: ${error.message}`));
    await page.goto(`${emulator.api_url}/`);
    await page.locator("body[data-ready=true]").waitFor({ state: "attached" });
  });

  after(async () => {
    await browser?.close();
    await emulator?.stop();
  });

  test("a visitor of the local demo finds the API URL, the masked demo key and the region filled in", async () => {
    assert.equal(await page.getByLabel("API URL").inputValue(), emulator.api_url);
    const key = page.getByLabel("Secret key");
    assert.equal(await key.inputValue(), emulator.secret_key);
    assert.equal(await key.getAttribute("type"), "password");
    assert.equal(await page.getByLabel("Region").inputValue(), emulator.region);
    assert.equal(await page.locator("#connect-error").isHidden(), true, await page.locator("#connect-error").textContent());
  });

  test("connecting lists the namespace and its private function with the function's URL", async () => {
    await page.getByRole("button", { name: "Connect" }).click();
    const namespaces = page.locator("#namespaces");
    await namespaces.waitFor({ state: "visible" });
    const text = await namespaces.textContent();
    assert.match(text, /private/);
    assert.match(text, /https:\/\/[a-z0-9.-]+\.scw\.cloud/);
    await page.getByRole("button", { name: /^Security and tokens of / }).first().click();
    await page.locator("#function").waitFor({ state: "visible" });
    assert.match(await page.locator("#breadcrumb").textContent(), /Security/);
    assert.match(await page.locator("#invoke-url").textContent(), new RegExp(`/fn/${emulator.function_id}`));
  });

  test("the generate flow recommends an IAM API key and says why tokens are deprecated", async () => {
    assert.equal(await page.getByLabel("IAM API key (recommended)").isChecked(), true);
    assert.equal(await page.getByLabel("Legacy token").isChecked(), false);
    assert.match(await page.locator("#kind-hint").textContent(), /deprecated.*IAM API key/s);
    assert.equal(await page.getByLabel("This function only").isDisabled(), true, "a key covers the project");
    assert.equal(await page.getByRole("button", { name: "Generate API key" }).isVisible(), true);
    await page.getByLabel("Legacy token").check();
    assert.equal(await page.getByLabel("This function only").isDisabled(), false);
    assert.equal(await page.getByRole("button", { name: "Generate token" }).isVisible(), true);
  });

  test("a token generated with an expiry is shown once, copied to the clipboard and listed as expiring in 3 days", async () => {
    await generate({ description: "CI deploy job", expiryMs: 3 * 24 * 3600e3 + 5 * 60e3 });
    const dialog = page.getByRole("dialog", { name: "Copy your token" });
    await dialog.waitFor({ state: "visible" });
    assert.match(await dialog.textContent(), /will not be shown again/);
    const secret = await page.locator("#token-value").inputValue();
    assert.equal(secret.split(".").length, 3, "the token is a JWT");

    await dialog.getByRole("button", { name: "Copy" }).click();
    await eventually(async () => assert.match(await page.locator("#copy-status").textContent(), /Copied/));
    assert.equal(await page.evaluate(() => navigator.clipboard.readText()), secret);

    await dialog.getByRole("button", { name: "Close" }).click();
    await dialog.waitFor({ state: "hidden" });
    await eventually(async () =>
      assert.equal(await page.locator("#token-value").inputValue(), "", "the secret leaves the dialog when it closes"));

    await eventually(async () => {
      const row = await tokenRow("CI deploy job").textContent();
      assert.match(row, /Function/);
      assert.match(row, /expires in 3 days/);
      assert.match(row, /ready/);
    });
    assert.doesNotMatch(await page.locator("#tokens-table").textContent(), /<hidden>|eyJ/, "no secret in the list");
  });

  test("a namespace token generated with no expiration date is listed next to the first one", async () => {
    await generate({ description: "Nightly batch", scope: "Every function of the namespace" });
    const dialog = page.getByRole("dialog", { name: "Copy your token" });
    await dialog.waitFor({ state: "visible" });
    await page.keyboard.press("Escape");
    await dialog.waitFor({ state: "hidden" });
    await eventually(async () => {
      const row = await tokenRow("Nightly batch").textContent();
      assert.match(row, /Namespace/);
      assert.match(row, /No expiration date/);
      assert.match(row, /ready/);
    });
    assert.equal(await page.locator("#tokens-body tr").count(), 2);
  });

  test("calling the private function without a token is refused with 403, with a token it answers 200", async () => {
    await page.getByRole("button", { name: "Call without token" }).click();
    await eventually(async () => assert.match(await invokeStatus(), /^403/));
    assert.match(await page.locator("#invoke-auth").textContent(), /without token/);

    // The gateway answers slowly this once so that the busy state can be seen.
    await page.route("**/fn/**", async (route) => {
      await new Promise((resolve) => setTimeout(resolve, 500));
      await route.continue();
    });
    await page.getByLabel("Method").selectOption("POST");
    await page.getByLabel("Path", { exact: true }).fill("/orders?id=42");
    await page.getByLabel("Body", { exact: true }).fill('{"hello":"world"}');
    await callWithToken("CI deploy job");
    const button = page.getByRole("button", { name: "Call with token" });
    assert.equal(await button.getAttribute("aria-busy"), "true");
    assert.equal(await button.isDisabled(), true);
    await eventually(async () => assert.match(await invokeStatus(), /^200/));
    await page.unroute("**/fn/**");
    assert.equal(await button.isDisabled(), false);
    assert.match(await page.locator("#invoke-time").textContent(), /^\d+ ms$/);
    const body = await page.locator("#invoke-response").textContent();
    assert.match(body, /hello/);
    assert.match(body, /orders/);

    await callWithToken("Nightly batch");
    await eventually(async () => assert.match(await page.locator("#invoke-auth").textContent(), /Nightly batch/));
    assert.match(await invokeStatus(), /^200/);
  });

  test("the Security page reads well at 1280 px and at 375 px", async () => {
    await mkdir(screenshots, { recursive: true });
    await page.locator("#function-title").scrollIntoViewIfNeeded();
    await page.screenshot({ path: path.join(screenshots, "demo-desktop.png"), fullPage: true });

    await page.setViewportSize({ width: 375, height: 812 });
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth);
    assert.ok(overflow <= 375, `the page scrolls sideways at 375 px (${overflow} px wide)`);
    await page.screenshot({ path: path.join(screenshots, "demo-mobile.png"), fullPage: true });
    await page.setViewportSize({ width: 1280, height: 900 });
  });

  test("deleting a token asks first, then revokes it: calling with it is refused with 403 again", async () => {
    const dialog = page.getByRole("dialog", { name: "Delete this token?" });
    const remove = page.getByRole("button", { name: "Delete token CI deploy job" });

    await remove.focus();
    await page.keyboard.press("Enter");
    await dialog.waitFor({ state: "visible" });
    assert.match(await dialog.textContent(), /irreversible/);
    assert.match(await dialog.textContent(), /loses access/);
    await page.keyboard.press("Escape");
    await dialog.waitFor({ state: "hidden" });
    assert.equal(await tokenRow("CI deploy job").count(), 1, "cancelling keeps the token");

    await remove.click();
    await dialog.getByRole("button", { name: "Delete token" }).click();
    await eventually(async () => assert.equal(await tokenRow("CI deploy job").count(), 0));
    assert.equal(await tokenRow("Nightly batch").count(), 1);

    await callWithToken("CI deploy job (deleted)");
    await eventually(async () => assert.match(await page.locator("#invoke-auth").textContent(), /deleted/));
    assert.match(await invokeStatus(), /^403/);
  });

  test("an IAM API key is shown once, opens the function beside the tokens, and deleted is refused", async () => {
    await generate({ kind: "IAM API key (recommended)", description: "Edge worker", expiryMs: 24 * 3600e3 + 5 * 60e3 });
    const dialog = page.getByRole("dialog", { name: "Copy your API key secret" });
    await dialog.waitFor({ state: "visible" });
    assert.match(await dialog.textContent(), /API key secret will not be shown again/);
    const secret = await page.locator("#token-value").inputValue();
    assert.match(secret, /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/, "the secret is a UUID");
    await dialog.getByRole("button", { name: "Close" }).click();
    await dialog.waitFor({ state: "hidden" });
    await eventually(async () => {
      const row = await tokenRow("Edge worker").textContent();
      assert.match(row, /Project \(IAM API key\)/);
      assert.match(row, /expires tomorrow/);
    });
    assert.doesNotMatch(await page.locator("#tokens-table").textContent(), new RegExp(secret), "no secret in the list");

    await page.getByLabel("Method").selectOption("GET");
    await callWithToken("Edge worker (IAM API key)");
    await eventually(async () => assert.match(await page.locator("#invoke-auth").textContent(), /IAM API key “Edge worker”/));
    assert.match(await invokeStatus(), /^200/);
    await callWithToken("Nightly batch");
    await eventually(async () => assert.match(await page.locator("#invoke-auth").textContent(), /Nightly batch/));
    assert.match(await invokeStatus(), /^200/, "legacy tokens keep working beside keys");

    await page.getByRole("button", { name: "Delete API key Edge worker" }).click();
    const confirm = page.getByRole("dialog", { name: "Delete this API key?" });
    await confirm.waitFor({ state: "visible" });
    await confirm.getByRole("button", { name: "Delete API key" }).click();
    await eventually(async () => assert.equal(await tokenRow("Edge worker").count(), 0));
    await callWithToken("Edge worker (IAM API key) (deleted)");
    await eventually(async () => assert.match(await page.locator("#invoke-auth").textContent(), /Edge worker.*deleted/));
    assert.match(await invokeStatus(), /^403/);
  });

  test("an expiry in the past is refused inline, naming the error class", async () => {
    await generate({ description: "Too late", expiryMs: -24 * 3600e3 });
    const error = page.locator("#token-error");
    await error.waitFor({ state: "visible" });
    assert.match(await error.textContent(), /^(ValidationError|InvalidArgumentsError)\b.*expir/i);
    assert.equal(await page.getByRole("dialog", { name: "Copy your token" }).isHidden(), true);
    assert.equal(await tokenRow("Too late").count(), 0);
  });

  test("an empty secret key is refused inline, naming the error class", async () => {
    await connectWith("");
    const error = page.locator("#connect-error");
    await error.waitFor({ state: "visible" });
    assert.match(await error.textContent(), /^ValidationError\b.*secret/i);
    assert.equal(await page.locator("#namespaces").isHidden(), true);
  });

  test("a wrong secret key is refused inline as a DeniedAuthenticationError", async () => {
    await connectWith("00000000-0000-4000-8000-000000000000");
    const error = page.locator("#connect-error");
    await eventually(async () => assert.match(await error.textContent(), /^DeniedAuthenticationError \(401 denied_authentication\)/));
    assert.equal(await page.locator("#namespaces").isHidden(), true);
  });

  test("the right key connects again after a failure and clears the error", async () => {
    await openFunctionSecurity();
    assert.equal(await page.locator("#connect-error").isHidden(), true);
    assert.equal(await tokenRow("Nightly batch").count(), 1);
  });

  test("a keyboard user generates, copies and dismisses a token without the mouse", async () => {
    const noExpiry = page.getByLabel("No expiration date");
    await noExpiry.focus();
    if (!(await noExpiry.isChecked())) await page.keyboard.press("Space");
    assert.equal(await noExpiry.isChecked(), true);
    await page.getByLabel("Description", { exact: true }).focus();
    await page.keyboard.type("Keyboard only");
    await page.keyboard.press("Enter");
    const dialog = page.getByRole("dialog", { name: "Copy your token" });
    await dialog.waitFor({ state: "visible" });
    assert.equal(await page.evaluate(() => document.activeElement.id), "token-value", "focus lands on the token");
    await page.keyboard.press("Tab");
    assert.equal(await page.evaluate(() => document.activeElement.textContent), "Copy");
    await page.keyboard.press("Enter");
    await eventually(async () => assert.match(await page.locator("#copy-status").textContent(), /Copied/));
    await page.keyboard.press("Escape");
    await dialog.waitFor({ state: "hidden" });
    await eventually(async () =>
      assert.equal(await page.evaluate(() => document.activeElement.id), "token-description", "focus returns where it was"));
    await eventually(async () => assert.equal(await tokenRow("Keyboard only").count(), 1));
  });

  test("nothing left the page for another origin and the console stayed free of errors", () => {
    assert.deepEqual(foreignRequests, []);
    assert.deepEqual(consoleErrors, []);
  });
});
