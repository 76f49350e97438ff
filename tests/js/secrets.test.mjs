// Secrets stay secret: a whole run with a secret key, function tokens and an IAM key, after which
// neither the emulator's output nor any error, toString() or JSON.stringify contains one of them;
// the function never sees the secret key, and a redirect to another origin loses X-Auth-Token.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { createServer } from "node:http";
import { inspect } from "node:util";
import { lib, UNKNOWN } from "./support.mjs";
import { startEmulator } from "../support/emulator.mjs";

const { FunctionsClient, PrivateFunction, ScwError, NetworkError } = lib;

/** A loopback HTTP server answering with `handler`, recording what it received. */
async function server(handler) {
  const seen = [];
  const s = createServer((req, res) => {
    let body = "";
    req.on("data", (c) => (body += c));
    req.on("end", () => {
      seen.push({ method: req.method, url: req.url, headers: req.headers, body });
      handler(req, res);
    });
  });
  await new Promise((r) => s.listen(0, "127.0.0.1", r));
  return { seen, url: `http://127.0.0.1:${s.address().port}`, close: () => s.close() };
}

// The origin a redirect leads to: another port, hence another origin.
const elsewhere = await server((req, res) => res.end("elsewhere"));
// What the function proxies to: redirects to the other origin or to the function itself.
let emu;
const upstream = await server((req, res) => {
  if (req.url.startsWith("/away")) return res.writeHead(307, { location: `${elsewhere.url}/landed` }).end();
  if (req.url.startsWith("/see-other")) return res.writeHead(303, { location: `${elsewhere.url}/other` }).end();
  if (req.url.startsWith("/home")) return res.writeHead(307, { location: `${emu.function_url}/back` }).end();
  if (req.url.startsWith("/loop")) return res.writeHead(302, { location: `${emu.function_url}/loop` }).end();
  res.end(JSON.stringify({ path: req.url, headers: req.headers }));
});

const secrets = new Map();
const texts = [];
/** Everything a user or a log could show of a value. */
function record(label, value) {
  let json;
  try {
    json = JSON.stringify(value);
  } catch (e) {
    json = `JSON.stringify threw ${e}`;
  }
  texts.push([label, `${String(value)}\n${value?.message}\n${value?.stack}\n${json}\n${inspect(value, { depth: 5 })}`]);
}

before(async () => {
  emu = await startEmulator(["--upstream", upstream.url]);
  secrets.set("secret key", emu.secret_key);
});

after(async () => {
  await emu.stop();
  upstream.close();
  elsewhere.close();
});

test("a full run with secrets leaves them in no error, no stringified object and no log line", async () => {
  const client = new FunctionsClient({ secretKey: emu.secret_key, apiUrl: emu.api_url });
  record("client", client);
  const made = await client.createToken({ functionId: emu.function_id, description: "secret test" });
  secrets.set("function token", made.token);
  const ns = await client.createToken({ namespaceId: emu.namespace_id });
  secrets.set("namespace token", ns.token);
  const key = await client.createFunctionAccessKey({ projectId: emu.project_id });
  secrets.set("IAM secret key", key.secretKey);
  record("listed", await client.listTokens());

  for (const token of [made.token, ns.token, key.secretKey]) {
    const fn = new PrivateFunction({ url: emu.function_url, token });
    record("function", fn);
    const res = await fn.fetch("/echo?x=1", { method: "POST", body: "hello" });
    assert.equal(res.status, 200);
  }
  const provided = new PrivateFunction({ url: emu.function_url, tokenProvider: async () => made.token });
  record("provided function", provided);
  await provided.fetch("/");

  // Thunks: a rejection created early would be reported as unhandled while an earlier one is awaited.
  const failures = [
    () => client.getToken(UNKNOWN),
    () => client.deleteToken(UNKNOWN),
    () => client.createToken({ functionId: UNKNOWN }),
    () => client.createToken({ functionId: emu.function_id, expiresAt: "2000-01-01T00:00:00Z" }),
    () => new FunctionsClient({ secretKey: UNKNOWN, apiUrl: emu.api_url }).listTokens(),
    () => new FunctionsClient({ secretKey: key.secretKey, apiUrl: emu.api_url }).listTokens(),
    () => new FunctionsClient({ secretKey: emu.secret_key, apiUrl: "http://127.0.0.1:1" }).listTokens(),
    () => client.getToken(`${made.token}`),
    () => client.deleteFunctionAccessKey("SCWNOTAKEY"),
    () => new PrivateFunction({ url: emu.function_url, tokenProvider: async () => `${made.token}\r\nX: 1` }).fetch("/"),
  ];
  const sync = [
    () => new FunctionsClient({ secretKey: `${emu.secret_key}\r\n` }),
    () => new FunctionsClient({ secretKey: emu.secret_key, region: "mars" }),
    () => new PrivateFunction({ url: "ftp://x", token: made.token }),
    () => new PrivateFunction({ url: emu.function_url, token: `${made.token}\n` }),
  ];
  failures.push(...sync);
  for (const [i, f] of failures.entries()) {
    const error = await Promise.resolve().then(f).then(() => null, (e) => e);
    assert.ok(error instanceof Error, `failure ${i} rejects with an Error`);
    assert.ok(error instanceof ScwError, `failure ${i}: ${error}`);
    record(`failure ${i}`, error);
  }
  await client.deleteFunctionAccessKey(key.accessKey);
  await client.deleteToken(made.id);
  await client.deleteToken(ns.id);

  const [readyLine, ...rest] = emu.output().split("\n");
  assert.equal(JSON.parse(readyLine).secret_key, emu.secret_key, "the ready line is meant to carry the key");
  texts.push(["emulator output after the ready line", rest.join("\n")]);
  assert.ok(rest.join("\n").includes("POST /functions/v1beta1/regions/fr-par/tokens 200"), "output captured");
  for (const [label, text] of texts) {
    for (const [name, secret] of secrets) {
      assert.ok(secret && secret.length > 20, name);
      assert.ok(!text.includes(secret), `${name} appears in ${label}:\n${text}`);
      // a JWT's signature alone identifies it too
      const tail = secret.split(".").pop();
      assert.ok(!text.includes(tail), `${name} (signature) appears in ${label}`);
    }
  }
});

test("the function never receives the secret key, whatever the call", async () => {
  const client = new FunctionsClient({ secretKey: emu.secret_key, apiUrl: emu.api_url });
  const { token } = await client.createToken({ functionId: emu.function_id });
  const fn = new PrivateFunction({ url: emu.function_url, token });
  const before = upstream.seen.length;
  await fn.fetch("/a?b=c", { method: "PUT", headers: { "x-custom": "1" }, body: "{}" });
  await fn.fetch("/b");
  const received = upstream.seen.slice(before);
  assert.equal(received.length, 2);
  for (const r of received) {
    assert.ok(!JSON.stringify(r).includes(emu.secret_key), JSON.stringify(r));
    assert.ok(!JSON.stringify(r).includes(token.split(".").pop()), "the token is not forwarded upstream");
  }
});

test("a redirect to another origin is followed without X-Auth-Token", async () => {
  const client = new FunctionsClient({ secretKey: emu.secret_key, apiUrl: emu.api_url });
  const { token } = await client.createToken({ functionId: emu.function_id });
  const fn = new PrivateFunction({ url: emu.function_url, token });
  for (const [path, method, landed, sentMethod] of [
    ["/away", "GET", "/landed", "GET"],
    ["/away", "POST", "/landed", "POST"],
    ["/see-other", "POST", "/other", "GET"],
  ]) {
    elsewhere.seen.length = 0;
    const res = await fn.fetch(path, { method, body: method === "POST" ? "data" : undefined });
    assert.equal(res.status, 200);
    assert.equal(await res.text(), "elsewhere");
    assert.equal(elsewhere.seen.length, 1);
    const [hit] = elsewhere.seen;
    assert.equal(hit.url, landed);
    assert.equal(hit.method, sentMethod);
    assert.equal(hit.headers["x-auth-token"], undefined, `${method} ${path} leaked the token: ${JSON.stringify(hit.headers)}`);
    assert.ok(!JSON.stringify(hit).includes(token.split(".").pop()));
  }
});

test("a redirect within the function's origin keeps the token", async () => {
  const client = new FunctionsClient({ secretKey: emu.secret_key, apiUrl: emu.api_url });
  const { token } = await client.createToken({ functionId: emu.function_id });
  const fn = new PrivateFunction({ url: emu.function_url, token });
  const res = await fn.fetch("/home");
  assert.equal(res.status, 200, "the gateway admitted the redirected call");
  assert.equal((await res.json()).path, "/back");
});

test("a streamed body is not sent twice: its redirect comes back as is", async () => {
  const client = new FunctionsClient({ secretKey: emu.secret_key, apiUrl: emu.api_url });
  const { token } = await client.createToken({ functionId: emu.function_id });
  const fn = new PrivateFunction({ url: emu.function_url, token });
  elsewhere.seen.length = 0;
  const body = new ReadableStream({ start: (c) => (c.enqueue(new TextEncoder().encode("data")), c.close()) });
  const res = await fn.fetch("/away", { method: "PUT", body, duplex: "half" });
  assert.equal(res.status, 307);
  assert.equal(elsewhere.seen.length, 0);
});

test("a redirect loop ends with a NetworkError", async () => {
  const client = new FunctionsClient({ secretKey: emu.secret_key, apiUrl: emu.api_url });
  const { token } = await client.createToken({ functionId: emu.function_id });
  const fn = new PrivateFunction({ url: emu.function_url, token });
  const error = await fn.fetch("/loop").catch((e) => e);
  assert.ok(error instanceof NetworkError, String(error));
  assert.match(error.message, /too many redirects/);
});
