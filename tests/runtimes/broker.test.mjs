// examples/edge-token-broker: the same broker source on workerd and on Deno, a browser page that
// gets its function token (or, with MINT=key, an IAM API key's secret) from the broker, and the
// callers the broker must refuse.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import path from "node:path";
import { root, here, startEmulator, startWorkerd, startProcess, freePort, waitForHttp, launchChromium } from "./helpers.mjs";

const example = path.join(root, "examples/edge-token-broker");
const BROKER_KEY = "correct horse battery staple";

let emulator;
let broker;
let keyBroker;
let browser;
let settings;
let client;
before(async () => {
  emulator = await startEmulator(["--www", example]);
  settings = {
    SCW_SECRET_KEY: emulator.secret_key,
    SCW_FUNCTION_ID: emulator.function_id,
    SCW_REGION: emulator.region,
    SCW_API_URL: emulator.api_url,
    ALLOWED_ORIGINS: `https://app.example.com, ${new URL(emulator.api_url).origin}`,
    BROKER_SHARED_SECRET: BROKER_KEY,
    TOKEN_TTL_SECONDS: "900",
  };
  const modules = { "broker/broker.js": path.join(example, "broker.js") };
  [broker, keyBroker, browser] = await Promise.all([
    startWorkerd({ modules, bindings: settings }),
    startWorkerd({ modules, bindings: { ...settings, MINT: "key", PROJECT_ID: emulator.project_id } }),
    launchChromium(),
  ]);
  const { FunctionsClient } = await import(path.join(here, "node/node_modules/scw-functions-auth/index.node.js"));
  client = new FunctionsClient({ secretKey: emulator.secret_key, region: emulator.region, apiUrl: emulator.api_url });
});
after(async () => {
  await browser?.close();
  await broker?.stop();
  await keyBroker?.stop();
  await emulator?.stop();
});

const ask = (url, headers) => fetch(`${url}/token`, { method: "POST", headers });
const allowedOrigin = () => new URL(emulator.api_url).origin;
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
/** Status and body of a GET on the emulator's IAM API (`api-keys/…`, `applications/…`, `policies/…`). */
const iam = async (what) => {
  const res = await fetch(`${emulator.api_url}/iam/v1alpha1/${what}`, { headers: { "x-auth-token": emulator.secret_key } });
  return { status: res.status, body: await res.json().catch(() => null) };
};

// First test: the broker sweeps on its first mint of the isolate (then at most once a minute).
test("minting deletes the expired tokens the broker minted, and no other token", async () => {
  const soon = () => new Date(Date.now() + 1500);
  const mine = await client.createToken({ functionId: emulator.function_id, description: "edge-token-broker", expiresAt: soon() });
  const other = await client.createToken({ functionId: emulator.function_id, description: "someone else's", expiresAt: soon() });
  await new Promise((r) => setTimeout(r, 2000));
  const res = await ask(broker.url, { origin: allowedOrigin(), "x-broker-key": BROKER_KEY });
  assert.equal(res.status, 200, await res.clone().text());
  const { expiresAt } = await res.json();
  const ttl = new Date(expiresAt) - Date.now();
  assert.ok(ttl > 14 * 60_000 && ttl <= 15 * 60_000, `token lives 15 minutes, not ${ttl} ms`);
  let ids;
  for (let i = 0; i < 50; i++) {
    ids = (await client.listAllTokens({ functionId: emulator.function_id })).map((t) => t.id);
    if (!ids.includes(mine.id)) break;
    await new Promise((r) => setTimeout(r, 100));
  }
  assert.ok(!ids.includes(mine.id), "the broker's expired token is deleted");
  assert.ok(ids.includes(other.id), "a token the broker did not mint stays");
});

test("a page on an allowed Origin gets a token from the broker (workerd) and calls the private function", async () => {
  const page = await browser.newPage();
  try {
    const query = new URLSearchParams({ broker: broker.url, function: emulator.function_url, key: BROKER_KEY });
    await page.goto(`${allowedOrigin()}/page.html?${query}`);
    await page.waitForFunction(() => window.outcome, null, { timeout: 20_000 });
    const outcome = await page.evaluate(() => window.outcome);
    assert.equal(outcome.status, 200, JSON.stringify(outcome));
  } finally {
    await page.close();
  }
});

test("the same page served from another Origin is refused by the broker", async () => {
  const page = await browser.newPage();
  try {
    const query = new URLSearchParams({ broker: broker.url, function: emulator.function_url, key: BROKER_KEY });
    const elsewhere = allowedOrigin().replace("127.0.0.1", "localhost");
    const minted = async () => (await client.listAllTokens({ functionId: emulator.function_id })).length;
    const before = await minted();
    await page.goto(`${elsewhere}/page.html?${query}`);
    await page.waitForFunction(() => window.outcome, null, { timeout: 20_000 });
    const outcome = await page.evaluate(() => window.outcome);
    assert.ok(outcome.error, JSON.stringify(outcome));
    assert.equal(await minted(), before, "the broker minted no token");
  } finally {
    await page.close();
  }
});

test("callers without the shared secret, or from another Origin, get no token", async () => {
  const cases = [
    [{ origin: allowedOrigin() }, 401],
    [{ origin: allowedOrigin(), "x-broker-key": "guess" }, 401],
    [{ origin: "https://evil.example", "x-broker-key": BROKER_KEY }, 403],
    [{ "x-broker-key": BROKER_KEY }, 403],
  ];
  for (const [headers, status] of cases) {
    const res = await ask(broker.url, headers);
    const body = await res.json();
    assert.equal(res.status, status, JSON.stringify(headers));
    assert.equal(body.token, undefined);
    assert.equal(res.headers.get("access-control-allow-origin"), status === 403 ? null : allowedOrigin());
  }
});

test("the same broker source runs on Deno (deno serve) and mints a token, or with MINT=key a key, the function accepts", async () => {
  for (const extra of [{}, { MINT: "key", PROJECT_ID: emulator.project_id }]) {
    const env = { ...settings, ...extra };
    const port = await freePort();
    const deno = startProcess(
      path.join(here, "deno/node_modules/.bin/deno"),
      ["serve", "--cached-only", `--allow-env=${[...Object.keys(settings), "MINT", "PROJECT_ID"].join(",")}`,
        "--allow-net=127.0.0.1", "--host", "127.0.0.1", "--port", String(port), "broker.js"],
      { cwd: example, env: { ...env, NO_COLOR: "1", DENO_NO_UPDATE_CHECK: "1" } },
    );
    try {
      const url = `http://127.0.0.1:${port}`;
      await waitForHttp(url, { process: deno });
      assert.equal((await ask(url, { origin: "https://evil.example", "x-broker-key": BROKER_KEY })).status, 403, deno.output());
      const res = await ask(url, { origin: "https://app.example.com", "x-broker-key": BROKER_KEY });
      assert.equal(res.status, 200, deno.output());
      const { token, accessKey } = await res.json();
      assert.equal(typeof accessKey, extra.MINT ? "string" : "undefined", JSON.stringify(extra));
      const call = await fetch(emulator.function_url, { headers: { "x-auth-token": token } });
      assert.equal(call.status, 200, JSON.stringify(extra));
    } finally {
      await deno.stop();
    }
  }
});

// MINT=key: a second workerd broker (its own isolate, so its first mint sweeps too).
test("MINT=key: the broker hands out a key secret the function accepts, and its sweep deletes its expired keys with their application and policy", async () => {
  const soon = () => new Date(Date.now() + 1500);
  const projectId = emulator.project_id;
  const mine = await client.createFunctionAccessKey({ projectId, description: "edge-token-broker", expiresAt: soon() });
  const other = await client.createFunctionAccessKey({ projectId, description: "someone else's", expiresAt: soon() });
  await sleep(2000);

  const res = await ask(keyBroker.url, { origin: allowedOrigin(), "x-broker-key": BROKER_KEY });
  assert.equal(res.status, 200, await res.clone().text());
  const minted = await res.json();
  assert.match(minted.accessKey, /^SCW[A-Z0-9]{17}$/);
  assert.match(minted.token, /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/, "the key's secret, in `token`");
  const ttl = new Date(minted.expiresAt) - Date.now();
  assert.ok(ttl > 14 * 60_000 && ttl <= 15 * 60_000, `key lives 15 minutes, not ${ttl} ms`);
  const call = await fetch(emulator.function_url, { headers: { "x-auth-token": minted.token } });
  assert.equal(call.status, 200, "the private function opens with the key's secret");
  const key = await iam(`api-keys/${minted.accessKey}`);
  assert.equal(key.status, 200);
  assert.equal(key.body.description, "edge-token-broker", "the sweep will recognise the key it minted");
  assert.equal(key.body.secret_key ?? null, null, "the secret is not stored readable");

  let gone;
  for (let i = 0; i < 50; i++) {
    gone = (await iam(`api-keys/${mine.accessKey}`)).status === 404;
    if (gone) break;
    await sleep(100);
  }
  assert.ok(gone, "the broker's expired key is deleted");
  for (let i = 0; i < 50 && (await iam(`applications/${mine.applicationId}`)).status !== 404; i++) await sleep(100);
  assert.equal((await iam(`policies/${mine.policyId}`)).status, 404, "its policy is deleted");
  assert.equal((await iam(`applications/${mine.applicationId}`)).status, 404, "its application is deleted");
  assert.equal((await iam(`api-keys/${other.accessKey}`)).status, 200, "a key the broker did not mint stays");
  assert.equal((await iam(`applications/${other.applicationId}`)).status, 200);
  assert.equal((await iam(`api-keys/${minted.accessKey}`)).status, 200, "an unexpired minted key stays");
  await client.deleteFunctionAccessKey(other.accessKey);
});

test("MINT=key: a page on an allowed Origin gets a key secret from the broker (workerd) and calls the private function", async () => {
  const page = await browser.newPage();
  try {
    const query = new URLSearchParams({ broker: keyBroker.url, function: emulator.function_url, key: BROKER_KEY });
    const minted = async () => (await iam("api-keys?expired=false&page_size=100")).body.total_count;
    const before = await minted();
    await page.goto(`${allowedOrigin()}/page.html?${query}`);
    await page.waitForFunction(() => window.outcome, null, { timeout: 20_000 });
    const outcome = await page.evaluate(() => window.outcome);
    assert.equal(outcome.status, 200, JSON.stringify(outcome));
    assert.equal(await minted(), before + 1, "the broker minted one key for the page");
  } finally {
    await page.close();
  }
});
