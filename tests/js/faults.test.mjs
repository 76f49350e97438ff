// Retries, timeouts and unreadable answers, against a scripted local HTTP server.
import { test, after } from "node:test";
import assert from "node:assert/strict";
import { createServer } from "node:http";
import { lib } from "./support.mjs";

const { FunctionsClient, NetworkError, TimeoutError, TooManyRequestsError, ScwError } = lib;
const ID = "11111111-1111-4111-8111-111111111111";
const KEY = "22222222-2222-4222-8222-222222222222";
const token = JSON.stringify({ id: ID, status: "ready", function_id: ID, token: "<hidden>", description: "", expires_at: null });

let script = [];
const seen = [];
const server = createServer((req, res) => {
  seen.push(`${req.method} ${req.headers["x-auth-token"] === KEY}`);
  const step = script.shift() ?? { status: 200, body: token };
  if (step.reset) return req.socket.destroy();
  setTimeout(() => res.writeHead(step.status, step.headers).end(step.body ?? ""), step.delay ?? 0);
});
await new Promise((r) => server.listen(0, "127.0.0.1", r));
after(() => server.close());
const apiUrl = `http://127.0.0.1:${server.address().port}`;
const client = (extra = {}) => new FunctionsClient({ secretKey: KEY, apiUrl, ...extra });
const play = (...steps) => {
  script = steps;
  seen.length = 0;
};

test("a read is retried after 503, a connection reset and 429 with Retry-After, then succeeds", async () => {
  play({ status: 503 }, { reset: true }, { status: 429, headers: { "retry-after": "0" } }, { status: 200, body: token });
  const t = await client({ retries: 3 }).getToken(ID);
  assert.equal(t.id, ID);
  assert.deepEqual(seen, ["GET true", "GET true", "GET true", "GET true"]);
});

test("a create that may have landed is never repeated", async () => {
  play({ reset: true });
  await assert.rejects(client().createToken({ functionId: ID }), NetworkError);
  play({ status: 503, body: "<html>busy</html>" });
  const err = await client().createToken({ functionId: ID }).catch((e) => e);
  assert.equal(err.status, 503);
  assert.equal(err.message, "HTTP 503: <html>busy</html>");
  assert.deepEqual(seen, ["POST true"]);
});

test("retries give up after the configured number with the last answer", async () => {
  play({ status: 429, headers: { "retry-after": "0" } }, { status: 429, headers: { "retry-after": "0" } });
  await assert.rejects(client({ retries: 1 }).deleteToken(ID), TooManyRequestsError);
  assert.equal(seen.length, 2);
});

test("listTokens retries as every read does", async () => {
  const page = JSON.stringify({ tokens: [JSON.parse(token)], total_count: 1 });
  play({ status: 503 }, { reset: true }, { status: 200, body: page });
  const listed = await client({ retries: 2 }).listTokens();
  assert.deepEqual([listed.totalCount, listed.tokens[0].id], [1, ID]);
  assert.equal(seen.length, 3);
  play({ status: 404, body: '{"message":"not found"}' });
  await assert.rejects(client().listTokens(), { name: "NotFoundError" });
  assert.equal(seen.length, 1);
  play({ status: 200, body: page, delay: 1000 });
  const started = Date.now();
  await assert.rejects(client({ timeoutMs: 100 }).listTokens(), TimeoutError);
  assert.ok(Date.now() - started < 800);
});

test("a slow API stops at timeoutMs with a TimeoutError", async () => {
  play({ status: 200, body: token, delay: 1000 });
  const started = Date.now();
  await assert.rejects(client({ timeoutMs: 100 }).getToken(ID), TimeoutError);
  assert.ok(Date.now() - started < 800);
});

test("truncated JSON or an HTML page is a clear error, never a crash", async () => {
  play({ status: 200, body: '{"id":' });
  await assert.rejects(client().getToken(ID), { name: "ScwError", type: "unexpected_response" });
  play({ status: 500, body: "<!doctype html><h1>Internal</h1>" });
  const err = await client().listTokens().catch((e) => e);
  assert.ok(err instanceof ScwError);
  assert.equal(err.message, "HTTP 500: <!doctype html><h1>Internal</h1>");
  play();
  assert.equal((await client().getToken(ID)).id, ID);
});

test("a success whose body is not JSON, or JSON of the wrong shape, is a ScwError with the status, and the next call works", async () => {
  const c = client({ retries: 0 });
  const calls = {
    getToken: () => c.getToken(ID),
    listTokens: () => c.listTokens(),
    listAllTokens: () => c.listAllTokens(),
    createToken: () => c.createToken({ functionId: ID }),
    listNamespaces: () => c.listNamespaces(),
    getFunction: () => c.getFunction(ID),
    listFunctionAccessKeys: () => c.listFunctionAccessKeys({ projectId: ID, organizationId: ID }),
  };
  const bodies = ["<html>", "", "null", "[]", "5", '"text"', "{}", '{"id":5,"status":[]}', '{"tokens":"x","total_count":"y"}',
    '{"namespaces":{},"functions":7,"api_keys":null}', '{"tokens":[5],"total_count":1}', '{"tokens":[{"id":"x"}],"total_count":1}'];
  for (const [name, call] of Object.entries(calls)) {
    for (const body of bodies) {
      play({ status: 200, body });
      const outcome = await call().then((value) => ({ value }), (error) => ({ error }));
      // A JSON object missing a list may read as an empty list; anything that is not an object never passes.
      if (outcome.error === undefined && body.startsWith("{")) continue;
      const { error } = outcome;
      assert.ok(error instanceof ScwError, `${name} ${body}: ${error}`);
      assert.equal(error.status, 200, `${name} ${body}`);
      assert.equal(error.type, "unexpected_response", `${name} ${body}: ${error.message}`);
    }
    play({ status: 200, body: token });
    assert.equal((await c.getToken(ID)).id, ID, `a call after ${name}'s bad answers`);
  }
});
