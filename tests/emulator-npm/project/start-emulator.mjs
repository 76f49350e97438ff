// startEmulator as a test suite uses it, from the installed package (run inside the throwaway
// project that tests/emulator-npm/package.test.mjs makes).
import { test } from "node:test";
import assert from "node:assert/strict";
import { createServer } from "node:net";
import { writeFile } from "node:fs/promises";
import { startEmulator, EmulatorError } from "scw-emulator";

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

const api = (emulator, path, init = {}) =>
  fetch(`${emulator.apiUrl}/functions/v1beta1/regions/${emulator.region}${path}`, {
    ...init,
    headers: { "X-Auth-Token": emulator.secretKey, "Content-Type": "application/json", ...init.headers },
  });

const refusedConnection = (url) => fetch(url).then(() => false, () => true);

test("startEmulator resolves with the ready line in camelCase, on a free port", async () => {
  const emulator = await startEmulator({ port: undefined });
  try {
    assert.match(emulator.apiUrl, /^http:\/\/127\.0\.0\.1:\d+$/);
    assert.notEqual(new URL(emulator.apiUrl).port, "8080");
    assert.match(emulator.secretKey, UUID);
    assert.equal(emulator.region, "fr-par");
    for (const id of ["projectId", "namespaceId", "functionId"]) assert.match(emulator[id], UUID, id);
    assert.equal(emulator.functionUrl, `${emulator.apiUrl}/fn/${emulator.functionId}`);
    const health = await fetch(`${emulator.apiUrl}/emulator/health`);
    assert.deepEqual(await health.json(), { status: "ok" });
  } finally {
    await emulator.stop();
  }
});

test("stop() ends the emulator: its port no longer answers", async () => {
  const emulator = await startEmulator();
  await emulator.stop();
  assert.ok(await refusedConnection(`${emulator.apiUrl}/emulator/health`));
  await emulator.stop(); // a second stop is harmless
});

test("reset() brings back the world of start-up, requests() tells why a call was refused", async () => {
  const emulator = await startEmulator();
  try {
    const created = await api(emulator, "/tokens", { method: "POST", body: JSON.stringify({ function_id: emulator.functionId }) });
    assert.equal(created.status, 200);
    const { id } = await created.json();
    assert.equal((await api(emulator, `/tokens/${id}`)).status, 200);
    await emulator.reset();
    assert.equal((await api(emulator, `/tokens/${id}`)).status, 404);

    assert.equal((await fetch(emulator.functionUrl)).status, 403);
    const log = await emulator.requests();
    const refused = log.at(-1);
    assert.equal(refused.method, "GET");
    assert.equal(refused.path, `/fn/${emulator.functionId}`);
    assert.equal(refused.status, 403);
    assert.equal(refused.reason, "missing");
    assert.ok(refused.at instanceof Date && !Number.isNaN(refused.at.getTime()));
    assert.equal(typeof refused.latencyMs, "number");
  } finally {
    await emulator.stop();
  }
});

test("flags are camelCase options: a boolean, a value, a repeated flag", async () => {
  const emulator = await startEmulator({
    legacyTokenCreation: "refuse",
    requireKeyExpiry: true,
    corsOrigin: ["http://localhost:5173", "http://127.0.0.1:5173"],
    tokenDelayMs: 0,
  });
  try {
    const refused = await api(emulator, "/tokens", { method: "POST", body: JSON.stringify({ function_id: emulator.functionId }) });
    assert.equal(refused.status, 412);
    for (const origin of ["http://localhost:5173", "http://127.0.0.1:5173"]) {
      const answer = await fetch(`${emulator.apiUrl}/emulator/health`, { headers: { Origin: origin } });
      assert.equal(answer.headers.get("access-control-allow-origin"), origin);
    }
  } finally {
    await emulator.stop();
  }
});

test("string values reach flags whose value is optional: requireKeyExpiry \"false\" under the production profile", async () => {
  const seed = {
    organization_id: "6d5bd4d6-94c4-4dd2-9b5a-9e6c1c6e0c11",
    applications: [{ id: "1f0c3a52-6a39-4cf5-8d4d-28a7f3f0a0b1", name: "ci" }],
  };
  const createKey = (emulator) =>
    fetch(`${emulator.apiUrl}/iam/v1alpha1/api-keys`, {
      method: "POST",
      headers: { "X-Auth-Token": emulator.secretKey, "Content-Type": "application/json" },
      body: JSON.stringify({ application_id: seed.applications[0].id }),
    });
  const production = await startEmulator({ seed, profile: "production" });
  try {
    assert.equal((await createKey(production)).status, 400);
  } finally {
    await production.stop();
  }
  const relaxed = await startEmulator({ seed, profile: "production", requireKeyExpiry: "false" });
  try {
    assert.equal((await createKey(relaxed)).status, 200);
  } finally {
    await relaxed.stop();
  }
});

const world = {
  secret_key: "11111111-2222-4333-8444-555555555555",
  namespaces: [{ name: "shop", region: "nl-ams", functions: [{ name: "cart", privacy: "public" }] }],
};

test("a seed object is the world it starts from, and resets to", async () => {
  const emulator = await startEmulator({ seed: world });
  try {
    assert.equal(emulator.secretKey, world.secret_key);
    assert.equal(emulator.region, "nl-ams");
    assert.equal((await fetch(emulator.functionUrl)).status, 200); // public
    await emulator.reset();
    const namespaces = await (await api(emulator, "/namespaces")).json();
    assert.deepEqual(namespaces.namespaces.map((n) => n.name), ["shop"]);
  } finally {
    await emulator.stop();
  }
});

test("a seed file's path works as well", async (t) => {
  const file = `${process.cwd()}/seed.json`;
  await writeFile(file, JSON.stringify(world));
  const emulator = await startEmulator({ seed: file });
  t.after(() => emulator.stop());
  assert.equal(emulator.region, "nl-ams");
});

test("an unknown option rejects, naming it", async () => {
  await assert.rejects(startEmulator({ colourfulLogs: true }), (error) => {
    assert.ok(error instanceof EmulatorError);
    assert.equal(error.option, "colourfulLogs");
    assert.match(error.message, /^option colourfulLogs: error: unexpected argument '--colourful-logs'/);
    return true;
  });
  await assert.rejects(startEmulator({ "cors-origin": "http://x.test" }), { name: "EmulatorError", option: "cors-origin", message: /camelCase/ });
});

test("a value the emulator refuses rejects, naming the option", async () => {
  await assert.rejects(startEmulator({ rsaBits: 1024 }), { name: "EmulatorError", option: "rsaBits", message: /--rsa-bits/ });
  await assert.rejects(startEmulator({ corsOrigin: "*" }), { option: "corsOrigin", message: /is not an origin/ });
  await assert.rejects(startEmulator({ upstream: { url: "http://x" } }), { option: "upstream", message: /must be a string/ });
  await assert.rejects(startEmulator({ readyTimeoutMs: "soon" }), { option: "readyTimeoutMs" });
});

test("a port in use rejects with the emulator's own message, naming the port", async (t) => {
  const taken = createServer();
  await new Promise((resolve) => taken.listen(0, "127.0.0.1", resolve));
  t.after(() => taken.close());
  const { port } = taken.address();
  await assert.rejects(startEmulator({ port }), (error) => {
    assert.ok(error instanceof EmulatorError);
    assert.match(error.message, new RegExp(`^scw-emulator: cannot listen on 127\\.0\\.0\\.1:${port}: `));
    assert.equal(error.exitCode, 1);
    return true;
  });
});

test("a bad seed rejects with the emulator's message naming the field", async () => {
  await assert.rejects(startEmulator({ seed: { namespaces: [{ name: "Shop!" }] } }), {
    name: "EmulatorError",
    message: /^scw-emulator: seed \(the seed object\): namespaces\[0\]\.name: "Shop!" must be/,
  });
  await assert.rejects(startEmulator({ seed: 42 }), { option: "seed" });
  await assert.rejects(startEmulator({ seed: "no-such-seed.json" }), { message: /no-such-seed\.json/ });
});
