// IAM propagation as Scaleway has it in 2026: a new API key is refused (403) intermittently until
// every IAM instance has it. The built package against the emulator with `--iam-propagation 5s`:
// a credential whose age is known (a key object, or a secret with `issuedAt`) has its 403s retried
// until it is admitted or its window ends; a credential of unknown age, a streamed body or a window
// of 0 gets its 403 back at once; FunctionProxy retries within its `timeoutMs`; a rotation that
// deletes the old key leaves a caller that switches at once without a single 403; no retry ever
// shows the secret. The emulator's request log counts the attempts each call made.
import { test, describe } from "node:test";
import assert from "node:assert/strict";
import { inspect } from "node:util";
import { setTimeout as sleep } from "node:timers/promises";
import { lib, useEmulator } from "./support.mjs";
import { FunctionProxy } from "../../pkg/proxy/index.node.js";

const { FunctionsClient, PrivateFunction, ValidationError } = lib;

const APP = "https://app.example";
const inAnHour = () => new Date(Date.now() + 3_600_000);

const emu = useEmulator(["--iam-propagation", "5s"]);
const client = () => new FunctionsClient({ secretKey: emu.secret_key, apiUrl: emu.api_url });

/** A path of its own for each call under test, so that the request log tells its attempts apart. */
let calls = 0;
const uniquePath = (name) => `/propagation/${name}-${++calls}`;

/** The gateway's log entries of the calls to `path`: `{ status, reason? }`, oldest first. */
async function attempts(path) {
  const { requests } = await (await fetch(`${emu.api_url}/emulator/requests`)).json();
  return requests.filter((r) => r.path.endsWith(path));
}

/** A new key made for the emulator's project, expiring in an hour. */
const newKey = (description = "propagation test") =>
  client().createFunctionAccessKey({ projectId: emu.project_id, description, expiresAt: inAnHour() });

/**
 * A new key that IAM will never admit: its policy is deleted at once (removals take effect at
 * once), so that every call with it is refused, whatever the IAM instance.
 */
async function refusedKey() {
  const key = await newKey("refused");
  const res = await fetch(`${emu.api_url}/iam/v1alpha1/policies/${key.policyId}`, {
    method: "DELETE",
    headers: { "x-auth-token": emu.secret_key },
  });
  assert.equal(res.status, 204);
  return key;
}

/** Resolves when the emulator's IAM admits `key` at every instance. */
async function admitted(key) {
  for (;;) {
    const res = await fetch(`${emu.api_url}/emulator/propagation`, { headers: { "x-auth-token": emu.secret_key } });
    const { api_keys } = await res.json();
    if (api_keys.find((k) => k.access_key === key.accessKey)?.status === "admitted") return;
    await sleep(100);
  }
}

/** One call to `path` with `fn`: its status, how long it took and the attempts the gateway saw. */
async function timedCall(fn, path, init) {
  const start = performance.now();
  const res = await fn.fetch(path, init);
  const ms = Math.round(performance.now() - start);
  await res.arrayBuffer();
  const seen = await attempts(path);
  return { status: res.status, ms, attempts: seen.length, refused: seen.filter((a) => a.reason === "propagating").length };
}

/** A FunctionProxy for the emulator's function, letting every request of APP through. */
const proxyWith = (options) =>
  new FunctionProxy({ url: emu.function_url, allowedOrigins: [APP], authorize: async () => true, ...options });

/** A browser's GET of `path` through the proxy. */
const browserRequest = (path, init = {}) =>
  new Request(`https://proxy.example${path}`, { ...init, headers: { origin: APP, ...init.headers } });

describe("a new key's createdAt", () => {
  test("createFunctionAccessKey and rotateFunctionAccessKey give the key with its createdAt, a Date from the API", async () => {
    const before = Date.now();
    const key = await newKey("dated");
    const rotated = await client().rotateFunctionAccessKey(key.accessKey, { expiresAt: inAnHour(), deleteOld: true });
    const after = Date.now();
    for (const made of [key, rotated]) {
      assert.ok(made.createdAt instanceof Date, "createdAt is a Date");
      assert.ok(made.createdAt.getTime() >= before - 1000 && made.createdAt.getTime() <= after + 1000, "createdAt is now");
    }
    const listed = await client().listFunctionAccessKeys({ projectId: emu.project_id });
    const same = listed.find((k) => k.accessKey === rotated.accessKey);
    assert.equal(same.createdAt.getTime(), rotated.createdAt.getTime(), "the API's own creation time");
    await client().deleteFunctionAccessKey(rotated.accessKey);
  });
});

describe("a credential whose age is known", () => {
  test("a key object as token is retried until IAM admits the new key", async (t) => {
    // Three keys at once: a call made right after its key is refused at first with near certainty.
    const keys = await Promise.all([newKey(), newKey(), newKey()]);
    const results = await Promise.all(
      keys.map((key) => timedCall(new PrivateFunction({ url: emu.function_url, token: key }), uniquePath("object"))),
    );
    for (const r of results) {
      assert.equal(r.status, 200);
      assert.equal(r.attempts, r.refused + 1, "every attempt but the last was refused as propagating");
      t.diagnostic(`admitted after ${r.ms} ms and ${r.refused} retries`);
    }
    assert.ok(results.some((r) => r.refused > 0), "some calls were refused at first");
    await Promise.all(keys.map((key) => client().deleteFunctionAccessKey(key.accessKey)));
  });

  test("a secret with issuedAt, as given or as stored and read back, is retried the same way", async (t) => {
    const keys = await Promise.all([newKey(), newKey()]);
    const [byDate, byText] = [
      new PrivateFunction({ url: emu.function_url, token: keys[0].secretKey, issuedAt: keys[0].createdAt }),
      new PrivateFunction({ url: emu.function_url, token: keys[1].secretKey, issuedAt: new Date(JSON.parse(JSON.stringify(keys[1].createdAt))) }),
    ];
    const results = await Promise.all([timedCall(byDate, uniquePath("issued")), timedCall(byText, uniquePath("issued"))]);
    for (const r of results) {
      assert.equal(r.status, 200);
      t.diagnostic(`admitted after ${r.ms} ms and ${r.refused} retries`);
    }
    await Promise.all(keys.map((key) => client().deleteFunctionAccessKey(key.accessKey)));
  });

  test("a body that can be sent again is sent again, the same each time", async () => {
    const key = await newKey();
    const fn = new PrivateFunction({ url: emu.function_url, token: key });
    const res = await fn.fetch(uniquePath("post"), { method: "POST", body: JSON.stringify({ name: "ada" }) });
    assert.equal(res.status, 200);
    const echo = await res.json();
    assert.equal(echo.method, "POST");
    assert.equal(echo.body, '{"name":"ada"}');
    await client().deleteFunctionAccessKey(key.accessKey);
  });

  test("retries stop when the key's window ends, and the last 403 is the answer", async (t) => {
    const key = await refusedKey();
    const fn = new PrivateFunction({ url: emu.function_url, token: key, propagationWindowMs: 1500 });
    const r = await timedCall(fn, uniquePath("window"));
    assert.equal(r.status, 403);
    assert.ok(r.attempts > 2, `${r.attempts} attempts`);
    assert.ok(r.ms >= 1000 && r.ms < 3000, `${r.ms} ms`);
    t.diagnostic(`403 after ${r.ms} ms and ${r.attempts} attempts`);
    await client().deleteFunctionAccessKey(key.accessKey);
  });

  test("an aborted call stops retrying at once", async () => {
    const key = await refusedKey();
    const fn = new PrivateFunction({ url: emu.function_url, token: key });
    const path = uniquePath("abort");
    const start = performance.now();
    await assert.rejects(fn.fetch(path, { signal: AbortSignal.timeout(700) }), { name: "TimeoutError" });
    assert.ok(performance.now() - start < 1500);
    const before = (await attempts(path)).length;
    await sleep(1000);
    assert.equal((await attempts(path)).length, before, "nothing is sent after the abort");
    await client().deleteFunctionAccessKey(key.accessKey);
  });
});

describe("a 403 that is returned at once", () => {
  /** A call with `fn` that must get the gateway's 403 after exactly one attempt. */
  async function refusedOnce(fn, init) {
    const r = await timedCall(fn, uniquePath("once"), init);
    assert.equal(r.status, 403);
    assert.equal(r.attempts, 1, "one attempt");
    assert.ok(r.ms < 1000, `${r.ms} ms`);
  }

  test("a secret of unknown age, a token provider's secret, a window of 0 or a key older than its window", async () => {
    const key = await refusedKey();
    const url = emu.function_url;
    await refusedOnce(new PrivateFunction({ url, token: key.secretKey }));
    await refusedOnce(new PrivateFunction({ url, tokenProvider: async () => key.secretKey }));
    await refusedOnce(new PrivateFunction({ url, token: key, propagationWindowMs: 0 }));
    const threeMinutesAgo = new Date(Date.now() - 180_000);
    await refusedOnce(new PrivateFunction({ url, token: key.secretKey, issuedAt: threeMinutesAgo }));
    await client().deleteFunctionAccessKey(key.accessKey);
  });

  test("a streamed body, which cannot be sent again", async () => {
    const key = await refusedKey();
    const fn = new PrivateFunction({ url: emu.function_url, token: key });
    const body = new ReadableStream({
      start(controller) {
        controller.enqueue(new TextEncoder().encode("streamed"));
        controller.close();
      },
    });
    await refusedOnce(fn, { method: "POST", body, duplex: "half" });
    await client().deleteFunctionAccessKey(key.accessKey);
  });
});

describe("FunctionProxy with a new key", () => {
  test("a browser's call is retried until the key is admitted", async (t) => {
    const key = await newKey();
    const path = uniquePath("proxy");
    const start = performance.now();
    const res = await proxyWith({ token: key }).handle(browserRequest(path));
    assert.equal(res.status, 200);
    assert.equal(res.headers.get("access-control-allow-origin"), APP);
    const seen = await attempts(path);
    t.diagnostic(`admitted after ${Math.round(performance.now() - start)} ms and ${seen.length - 1} retries`);
    await client().deleteFunctionAccessKey(key.accessKey);
  });

  test("retries stay within timeoutMs, and the function's last 403 is relayed", async (t) => {
    const key = await refusedKey();
    const proxy = proxyWith({ token: key.secretKey, issuedAt: key.createdAt, timeoutMs: 2000 });
    const path = uniquePath("proxy-deadline");
    const start = performance.now();
    const res = await proxy.handle(browserRequest(path));
    const ms = Math.round(performance.now() - start);
    // A last attempt is only sent when it can end in time; one that a busy machine slows past
    // the deadline anyway is cut short there, and the proxy answers 504 at the deadline.
    assert.ok([403, 504].includes(res.status), `${res.status}`);
    assert.ok(ms < 2000 + 500, `${ms} ms`);
    const seen = await attempts(path);
    assert.ok(seen.length > 2, `${seen.length} attempts`);
    t.diagnostic(`${res.status} after ${ms} ms and ${seen.length} attempts within timeoutMs 2000`);
    await client().deleteFunctionAccessKey(key.accessKey);
  });

  test("a browser's streamed body gets its 403 back at once", async () => {
    const key = await refusedKey();
    const path = uniquePath("proxy-stream");
    const res = await proxyWith({ token: key }).handle(browserRequest(path, { method: "POST", body: "x", duplex: "half" }));
    assert.equal(res.status, 403);
    assert.equal((await attempts(path)).length, 1);
    await client().deleteFunctionAccessKey(key.accessKey);
  });
});

describe("rotation", () => {
  test("a steady caller that switches to the new key at once sees no 403 across rotateFunctionAccessKey(old, { deleteOld: true })", async (t) => {
    const old = await newKey("rotated");
    await admitted(old);
    // The old key is the service's long-lived secret (its age unknown); the new one comes as a key object.
    let fn = new PrivateFunction({ url: emu.function_url, token: old.secretKey });
    const statuses = [];
    let rotatedAt;
    let rotatedAtMs;
    let next;
    const path = uniquePath("steady");
    const start = performance.now();
    // Calls go on past the new key's 5 s of propagation, and for a few more calls after it.
    const steadyAfterRotation = () => performance.now() - rotatedAtMs > 6_000 && statuses.length - rotatedAt >= 5;
    while (rotatedAtMs === undefined || !steadyAfterRotation()) {
      if (!next && performance.now() - start > 1_000) {
        next = await client().rotateFunctionAccessKey(old.accessKey, { expiresAt: inAnHour(), deleteOld: true });
        fn = new PrivateFunction({ url: emu.function_url, token: next });
        rotatedAt = statuses.length;
        rotatedAtMs = performance.now();
      }
      const res = await fn.fetch(path);
      statuses.push(res.status);
      await res.arrayBuffer();
      await sleep(50);
    }
    assert.deepEqual(statuses.filter((s) => s !== 200), [], "every call is admitted");
    const seen = await attempts(path);
    const refused = seen.filter((a) => a.reason === "propagating").length;
    assert.ok(refused > 0, "the new key was refused at first, and those refusals retried");
    t.diagnostic(`${statuses.length} calls (${statuses.length - rotatedAt} after the rotation), all 200; ${refused} refusals retried`);
    await client().deleteFunctionAccessKey(next.accessKey);
  });
});

describe("the secret stays secret", () => {
  test("retries never log, print or echo the secret", async () => {
    const key = await refusedKey();
    const secret = key.secretKey;
    const printed = [];
    const originals = {};
    for (const name of ["log", "info", "warn", "error", "debug", "trace"]) {
      originals[name] = console[name];
      console[name] = (...args) => printed.push(args.map((a) => inspect(a)).join(" "));
    }
    const writes = [process.stdout.write, process.stderr.write];
    for (const stream of [process.stdout, process.stderr]) {
      const write = stream.write;
      stream.write = (chunk, ...rest) => (printed.push(String(chunk)), write.call(stream, chunk, ...rest));
    }
    let answers;
    try {
      const fn = new PrivateFunction({ url: emu.function_url, token: key, propagationWindowMs: 800 });
      const proxy = proxyWith({ token: key, propagationWindowMs: 800 });
      const [direct, proxied] = await Promise.all([fn.fetch(uniquePath("secret")), proxy.handle(browserRequest(uniquePath("secret")))]);
      answers = [direct, proxied];
      for (const shown of [String(fn), inspect(fn, { showHidden: true }), JSON.stringify(fn), String(proxy), inspect(proxy)]) {
        assert.ok(!shown.includes(secret), "the objects never show the secret");
      }
    } finally {
      Object.assign(console, originals);
      [process.stdout.write, process.stderr.write] = writes;
    }
    for (const res of answers) {
      assert.equal(res.status, 403);
      const headers = JSON.stringify([...res.headers]);
      assert.ok(!headers.includes(secret) && !(await res.text()).includes(secret), "the answers never echo it");
    }
    assert.ok(!printed.join("\n").includes(secret), "nothing printed holds the secret");
    const log = await (await fetch(`${emu.api_url}/emulator/requests`)).text();
    assert.ok(!log.includes(secret), "the emulator's log never holds it");
    await client().deleteFunctionAccessKey(key.accessKey);
  });

  test("a bad key object, issuedAt or propagationWindowMs is a ValidationError naming the option, never the secret", async () => {
    const key = await newKey();
    const secret = key.secretKey;
    const url = emu.function_url;
    const { secretKey: _, ...listedLike } = key;
    const cases = [
      [{ url, token: {} }, "token"],
      [{ url, token: listedLike }, "token"],
      [{ url, token: { ...key, secretKey: 42 } }, "token"],
      [{ url, token: { ...key, createdAt: "yesterday" } }, "token"],
      [{ url, token: { ...key, createdAt: new Date(Number.NaN) } }, "token"],
      [{ url, token: secret, issuedAt: "yesterday" }, "issuedAt"],
      [{ url, token: secret, issuedAt: new Date(Number.NaN) }, "issuedAt"],
      [{ url, token: secret, issuedAt: 12 }, "issuedAt"],
      [{ url, token: secret, issuedAt: key.createdAt.toISOString() }, "issuedAt"],
      [{ url, token: secret, issuedAt: new Date(Date.now() + 86_400_000) }, "issuedAt"],
      [{ url, token: key, issuedAt: key.createdAt }, "issuedAt"],
      [{ url, tokenProvider: async () => secret, issuedAt: key.createdAt }, "issuedAt"],
      [{ url, token: key, propagationWindowMs: -1 }, "propagationWindowMs"],
      [{ url, token: key, propagationWindowMs: 1.5 }, "propagationWindowMs"],
      [{ url, token: key, propagationWindowMs: "120000" }, "propagationWindowMs"],
      [{ url, token: key, propagationWindowMs: 3_600_000 }, "propagationWindowMs"],
    ];
    for (const [options, option] of cases) {
      for (const make of [(o) => new PrivateFunction(o), (o) => proxyWith(o)]) {
        let error;
        try {
          make(options);
        } catch (e) {
          error = e;
        }
        assert.ok(error instanceof ValidationError, `${option}: ${error}`);
        assert.equal(error.field, option, String(error));
        assert.ok(![error.message, String(error), inspect(error), JSON.stringify(error)].some((s) => s.includes(secret)), String(error));
      }
    }
    await client().deleteFunctionAccessKey(key.accessKey);
  });
});
