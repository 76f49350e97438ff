// The demo page, driven in real Chromium against the real emulator, the way a user walks it:
// connect, open the function's Security page, make IAM API keys (always with an expiry), rotate
// and delete them, keep the legacy token flow complete, migrate from tokens to a key, and call the
// function with and without a credential. A second emulator plays an organisation in 2026: token
// creation refused, key expiry required, keys and tokens about to expire or expired. Then what
// `make demo` starts (scripts/demo-stack.mjs: the emulator and examples/edge-proxy, with IAM
// propagation on) tells the 2026 story: a direct call from the page's origin to the function's is
// blocked by the browser, the call through the proxy answers, the page never holds the proxy's key,
// and a new key shows as propagating until it is admitted. Last, `make demo`'s launcher
// (scripts/demo.mjs) stops everything it started.
import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { randomUUID } from "node:crypto";
import { createServer } from "node:net";
import { mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { chromium } from "playwright-core";
import { emulatorBin, startEmulator } from "../support/emulator.mjs";
import { freePort } from "../runtimes/helpers.mjs";
import { startDemo } from "../../scripts/demo-stack.mjs";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");
// The README's screenshots are refreshed with `SCREENSHOTS=docs make test-browser`; otherwise they
// go to a temporary folder, so that a test run leaves the checkout as it was.
const screenshots = path.resolve(root, process.env.SCREENSHOTS ?? path.join(os.tmpdir(), "scw-demo-screenshots"));
const CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
  "--disable-component-update", "--disable-sync", "--no-first-run"];
const DAY = 24 * 3600e3;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

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

/**
 * Chromium and a page on the emulator (at `url`, its root by default), recording console errors,
 * the requests the page sent to other origins, and the text of every answer it received.
 * Chromium logs "Failed to load resource" for every 4xx answer; the flows provoke a few on purpose:
 * 403 from the function gateway (no or revoked credential), 401 from the API (wrong key) and 412
 * from a refused token creation. A call the browser blocks on purpose (`blockedUrl`, a function on
 * another origin) is logged too. Anything else is a real console error.
 */
async function openDemo(emulator, { url = `${emulator.api_url}/`, blockedUrl } = {}) {
  const browser = await chromium.launch({ executablePath: "/usr/bin/chromium", args: CHROMIUM_ARGS });
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
  await context.grantPermissions(["clipboard-read", "clipboard-write"], { origin: emulator.api_url });
  const page = await context.newPage();
  const origin = new URL(emulator.api_url).origin;
  const consoleErrors = [];
  const foreignRequests = [];
  const received = [];
  const provoked = (message) => {
    if (blockedUrl && `${message.text()} ${message.location().url}`.includes(blockedUrl)) return true;
    const match = /^Failed to load resource: the server responded with a status of (\d+)/.exec(message.text());
    if (!match) return false;
    const { pathname } = new URL(message.location().url, emulator.api_url);
    const expected = pathname.startsWith("/fn/") ? 403 : pathname.endsWith("/tokens") ? 412 : 401;
    return Number(match[1]) === expected;
  };
  page.on("request", (request) => {
    if (new URL(request.url()).origin !== origin) foreignRequests.push(request);
  });
  page.on("response", (response) => {
    received.push(response.text().catch(() => ""));
  });
  page.on("console", (message) => {
    if (message.type() === "error" && !provoked(message)) consoleErrors.push(message.text());
  });
  page.on("pageerror", (error) => consoleErrors.push(`uncaught: ${error.message}`));
  await page.goto(url);
  await page.locator("body[data-ready=true]").waitFor({ state: "attached" });
  return { browser, page, consoleErrors, foreignRequests, received: () => Promise.all(received) };
}

/** What a user does on the page, as steps the tests share. */
function steps(page) {
  const keyRow = (description) => page.locator("#keys-body tr", { hasText: description });
  const tokenRow = (description) => page.locator("#tokens-body tr", { hasText: description });
  const invokeStatus = () => page.locator("#invoke-status").textContent();
  const invokeAuth = () => page.locator("#invoke-auth").textContent();
  const dialog = (name) => page.getByRole("dialog", { name });

  async function setExpiry(input, offsetMs) {
    const value = await page.evaluate((offset) => {
      const date = new Date(Date.now() + offset);
      const pad = (n) => String(n).padStart(2, "0");
      return `${date.getFullYear()}-${pad(date.getMonth() + 1)}-${pad(date.getDate())}T${pad(date.getHours())}:${pad(date.getMinutes())}`;
    }, offsetMs);
    await input.fill(value);
  }

  /** Fills and submits "Generate a credential"; `expiryMs` null ticks "No expiration date" (tokens only). */
  async function generate({ kind = "key", description, scope = "This function only", expiryMs }) {
    await page.getByRole("radio", { name: kind === "key" ? "IAM API key (recommended)" : "Legacy token (deprecated by Scaleway in 2026)" }).check();
    await page.getByLabel("Description", { exact: true }).fill(description);
    if (kind === "token") {
      await page.getByLabel(scope).check();
      const noExpiry = page.getByLabel("No expiration date");
      if (expiryMs === null) await noExpiry.check();
      else await noExpiry.uncheck();
    }
    if (expiryMs !== undefined && expiryMs !== null) await setExpiry(page.getByLabel("Expiration date", { exact: true }), expiryMs);
    await page.getByRole("button", { name: kind === "key" ? "Generate API key" : "Generate token" }).click();
  }

  /** Reads the secret shown once, closes the dialog and checks that the secret left the page. */
  async function takeSecret(title) {
    const shown = dialog(title);
    await shown.waitFor({ state: "visible" });
    assert.match(await shown.textContent(), /will not be shown again/);
    const secret = await page.locator("#token-value").inputValue();
    await shown.getByRole("button", { name: "Close" }).click();
    await shown.waitFor({ state: "hidden" });
    await eventually(async () => assert.equal(await page.locator("#token-value").inputValue(), ""));
    return secret;
  }

  async function connectWith(secretKey) {
    await page.getByLabel("Secret key").fill(secretKey);
    await page.getByRole("button", { name: "Connect" }).click();
  }

  async function openFunctionSecurity(secretKey) {
    await connectWith(secretKey);
    await page.getByRole("button", { name: /^Security and credentials of / }).first().click();
    await page.locator("#function").waitFor({ state: "visible" });
  }

  /** Calls the function with a credential of this session (its option text contains `label`). */
  async function callWith(label) {
    const option = await page.locator("#invoke-credential option", { hasText: label }).first().getAttribute("value");
    await page.locator("#invoke-credential").selectOption(option);
    await page.getByRole("button", { name: "Call with credential" }).click();
  }

  async function callWithPasted(secret) {
    await page.locator("#invoke-credential").selectOption("paste");
    await page.getByLabel("Pasted secret").fill(secret);
    await page.getByRole("button", { name: "Call with credential" }).click();
  }

  async function confirmDeletion(rowButton, title, action) {
    await rowButton.click();
    const confirm = dialog(title);
    await confirm.waitFor({ state: "visible" });
    assert.match(await confirm.textContent(), /irreversible/);
    await confirm.getByRole("button", { name: action }).click();
    await confirm.waitFor({ state: "hidden" });
  }

  return { keyRow, tokenRow, invokeStatus, invokeAuth, dialog, setExpiry, generate, takeSecret, connectWith,
    openFunctionSecurity, callWith, callWithPasted, confirmDeletion };
}

describe("the demo page", () => {
  let emulator;
  let demo;
  let page;
  let user;

  before(async () => {
    emulator = await startEmulator();
    demo = await openDemo(emulator);
    page = demo.page;
    user = steps(page);
  });

  after(async () => {
    await demo?.browser.close();
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
    await page.getByRole("button", { name: /^Security and credentials of / }).first().click();
    await page.locator("#function").waitFor({ state: "visible" });
    assert.match(await page.locator("#breadcrumb").textContent(), /Security/);
    assert.match(await page.locator("#route-hint").textContent(), new RegExp(`${emulator.api_url}/fn/${emulator.function_id} on this page's own origin`));
    await eventually(async () => assert.match(await page.locator("#keys-body").textContent(), /No IAM API key/));
  });

  test("the generate form leads with an IAM API key that always expires, 30 days ahead unless changed", async () => {
    assert.equal(await page.getByLabel("IAM API key (recommended)").isChecked(), true);
    assert.equal(await page.getByLabel("Legacy token (deprecated by Scaleway in 2026)").isChecked(), false);
    assert.match(await page.locator("#kind-hint").textContent(), /deprecated.*IAM API key/s);
    assert.equal(await page.getByLabel("No expiration date").isVisible(), false, "a key is never offered no expiry");
    assert.equal(await page.getByLabel("This function only").isVisible(), false, "a key covers the project");
    const expiry = await page.getByLabel("Expiration date", { exact: true }).inputValue();
    const days = (new Date(expiry) - Date.now()) / DAY;
    assert.ok(days > 29.9 && days <= 30, `default expiry ${expiry}`);
    assert.equal(await page.getByRole("button", { name: "Generate API key" }).isVisible(), true);

    await page.getByRole("radio", { name: "Legacy token (deprecated by Scaleway in 2026)" }).check();
    assert.equal(await page.getByLabel("No expiration date").isVisible(), true);
    assert.equal(await page.getByLabel("This function only").isEnabled(), true);
    assert.equal(await page.getByRole("button", { name: "Generate token" }).isVisible(), true);
    await page.getByLabel("IAM API key (recommended)").check();
  });

  test("an IAM API key is shown once, copied, and listed with its expiry and without its secret", async () => {
    await user.generate({ description: "Edge worker" });
    const shown = user.dialog("Copy your API key secret");
    await shown.waitFor({ state: "visible" });
    const secret = await page.locator("#token-value").inputValue();
    assert.match(secret, UUID, "the secret is a UUID");
    await shown.getByRole("button", { name: "Copy" }).click();
    await eventually(async () => assert.match(await page.locator("#copy-status").textContent(), /Copied/));
    assert.equal(await page.evaluate(() => navigator.clipboard.readText()), secret);
    assert.equal(await user.takeSecret("Copy your API key secret"), secret);

    await eventually(async () => {
      const row = await user.keyRow("Edge worker").textContent();
      assert.match(row, /SCW[A-Z0-9]{17}/);
      assert.match(row, /expires in (30 days|1 month|next month)/);
      assert.doesNotMatch(row, /Expires soon/);
    });
    assert.doesNotMatch(await page.locator("#keys-table").textContent(), new RegExp(secret), "no secret in the list");
    assert.equal(await page.locator("#expiry-warning").isHidden(), true);
  });

  test("calling the private function without a credential is refused with 403, with the key it answers 200", async () => {
    await page.getByRole("button", { name: "Call without credential" }).click();
    await eventually(async () => assert.match(await user.invokeStatus(), /^403/));
    assert.match(await user.invokeAuth(), /without credential/);
    assert.match(await page.locator("#invoke-explain").textContent(), /^The gateway refused the call: Activity gives the reason/);

    // The gateway answers slowly this once so that the busy state can be seen.
    await page.route("**/fn/**", async (route) => {
      await new Promise((resolve) => setTimeout(resolve, 500));
      await route.continue();
    });
    await page.getByLabel("Method").selectOption("POST");
    await page.getByLabel("Path", { exact: true }).fill("/orders?id=42");
    await page.getByLabel("Body", { exact: true }).fill('{"hello":"world"}');
    await user.callWith("Edge worker");
    const button = page.getByRole("button", { name: "Call with credential" });
    assert.equal(await button.getAttribute("aria-busy"), "true");
    assert.equal(await button.isDisabled(), true);
    await eventually(async () => assert.match(await user.invokeStatus(), /^200/));
    await page.unroute("**/fn/**");
    assert.equal(await button.isDisabled(), false);
    assert.match(await page.locator("#invoke-time").textContent(), /^\d+ ms$/);
    assert.match(await user.invokeAuth(), /IAM API key “Edge worker”/);
    const body = await page.locator("#invoke-response").textContent();
    assert.match(body, /hello/);
    assert.match(body, /orders/);
    await page.getByLabel("Method").selectOption("GET");
  });

  test("a key expiring within 7 days is flagged in its row and in a warning above the lists", async () => {
    await user.generate({ description: "Short-lived", expiryMs: 3 * DAY + 5 * 60e3 });
    await user.takeSecret("Copy your API key secret");
    await eventually(async () => {
      const row = await user.keyRow("Short-lived").textContent();
      assert.match(row, /expires in 3 days/);
      assert.match(row, /Expires soon/);
    });
    assert.match(await page.locator("#expiry-warning").textContent(), /^1 IAM API key expires within 7 days: rotate the keys\.$/);
  });

  test("rotating a key shows the new secret once and keeps the old key until asked to delete it", async () => {
    await user.keyRow("Edge worker").getByRole("button", { name: "Rotate API key Edge worker" }).click();
    const rotate = user.dialog("Rotate this API key?");
    await rotate.waitFor({ state: "visible" });
    assert.equal(await page.evaluate(() => document.activeElement.id), "rotate-expiry", "focus moves into the dialog");
    assert.equal(await page.getByLabel("Delete the old key now").isChecked(), false);
    await rotate.getByRole("button", { name: "Rotate key" }).click();
    const rotated = await user.takeSecret("Copy your API key secret");
    assert.match(rotated, UUID);
    await eventually(async () => assert.equal(await user.keyRow("Edge worker").count(), 2, "old and new key"));

    const options = await page.locator("#invoke-credential option", { hasText: "Edge worker" }).allTextContents();
    assert.equal(options.length, 2, "both keys can be called with");
    await page.locator("#invoke-credential").selectOption({ label: options[1] });
    await page.getByRole("button", { name: "Call with credential" }).click();
    await eventually(async () => assert.match(await user.invokeStatus(), /^200/));

    // Rotate the first key again, this time deleting it: its callers are refused from now on.
    const first = options[0].match(/SCW[A-Z0-9]{17}/)[0];
    await page.locator(`#keys-body tr[data-access-key="${first}"]`).getByRole("button", { name: /^Rotate/ }).click();
    await rotate.waitFor({ state: "visible" });
    await page.getByLabel("Delete the old key now").check();
    await rotate.getByRole("button", { name: "Rotate key" }).click();
    await user.takeSecret("Copy your API key secret");
    await eventually(async () => {
      assert.equal(await page.locator(`#keys-body tr[data-access-key="${first}"]`).count(), 0);
      assert.equal(await user.keyRow("Edge worker").count(), 2);
    });
    await user.callWith(`${first}) (deleted)`);
    await eventually(async () => assert.match(await user.invokeAuth(), /Edge worker.*deleted/));
    assert.match(await user.invokeStatus(), /^403/);
  });

  test("deleting a key asks first, then revokes it: calling with it is refused with 403", async () => {
    const remove = user.keyRow("Short-lived").getByRole("button", { name: "Delete API key Short-lived" });
    await remove.focus();
    await page.keyboard.press("Enter");
    const confirm = user.dialog("Delete this API key?");
    await confirm.waitFor({ state: "visible" });
    await page.keyboard.press("Escape");
    await confirm.waitFor({ state: "hidden" });
    assert.equal(await user.keyRow("Short-lived").count(), 1, "cancelling keeps the key");
    assert.equal(await page.evaluate(() => document.activeElement.getAttribute("aria-label")), "Delete API key Short-lived");

    await user.confirmDeletion(remove, "Delete this API key?", "Delete API key");
    await eventually(async () => assert.equal(await user.keyRow("Short-lived").count(), 0));
    assert.equal(await page.locator("#expiry-warning").isHidden(), true, "nothing expires soon any more");
    await user.callWith("Short-lived");
    await eventually(async () => assert.match(await user.invokeAuth(), /Short-lived.*deleted/));
    assert.match(await user.invokeStatus(), /^403/);
  });

  test("a legacy token generated with an expiry is shown once, copied and listed as expiring soon", async () => {
    await user.generate({ kind: "token", description: "CI deploy job", expiryMs: 3 * DAY + 5 * 60e3 });
    const shown = user.dialog("Copy your token");
    await shown.waitFor({ state: "visible" });
    const secret = await page.locator("#token-value").inputValue();
    assert.equal(secret.split(".").length, 3, "the token is a JWT");
    await shown.getByRole("button", { name: "Copy" }).click();
    await eventually(async () => assert.equal(await page.evaluate(() => navigator.clipboard.readText()), secret));
    await user.takeSecret("Copy your token");

    await eventually(async () => {
      const row = await user.tokenRow("CI deploy job").textContent();
      assert.match(row, /Function/);
      assert.match(row, /expires in 3 days/);
      assert.match(row, /Expires soon/);
      assert.match(row, /ready/);
    });
    assert.doesNotMatch(await page.locator("#tokens-table").textContent(), /<hidden>|eyJ/, "no secret in the list");
    assert.match(await page.locator("#expiry-warning").textContent(), /^1 legacy token expires within 7 days: replace the tokens with keys\.$/);
  });

  test("a namespace token with no expiration date is listed next to it, and both open the function", async () => {
    await user.generate({ kind: "token", description: "Nightly batch", scope: "Every function of the namespace", expiryMs: null });
    await user.dialog("Copy your token").waitFor({ state: "visible" });
    await page.keyboard.press("Escape");
    await eventually(async () => {
      const row = await user.tokenRow("Nightly batch").textContent();
      assert.match(row, /Namespace/);
      assert.match(row, /No expiration date/);
      assert.match(row, /ready/);
    });
    assert.equal(await page.locator("#tokens-body tr").count(), 2);

    await user.callWith("CI deploy job");
    await eventually(async () => assert.match(await user.invokeAuth(), /legacy token “CI deploy job”/));
    assert.match(await user.invokeStatus(), /^200/);
    await user.callWith("Nightly batch");
    await eventually(async () => assert.match(await user.invokeAuth(), /Nightly batch/));
    assert.match(await user.invokeStatus(), /^200/, "legacy tokens keep working beside keys");
  });

  test("deleting a token asks first, then revokes it: calling with it is refused with 403 again", async () => {
    const remove = page.getByRole("button", { name: "Delete token CI deploy job" });
    await remove.click();
    const confirm = user.dialog("Delete this token?");
    await confirm.waitFor({ state: "visible" });
    assert.match(await confirm.textContent(), /loses access/);
    await confirm.getByRole("button", { name: "Cancel" }).click();
    assert.equal(await user.tokenRow("CI deploy job").count(), 1, "cancelling keeps the token");

    await user.confirmDeletion(remove, "Delete this token?", "Delete token");
    await eventually(async () => assert.equal(await user.tokenRow("CI deploy job").count(), 0));
    assert.equal(await user.tokenRow("Nightly batch").count(), 1);
    await user.callWith("CI deploy job");
    await eventually(async () => assert.match(await user.invokeAuth(), /CI deploy job.*deleted/));
    assert.match(await user.invokeStatus(), /^403/);
  });

  test("an expiry in the past is refused inline, naming the error class", async () => {
    await user.generate({ description: "Too late", expiryMs: -DAY });
    const error = page.locator("#credential-error");
    await error.waitFor({ state: "visible" });
    assert.match(await error.textContent(), /^(ValidationError|InvalidArgumentsError)\b.*expir/i);
    assert.equal(await user.dialog("Copy your API key secret").isHidden(), true);
    assert.equal(await user.keyRow("Too late").count(), 0);
  });

  test("an empty secret key is refused inline, naming the error class", async () => {
    await user.connectWith("");
    const error = page.locator("#connect-error");
    await error.waitFor({ state: "visible" });
    assert.match(await error.textContent(), /^ValidationError\b.*secret/i);
    assert.equal(await page.locator("#namespaces").isHidden(), true);
  });

  test("a wrong secret key is refused inline as a DeniedAuthenticationError", async () => {
    await user.connectWith("00000000-0000-4000-8000-000000000000");
    const error = page.locator("#connect-error");
    await eventually(async () => assert.match(await error.textContent(), /^DeniedAuthenticationError \(401 denied_authentication\)/));
    assert.equal(await page.locator("#namespaces").isHidden(), true);
  });

  test("the right key connects again after a failure and clears the error", async () => {
    await user.openFunctionSecurity(emulator.secret_key);
    assert.equal(await page.locator("#connect-error").isHidden(), true);
    await eventually(async () => assert.equal(await user.tokenRow("Nightly batch").count(), 1));
  });

  test("a keyboard user generates, copies and dismisses a key without the mouse", async () => {
    await page.getByLabel("IAM API key (recommended)").check();
    await user.setExpiry(page.getByLabel("Expiration date", { exact: true }), 30 * DAY);
    await page.getByLabel("Description", { exact: true }).focus();
    await page.keyboard.type("Keyboard only");
    await page.keyboard.press("Enter");
    const dialog = user.dialog("Copy your API key secret");
    await dialog.waitFor({ state: "visible" });
    assert.equal(await page.evaluate(() => document.activeElement.id), "token-value", "focus lands on the secret");
    await page.keyboard.press("Tab");
    assert.equal(await page.evaluate(() => document.activeElement.textContent), "Copy");
    await page.keyboard.press("Enter");
    await eventually(async () => assert.match(await page.locator("#copy-status").textContent(), /Copied/));
    await page.keyboard.press("Escape");
    await dialog.waitFor({ state: "hidden" });
    await eventually(async () =>
      assert.equal(await page.evaluate(() => document.activeElement.id), "credential-description", "focus returns where it was"));
    await eventually(async () => assert.equal(await user.keyRow("Keyboard only").count(), 1));
  });

  test("nothing left the page for another origin and the console stayed free of errors", () => {
    assert.deepEqual(demo.foreignRequests.map((request) => request.url()), []);
    assert.deepEqual(demo.consoleErrors, []);
  });
});

describe("the demo for an organisation in 2026: tokens no longer created, keys that must expire", () => {
  const projectId = randomUUID();
  const organizationId = randomUUID();
  const functionId = randomUUID();
  const namespaceId = randomUUID();
  const applicationId = randomUUID();
  const at = (offsetMs) => new Date(Date.now() + offsetMs).toISOString();
  const token = (description, expiresMs, scope = { function_id: functionId }) =>
    ({ id: randomUUID(), ...scope, description, expires_at: expiresMs === null ? null : at(expiresMs) });
  const tokens = [
    token("Old CI job", null),
    token("Cron", 3 * DAY),
    token("Webhook", -DAY),
    token("Shared batch", null, { namespace_id: namespaceId }),
  ];
  let oldCiJwt;
  let folder;
  let emulator;
  let demo;
  let page;
  let user;

  before(async () => {
    folder = await mkdtemp(path.join(os.tmpdir(), "scw-demo-2026-"));
    const seed = path.join(folder, "seed.json");
    await writeFile(seed, JSON.stringify({
      project_id: projectId,
      organization_id: organizationId,
      namespaces: [{ id: namespaceId, name: "shop", region: "fr-par",
        functions: [{ id: functionId, name: "cart", privacy: "private" }] }],
      // The application and policy `createFunctionAccessKey` would have made, so that the keys are listed.
      applications: [{ id: applicationId, name: `functions-${projectId}`, description: "partner" }],
      policies: [{ name: "partner-call", application_id: applicationId,
        rules: [{ permission_set_names: ["FunctionsPrivateAccess"], project_ids: [projectId] }] }],
      api_keys: [
        { access_key: "SCWPARTNEROLD0000001", secret_key: randomUUID(), application_id: applicationId,
          description: "Partner (2025)", expires_at: at(-2 * DAY) },
        { access_key: "SCWPARTNERNEW0000002", secret_key: randomUUID(), application_id: applicationId,
          description: "Partner", expires_at: at(2 * DAY) },
      ],
      tokens,
    }));
    emulator = await startEmulator(["--seed", seed, "--legacy-token-creation", "refuse", "--require-key-expiry"]);
    demo = await openDemo(emulator);
    page = demo.page;
    user = steps(page);
    await user.openFunctionSecurity(emulator.secret_key);
  });

  after(async () => {
    await demo?.browser.close();
    await emulator?.stop();
    if (folder) await rm(folder, { recursive: true, force: true });
  });

  /** The JWT of a seeded token, as its owner kept it when it was made. */
  async function seededJwt(id) {
    const response = await fetch(`${emulator.api_url}/emulator/seeded-tokens`, { headers: { "X-Auth-Token": emulator.secret_key } });
    const { tokens: alive } = await response.json();
    return alive.find((seeded) => seeded.id === id).token;
  }

  test("keys are listed with their expiry, expired ones marked, and those expiring within 7 days flagged", async () => {
    await eventually(async () => {
      const partner = await user.keyRow("SCWPARTNERNEW0000002").textContent();
      assert.match(partner, /expires in 2 days/);
      assert.match(partner, /Expires soon/);
    });
    const old = await user.keyRow("Partner (2025)").textContent();
    assert.match(old, /Expired/);
    assert.doesNotMatch(old, /Expires soon/);
    assert.match(await user.tokenRow("Cron").textContent(), /Expires soon/);
    assert.match(await user.tokenRow("Webhook").textContent(), /Expired/);
    assert.match(await user.tokenRow("Old CI job").textContent(), /No expiration date/);
    assert.equal(await page.locator("#expiry-warning").textContent(),
      "1 IAM API key and 1 legacy token expire within 7 days: rotate the keys, replace the tokens with keys. " +
      "1 IAM API key and 1 legacy token have expired.");
  });

  test("a legacy token that still exists opens the function; without it the call is refused", async () => {
    oldCiJwt = await seededJwt(tokens[0].id);
    await user.callWithPasted(oldCiJwt);
    await eventually(async () => assert.match(await user.invokeAuth(), /pasted secret/));
    assert.match(await user.invokeStatus(), /^200/);
    await page.getByRole("button", { name: "Call without credential" }).click();
    await eventually(async () => assert.match(await user.invokeStatus(), /^403/));
  });

  test("creating a legacy token is refused inline with the API's own message", async () => {
    await user.generate({ kind: "token", description: "One more", expiryMs: 5 * DAY });
    const error = page.locator("#credential-error");
    await error.waitFor({ state: "visible" });
    assert.match(await error.textContent(), /precondition_failed.*creating function tokens is disabled: call private functions with IAM API keys/);
    assert.equal(await user.dialog("Copy your token").isHidden(), true);
    assert.equal(await user.tokenRow("One more").count(), 0);
  });

  test("the Migrate step makes a key with an expiry, then deletes the function's legacy tokens once confirmed", async () => {
    const remove = page.getByRole("button", { name: "Delete 3 legacy tokens…" });
    assert.equal(await remove.isEnabled(), true, "the project already has a live key");
    assert.match(await page.locator("#migrate-delete-hint").textContent(), /3 legacy tokens of this function are left.*1 namespace token/);

    await page.getByRole("button", { name: "Make the key" }).click();
    const secret = await user.takeSecret("Copy your API key secret");
    assert.match(secret, UUID);
    await eventually(async () => assert.match(await user.keyRow("Replaces the legacy tokens of cart").textContent(), /expires in (30 days|1 month|next month)/));

    await remove.click();
    const confirm = user.dialog("Delete 3 legacy tokens of cart?");
    await confirm.waitFor({ state: "visible" });
    const listed = await confirm.locator("li").allTextContents();
    assert.deepEqual(listed, ["Old CI job", "Cron", "Webhook"]);
    await confirm.getByRole("button", { name: "Cancel" }).click();
    await confirm.waitFor({ state: "hidden" });
    assert.equal(await user.tokenRow("Old CI job").count(), 1, "cancelling keeps the tokens");

    await user.confirmDeletion(remove, "Delete 3 legacy tokens of cart?", "Delete 3 tokens");
    await eventually(async () => assert.match(await page.locator("#migrate-status").textContent(), /Deleted 3 legacy tokens of cart/));
    assert.equal(await page.locator("#tokens-body tr").count(), 1);
    assert.equal(await user.tokenRow("Shared batch").count(), 1, "the namespace token stays");
    assert.equal(await page.getByRole("button", { name: "Delete legacy tokens…" }).isDisabled(), true);

    await user.callWith("Replaces the legacy tokens of cart");
    await eventually(async () => assert.match(await user.invokeAuth(), /IAM API key “Replaces the legacy tokens of cart”/));
    assert.match(await user.invokeStatus(), /^200/);
  });

  test("a token deleted by the migration no longer opens the function", async () => {
    await user.callWithPasted(oldCiJwt);
    await eventually(async () => assert.match(await user.invokeAuth(), /pasted secret/));
    await eventually(async () => assert.match(await user.invokeStatus(), /^403/));
  });

  test("nothing left the page for another origin and the console stayed free of errors", () => {
    assert.deepEqual(demo.foreignRequests.map((request) => request.url()), []);
    assert.deepEqual(demo.consoleErrors, []);
  });
});

describe("the 2026 story, as make demo starts it: the edge proxy, a page on another origin, keys that propagate", () => {
  const PROPAGATION_S = 8;
  const ROUTES = {
    proxy: "Through the edge proxy (recommended)",
    direct: "Directly, from this page's origin",
    sameOrigin: "On the emulator's own origin (as a server calls it)",
  };
  let demo;
  let browserDemo;
  let page;
  let user;
  let crossOriginFunction;

  before(async () => {
    demo = await startDemo({
      emulatorBin, port: 0, proxyPort: await freePort(), quiet: true,
      emulatorArgs: ["--iam-propagation", `${PROPAGATION_S}s`],
    });
    const functionUrl = new URL(demo.emulator.function_url);
    functionUrl.hostname = "localhost";
    crossOriginFunction = functionUrl.href;
    browserDemo = await openDemo(demo.emulator, { url: demo.pageUrl, blockedUrl: new URL(crossOriginFunction).origin });
    page = browserDemo.page;
    user = steps(page);
    await user.openFunctionSecurity(demo.emulator.secret_key);
  });

  after(async () => {
    await browserDemo?.browser.close();
    await demo?.stop();
  });

  /** The gateway's log of calls to the function, oldest first. */
  async function functionCalls() {
    const { requests } = await (await fetch(`${demo.emulator.api_url}/emulator/requests`)).json();
    return requests.filter((entry) => entry.path.startsWith(`/fn/${demo.emulator.function_id}`));
  }

  test("the page says it is the emulator's console, that its secret key is the emulator's, and how to do it against Scaleway", async () => {
    const notice = await page.locator("#console-notice").innerText();
    assert.match(notice, /This is the console of scw-emulator/);
    assert.match(notice, /secret key below is the emulator's own.*opens nothing on Scaleway/s);
    assert.match(notice, /from a server/);
    assert.match(notice, /through an edge proxy that holds its key/);
    assert.match(await page.locator("#secret-key-hint").textContent(), /emulator's secret key\. Never type a Scaleway secret key into a web page/);
  });

  test("an API on another origin, as Scaleway's is for any page, is blocked, and the error says to call it from a server", async () => {
    const elsewhere = new URL(crossOriginFunction).origin;
    await page.getByLabel("API URL").fill(elsewhere);
    await page.getByRole("button", { name: "Connect" }).click();
    const error = page.locator("#connect-error");
    await eventually(async () => assert.match(await error.textContent(),
      new RegExp(`no answer from ${elsewhere}: Scaleway's API answers no page on another origin.*from a server`)));
    await page.getByLabel("API URL").fill(demo.emulator.api_url);
    await user.openFunctionSecurity(demo.emulator.secret_key);
  });

  test("a new key is shown as propagating until every IAM instance admits it", async () => {
    await user.generate({ description: "Fresh key" });
    await user.takeSecret("Copy your API key secret");
    const fresh = user.keyRow("Fresh key");
    await eventually(async () => assert.match(await fresh.textContent(), /Propagating.*calls may be refused until \d/));
    await eventually(async () => assert.doesNotMatch(await fresh.textContent(), /Propagating/), (PROPAGATION_S + 5) * 1000);
    assert.match(await fresh.textContent(), /SCW[A-Z0-9]{17}/);
  });

  test("a direct call from the page's origin to the function's is blocked by the browser, and the panel says why", async () => {
    await page.getByRole("radio", { name: ROUTES.direct }).check();
    const hint = await page.locator("#route-hint").textContent();
    assert.ok(hint.includes(crossOriginFunction) && hint.includes(new URL(demo.emulator.api_url).origin), hint);
    const before = (await functionCalls()).length;
    await user.callWith("Fresh key");
    await eventually(async () => assert.equal(await user.invokeStatus(), "Blocked by the browser"));
    assert.match(await user.invokeAuth(), /from another origin, with IAM API key “Fresh key”/);
    const explanation = await page.locator("#invoke-explain").textContent();
    assert.match(explanation, /CORS preflight.*never carries a credential.*refuses it with 403, as Scaleway's does.*never sent/s);
    assert.match(explanation, /through a proxy that holds its key, or from a server/);

    // What reached the gateway: the preflight, without credential, refused; never the call itself.
    await eventually(async () => {
      const calls = (await functionCalls()).slice(before);
      assert.deepEqual(calls.map(({ method, status, reason }) => [method, status, reason]), [["OPTIONS", 403, "missing"]]);
    });
    const preflight = page.locator("#activity-rows tr", { hasText: `OPTIONS /fn/${demo.emulator.function_id}` }).first();
    await eventually(async () => assert.match(await preflight.textContent(), /403.*no credential/));
  });

  test("through the proxy the call answers 200, and Activity names the proxy's key, admitted by the gateway", async () => {
    const proxyKey = user.keyRow("Edge proxy of the demo");
    await eventually(async () => assert.match(await proxyKey.textContent(), new RegExp(demo.key.accessKey)));
    await eventually(async () => assert.doesNotMatch(await proxyKey.textContent(), /Propagating/), (PROPAGATION_S + 5) * 1000);

    await page.getByRole("radio", { name: ROUTES.proxy }).check();
    assert.equal(await page.getByLabel("Proxy URL").inputValue(), demo.proxy.url);
    assert.equal(await page.getByLabel("App key").inputValue(), demo.proxy.appKey);
    assert.equal(await page.getByLabel("Credential", { exact: true }).isVisible(), false, "the page picks no credential for the proxy");
    await page.getByLabel("Path", { exact: true }).fill("/orders?id=42");
    await page.getByRole("button", { name: "Call through the proxy" }).click();
    await eventually(async () => assert.match(await user.invokeStatus(), /^200/));
    assert.match(await user.invokeAuth(), /through the edge proxy, with the page's app key only/);
    assert.match(await page.locator("#invoke-explain").textContent(), /added its IAM API key.*this page sent only its app key/s);
    const echo = JSON.parse(await page.locator("#invoke-response").textContent());
    assert.deepEqual([echo.method, echo.path, echo.query], ["GET", "/orders", "id=42"]);

    const proxied = page.locator("#activity-rows tr", { hasText: `GET /fn/${demo.emulator.function_id}/orders` }).first();
    await eventually(async () => {
      const text = await proxied.textContent();
      assert.match(text, /200/);
      assert.ok(text.includes(`${demo.key.accessKey} (Edge proxy of the demo)`), text);
    });
    const [logged] = (await functionCalls()).filter((entry) => entry.path.endsWith("/orders")).slice(-1);
    assert.deepEqual(logged.credential, { access_key: demo.key.accessKey });
  });

  test("the page never held the proxy's key: not in its DOM, its state, its storage, its requests or their answers", async () => {
    const secret = demo.key.secretKey;
    const held = await page.evaluate(async () => {
      const { session, state } = await import("/store.js");
      const fields = [...document.querySelectorAll("input, textarea, select")].map((field) => field.value);
      return JSON.stringify({
        html: document.documentElement.outerHTML, fields,
        session: session.entries(), state: { ...state, client: null, pkg: null },
        storage: [{ ...localStorage }, { ...sessionStorage }], cookies: document.cookie,
      });
    });
    assert.ok(!held.includes(secret), "the page holds the proxy's secret");
    assert.ok(held.includes(demo.proxy.appKey), "the check looks where the page keeps what it has");
    for (const request of browserDemo.foreignRequests) {
      const sent = JSON.stringify([request.url(), await request.allHeaders(), request.postData()]);
      assert.ok(!sent.includes(secret), `${request.url()} carried the proxy's secret`);
    }
    const answers = await browserDemo.received();
    assert.ok(answers.length > 0 && answers.every((text) => !text.includes(secret)), "an answer carried the proxy's secret");
  });

  test("only the proxy and the blocked function were called on other origins, and the console shows nothing else", () => {
    const origins = new Set(browserDemo.foreignRequests.map((request) => new URL(request.url()).origin));
    assert.deepEqual([...origins].sort(), [new URL(crossOriginFunction).origin, demo.proxy.url].sort());
    assert.deepEqual(browserDemo.consoleErrors, []);
  });

  test("the page opened on localhost works the same: its API on its own origin, the proxy allowing it", async () => {
    const other = await page.context().newPage();
    try {
      await other.goto(demo.pageUrl.replace("127.0.0.1", "localhost"));
      await other.locator("body[data-ready=true]").waitFor({ state: "attached" });
      assert.equal(await other.getByLabel("API URL").inputValue(), `http://localhost:${new URL(demo.emulator.api_url).port}`);
      await steps(other).openFunctionSecurity(demo.emulator.secret_key);
      await other.getByRole("button", { name: "Call through the proxy" }).click();
      await eventually(async () => assert.match(await other.locator("#invoke-status").textContent(), /^200/));
    } finally {
      await other.close();
    }
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
});

describe("make demo's launcher (scripts/demo.mjs): what it starts, it stops", () => {
  /** Runs the launcher in a process group of its own, as a terminal runs `make demo`. */
  function launch(args) {
    const child = spawn(process.execPath, [path.join(root, "scripts/demo.mjs"), "--emulator", emulatorBin, "--port", "0", ...args],
      { cwd: root, detached: true, stdio: ["ignore", "pipe", "pipe"] });
    let out = "";
    let err = "";
    child.stdout.on("data", (chunk) => (out += chunk));
    child.stderr.on("data", (chunk) => (err += chunk));
    const exited = new Promise((resolve) => child.once("exit", (code, signal) => resolve(code ?? signal)));
    return { child, exited, out: () => out, err: () => err };
  }

  /** The value of a banner row, e.g. "Edge proxy". */
  const row = (banner, label) => new RegExp(`^  ${label} +(\\S+)`, "m").exec(banner)?.[1];

  const answers = (url) => fetch(url).then(() => true, () => false);

  async function startedDemo(emulatorFlags = []) {
    const demo = launch(["--proxy-port", String(await freePort()), "--", ...emulatorFlags]);
    await eventually(() => assert.match(demo.out(), /Ctrl-C stops/, demo.err()), 30_000);
    const urls = { api: row(demo.out(), "API URL"), proxy: row(demo.out(), "Edge proxy") };
    assert.ok(await answers(urls.api) && await answers(urls.proxy), demo.out());
    return { ...demo, urls };
  }

  test("the banner names the page, the API, the proxy and its propagating key, and never a secret but the emulator's", async () => {
    const demo = await startedDemo(["--iam-propagation", "30s"]);
    try {
      const banner = demo.out();
      assert.match(row(banner, "Demo page"), /^http:\/\/127\.0\.0\.1:\d+\/#proxy=http:\/\/127\.0\.0\.1:\d+&app-key=\w+$/);
      assert.match(banner, /Proxy's key +SCW[A-Z0-9]{17}, an IAM API key made for it: its secret stays in the proxy/);
      assert.match(banner, /Propagating +until .+: IAM may refuse the new key now and then/);
      const info = await (await fetch(`${demo.urls.api}/emulator/info`)).json();
      const known = new Set([info.secret_key, info.project_id, info.function_id]);
      const uuids = banner.match(/[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/g);
      assert.deepEqual(uuids.filter((uuid) => !known.has(uuid)), [], "a UUID in the banner that is not the emulator's");
    } finally {
      process.kill(-demo.child.pid, "SIGINT");
      await demo.exited;
    }
  });

  test("Ctrl-C stops the emulator and the proxy: nothing is left running", async () => {
    const demo = await startedDemo();
    process.kill(-demo.child.pid, "SIGINT");
    assert.equal(await demo.exited, 0, demo.err());
    assert.deepEqual([await answers(demo.urls.api), await answers(demo.urls.proxy)], [false, false]);
  });

  test("Ctrl-C while the demo starts stops what has started, quietly", async () => {
    const proxyPort = await freePort();
    const demo = launch(["--proxy-port", String(proxyPort)]);
    await eventually(() => assert.match(demo.err(), /listening on \S+/), 30_000);
    process.kill(-demo.child.pid, "SIGINT");
    assert.equal(await demo.exited, 0, demo.err());
    assert.doesNotMatch(demo.err(), /^demo:/m);
    const api = /listening on (\S+)/.exec(demo.err())[1];
    assert.deepEqual([await answers(api), await answers(`http://127.0.0.1:${proxyPort}`)], [false, false]);
  });

  test("a SIGTERM to the launcher alone stops both too", async () => {
    const demo = await startedDemo();
    demo.child.kill("SIGTERM");
    assert.equal(await demo.exited, 0, demo.err());
    assert.deepEqual([await answers(demo.urls.api), await answers(demo.urls.proxy)], [false, false]);
  });

  test("a launcher killed with SIGKILL leaves nothing running either: both end with their standard input", async () => {
    const demo = await startedDemo();
    demo.child.kill("SIGKILL");
    assert.equal(await demo.exited, "SIGKILL");
    await eventually(async () => {
      assert.deepEqual([await answers(demo.urls.api), await answers(demo.urls.proxy)], [false, false]);
    }, 10_000);
  });

  test("a proxy port already in use stops the demo with a message naming it, and the emulator with it", async () => {
    const taken = createServer();
    await new Promise((resolve) => taken.listen(0, "127.0.0.1", resolve));
    const port = taken.address().port;
    try {
      const demo = launch(["--proxy-port", String(port)]);
      assert.equal(await demo.exited, 1);
      assert.match(demo.err(), new RegExp(`demo: the edge proxy exited \\(1\\)[\\s\\S]*EADDRINUSE[\\s\\S]*:${port}`));
      const api = /listening on (\S+)/.exec(demo.err())[1];
      assert.equal(await answers(api), false, "the emulator was stopped");
    } finally {
      taken.close();
    }
  });

  test("a missing emulator binary is named, with the command that builds it", async () => {
    const demo = launch(["--emulator", "/nonexistent/scw-emulator"]);
    assert.equal(await demo.exited, 1);
    assert.equal(demo.err(), "demo: no emulator at /nonexistent/scw-emulator: build it with cargo build --release -p scw-emulator (make demo does)\n");
  });

  test("a bad port is refused before anything starts", async () => {
    const demo = launch(["--proxy-port", "0"]);
    assert.equal(await demo.exited, 1);
    assert.equal(demo.err(), "demo: --proxy-port must be a port number (1 to 65535), not \"0\"\n");
  });
});
