// FunctionProxy in Node, with Node's own Request and Response, in front of the real emulator
// (strict: a private function refuses any call without a credential, preflights included). The
// emulator's echo function shows what reached it; its request log shows whether anything did.
import { test } from "node:test";
import assert from "node:assert/strict";
import { setTimeout as sleep } from "node:timers/promises";
import { lib, loopback, useEmulator } from "./support.mjs";
import { FunctionProxy, ValidationError } from "../../pkg/proxy/index.node.js";

const { FunctionsClient } = lib;
const emu = useEmulator(["--faults"]);
const APP = "https://app.example";
const client = () => new FunctionsClient({ secretKey: emu.secret_key, apiUrl: emu.api_url });

/** A proxy for the seeded private function; `authorize` lets everything through unless given. */
const proxy = (options) =>
  new FunctionProxy({ url: emu.function_url, allowedOrigins: [APP], authorize: async () => true, ...options });

/** A browser's request to the proxy (on another origin than the page) for `path`. */
const request = (path, init = {}) =>
  new Request(`https://proxy.example${path}`, { ...init, headers: { origin: APP, ...init.headers } });

/** How many calls reached the function's gateway, by the emulator's own log. */
async function gatewayCalls() {
  const { requests } = await (await fetch(`${emu.api_url}/emulator/requests`)).json();
  return requests.filter((r) => r.path.startsWith("/fn/")).length;
}

/** Resolves when `check()` holds, or rejects after `ms`. */
async function eventually(check, ms, what) {
  for (const start = Date.now(); !check(); await sleep(10)) {
    if (Date.now() - start > ms) throw new Error(`not within ${ms} ms: ${what}`);
  }
}

async function freshToken() {
  return client().createToken({ functionId: emu.function_id });
}

test("through the proxy a private function answers 200 with a token or an API key, while the direct call is 403", async () => {
  const { token } = await freshToken();
  const key = await client().createFunctionAccessKey({ projectId: emu.project_id, description: "proxy test" });
  assert.equal((await fetch(`${emu.function_url}/hello`)).status, 403);
  for (const credential of [{ token }, { token: key.secretKey }, { tokenProvider: async () => token }]) {
    const res = await proxy(credential).handle(request("/hello?x=1"));
    assert.ok(res instanceof Response);
    assert.equal(res.status, 200);
    assert.equal(res.headers.get("access-control-allow-origin"), APP);
    assert.equal(res.headers.get("access-control-allow-credentials"), "true");
    assert.match(res.headers.get("vary"), /Origin/);
    const echo = await res.json();
    assert.deepEqual([echo.method, echo.path, echo.query], ["GET", "/hello", "x=1"]);
  }
  await client().deleteFunctionAccessKey(key.accessKey);
});

test("handle works unbound, as Deno.serve(proxy.handle) and Bun.serve({ fetch: proxy.handle }) call it", async () => {
  const { token } = await freshToken();
  const { handle } = proxy({ token });
  assert.equal((await handle(request("/"))).status, 200);
});

test("other origins, Origin: null and requests without an Origin are refused with 403, without reaching the function", async () => {
  const { token } = await freshToken();
  const p = proxy({ token });
  const before = await gatewayCalls();
  for (const origin of ["https://evil.example", "null", undefined]) {
    const req = new Request("https://proxy.example/", { headers: origin ? { origin } : {} });
    const res = await p.handle(req);
    assert.equal(res.status, 403);
    assert.equal(res.headers.get("access-control-allow-origin"), null);
    assert.deepEqual(await res.json(), { error: "origin not allowed" });
  }
  assert.equal(await gatewayCalls(), before);
});

test("a request authorize refuses, throws on or rejects is refused with 403, without reaching the function", async () => {
  const { token } = await freshToken();
  const seen = [];
  const verdicts = [
    async (r) => (seen.push(r.headers.get("authorization")), false),
    () => {
      throw new Error("no session");
    },
    async () => {
      throw new Error("session store down");
    },
    async () => "yes",
  ];
  const before = await gatewayCalls();
  for (const authorize of verdicts) {
    const res = await proxy({ token, authorize }).handle(request("/", { headers: { authorization: "Bearer page-session" } }));
    assert.equal(res.status, 403);
    assert.equal(res.headers.get("access-control-allow-origin"), APP, "the page can read why");
    assert.deepEqual(await res.json(), { error: "not authorized" });
  }
  assert.deepEqual(seen, ["Bearer page-session"], "authorize sees the page's own headers");
  assert.equal(await gatewayCalls(), before);
});

test("the caller's own X-Auth-Token, Authorization and Cookie are not passed on", async () => {
  const { token } = await freshToken();
  const headers = { "x-auth-token": "the-callers-guess", authorization: "Bearer page", cookie: "session=1", "x-trace": "7" };
  const res = await proxy({ token }).handle(request("/", { headers }));
  assert.equal(res.status, 200, "the gateway saw the proxy's credential, not the caller's");
  const echo = await res.json();
  assert.equal(echo.headers["x-trace"], "7");
  for (const name of ["authorization", "cookie", "x-auth-token"]) assert.equal(echo.headers[name], undefined, name);

  // A caller holding a valid token gains nothing through a proxy whose credential is refused.
  const refused = await proxy({ token: "not.a.token" }).handle(request("/", { headers: { "x-auth-token": token } }));
  assert.equal(refused.status, 403);
});

test("encoded .. never climbs out of an allowed path", async () => {
  const { token } = await freshToken();
  const p = proxy({ token, allowedPaths: ["/api/"] });
  const before = await gatewayCalls();
  for (const path of ["/api/%2e%2e/admin", "/api/..%2Fadmin", "/api/%2E%2E%2Fadmin", "/api/..%5Cadmin", "/api/..\\admin",
    "/api/x/..%2F..%2Fadmin", "/api/%252e%252e/admin", "/admin", "/api", "/apis/x"]) {
    const res = await p.handle(request(path));
    assert.equal(res.status, 403, path);
    assert.deepEqual(await res.json(), { error: "path not allowed" }, path);
  }
  assert.equal(await gatewayCalls(), before);
  const inside = await p.handle(request("/api/items/a%2Fb?q=..%2F"));
  assert.equal(inside.status, 200);
  assert.equal((await inside.json()).query, "q=..%2F");
  // The runtime's URL parser resolves a literal .. before the proxy sees it: this one stays inside.
  const resolved = await p.handle(request("/api//../admin"));
  assert.equal((await resolved.json()).path, "/api/admin");
});

test("a preflight is answered by the proxy with the methods, the headers, Max-Age and Vary: Origin", async () => {
  const p = proxy({ token: "never.used.here", allowedMethods: ["GET", "POST"] });
  const before = await gatewayCalls();
  const preflight = (method, origin = APP) =>
    p.handle(new Request("https://proxy.example/", {
      method: "OPTIONS",
      headers: { origin, "access-control-request-method": method, "access-control-request-headers": "content-type,authorization" },
    }));
  const res = await preflight("POST");
  assert.equal(res.status, 204);
  assert.equal(res.headers.get("access-control-allow-origin"), APP);
  assert.equal(res.headers.get("access-control-allow-methods"), "GET, POST");
  assert.equal(res.headers.get("access-control-allow-headers"), "content-type,authorization");
  assert.equal(res.headers.get("access-control-max-age"), "600");
  assert.equal(res.headers.get("vary"), "Origin");
  assert.equal((await preflight("DELETE")).status, 405);
  assert.equal((await preflight("POST", "https://evil.example")).status, 403);
  assert.equal(await gatewayCalls(), before);
});

test("a 5 MB body streams to the function and back", async () => {
  const { token } = await freshToken();
  const size = 5 * 1024 * 1024;
  const chunk = new TextEncoder().encode("a".repeat(64 * 1024));
  let sent = 0;
  const body = new ReadableStream({
    pull(controller) {
      if (sent >= size) return controller.close();
      controller.enqueue(chunk);
      sent += chunk.length;
    },
  });
  const res = await proxy({ token }).handle(request("/upload", { method: "POST", body, duplex: "half" }));
  assert.equal(res.status, 200);
  assert.ok(res.body instanceof ReadableStream);
  const echo = await res.json();
  assert.equal(echo.body.length, size);
  assert.equal(echo.method, "POST");
});

test("a revoked credential gives 403", async () => {
  const t = await freshToken();
  const p = proxy({ token: t.token });
  assert.equal((await p.handle(request("/"))).status, 200);
  await client().deleteToken(t.id);
  const res = await p.handle(request("/"));
  assert.equal(res.status, 403);
  assert.equal(res.headers.get("access-control-allow-origin"), APP);
});

/** Every header and the body of an answer, as text. */
async function everything(res) {
  return [...res.headers].map(([k, v]) => `${k}: ${v}`).join("\n") + "\n" + (await res.text());
}

test("an unreachable function gives 502 and a slow one 504, without the credential in the answer", async () => {
  const { token } = await freshToken();
  // Port 1 of this machine: nothing listens there, the connection is refused.
  const unreachable = await proxy({ token, url: "http://127.0.0.1:1/fn/x" }).handle(request("/"));
  assert.equal(unreachable.status, 502);
  assert.equal(unreachable.headers.get("access-control-allow-origin"), APP);
  const text = await everything(unreachable);
  assert.match(text, /upstream unreachable/);
  assert.ok(!text.includes(token));

  const fault = { kind: "slow", delay_ms: 2000, path: "/fn/" };
  const queued = await fetch(`${emu.api_url}/emulator/faults`, { method: "POST", body: JSON.stringify(fault), headers: { "content-type": "application/json" } });
  assert.equal(queued.status, 204);
  const started = Date.now();
  const slow = await proxy({ token, timeoutMs: 300 }).handle(request("/"));
  assert.equal(slow.status, 504);
  assert.ok(Date.now() - started < 1500, "answered at the deadline, not when the function did");
  const slowText = await everything(slow);
  assert.match(slowText, /upstream timed out/);
  assert.ok(!slowText.includes(token));
});

test("a token provider that fails gives 502 without its message", async () => {
  const res = await proxy({ tokenProvider: async () => { throw new Error("vault token abc123"); } }).handle(request("/"));
  assert.equal(res.status, 502);
  assert.ok(!(await everything(res)).includes("abc123"));
});

test("each bad option is refused when the proxy is built, with a ValidationError naming it", () => {
  const good = { url: "https://f.example", token: "t", allowedOrigins: [APP], authorize: () => true };
  const cases = [
    [{ authorize: undefined }, "authorize"],
    [{ authorize: true }, "authorize"],
    [{ allowedOrigins: undefined }, "allowedOrigins"],
    [{ allowedOrigins: [] }, "allowedOrigins"],
    [{ allowedOrigins: ["*"] }, "allowedOrigins"],
    [{ allowedOrigins: [APP, "*"] }, "allowedOrigins"],
    [{ allowedOrigins: ["app.example"] }, "allowedOrigins"],
    [{ allowedOrigins: ["https://app.example/"] }, "allowedOrigins"],
    [{ allowedOrigins: "https://app.example" }, "allowedOrigins"],
    [{ allowedOrigins: ["https://a.example\nhttps://b.example"] }, "allowedOrigins"],
    [{ allowedPaths: ["api/"] }, "allowedPaths"],
    [{ allowedPaths: ["/api/../admin"] }, "allowedPaths"],
    [{ allowedMethods: ["FETCH"] }, "allowedMethods"],
    [{ allowedMethods: ["get"] }, "allowedMethods"],
    [{ url: undefined }, "url"],
    [{ url: "http://example.com" }, "url"],
    [{ token: undefined }, "token"],
    [{ tokenProvider: () => "t" }, "token"],
    [{ token: undefined, tokenProvider: "t" }, "tokenProvider"],
    [{ timeoutMs: 0 }, "timeoutMs"],
    [{ maxAge: -1 }, "maxAge"],
    [{ maxAge: 1.5 }, "maxAge"],
    [{ maxAge: 86_401 }, "maxAge"],
    [{ maxAge: "600" }, "maxAge"],
  ];
  for (const [change, field] of cases) {
    assert.throws(() => new FunctionProxy({ ...good, ...change }), (e) => e instanceof ValidationError && e.field === field,
      JSON.stringify(change));
  }
  assert.throws(() => new FunctionProxy(), ValidationError);
  assert.ok(new FunctionProxy({ ...good, allowedMethods: ["GET"], allowedPaths: ["/api/", "/health"], timeoutMs: 1000, maxAge: 7200 }));
});

test("when the caller goes away, the call to the function is aborted at once", async () => {
  const fn = await loopback(() => {}); // never answers
  const gone = new AbortController();
  const answer = proxy({ token: "t", url: fn.url }).handle(request("/slow", { signal: gone.signal }));
  await eventually(() => fn.seen.length == 1, 2000, "the function was called");
  gone.abort();
  await eventually(() => fn.closed.length == 1, 1000, "the function's connection closed with the caller's");
  assert.deepEqual(fn.closed, [{ url: "/slow", answered: false }]);
  assert.equal((await answer).status, 502, "nobody reads it, but the proxy still answers");
});

test("hop-by-hop headers and those named in Connection never reach the function", async () => {
  const { token } = await freshToken();
  const hop = {
    connection: "x-hop-secret, keep-alive",
    "x-hop-secret": "for the proxy only",
    "keep-alive": "timeout=5",
    "proxy-authorization": "Basic cHJveHk6c2VjcmV0",
    "proxy-connection": "keep-alive",
    te: "trailers",
    trailer: "x-checksum",
    upgrade: "websocket",
    "http2-settings": "AAMAAABkAAQAAP__",
    "x-trace": "7",
  };
  const res = await proxy({ token }).handle(request("/", { headers: hop }));
  assert.equal(res.status, 200);
  const echo = await res.json();
  assert.equal(echo.headers["x-trace"], "7", "an end-to-end header passes");
  // The proxy's own connection to the function has hop-by-hop headers of its own, never the caller's.
  for (const name of Object.keys(hop).filter((n) => n != "x-trace")) assert.notEqual(echo.headers[name], hop[name], name);
  assert.equal(echo.headers["x-hop-secret"], undefined);
});

test("the function's hop-by-hop headers, those its Connection names and an echoed credential never come back", async () => {
  const fn = await loopback((req, res) => {
    res.writeHead(200, {
      connection: "x-internal-route, keep-alive",
      "x-internal-route": "pod-7",
      "keep-alive": "timeout=5",
      "proxy-authenticate": "Basic",
      "x-auth-token": req.headers["x-auth-token"],
      "x-kept": "1",
    });
    res.end("ok");
  });
  const res = await proxy({ token: "the-credential", url: fn.url }).handle(request("/"));
  assert.equal(fn.seen[0].headers["x-auth-token"], "the-credential");
  assert.equal(res.status, 200);
  assert.equal(res.headers.get("x-kept"), "1");
  for (const name of ["connection", "x-internal-route", "keep-alive", "proxy-authenticate", "x-auth-token"]) {
    assert.equal(res.headers.get(name), null, name);
  }
  assert.ok(!(await everything(res)).includes("the-credential"));
});

test("maxAge sets how long a browser may reuse a preflight's answer", async () => {
  const preflight = (options) =>
    proxy({ token: "t", ...options }).handle(new Request("https://proxy.example/", {
      method: "OPTIONS",
      headers: { origin: APP, "access-control-request-method": "GET" },
    }));
  assert.equal((await preflight({})).headers.get("access-control-max-age"), "600");
  assert.equal((await preflight({ maxAge: 7200 })).headers.get("access-control-max-age"), "7200");
  assert.equal((await preflight({ maxAge: 0 })).headers.get("access-control-max-age"), "0");
});

test("a redirect of the function goes back to the browser: the proxy never takes the credential to its target", async () => {
  const elsewhere = await loopback((req, res) => res.end("elsewhere"));
  const fn = await loopback((req, res) => {
    const status = Number(req.url.slice(1));
    res.writeHead(status, { location: req.headers["x-to"] == "self" ? "/landed" : `${elsewhere.url}/landed` }).end();
  });
  const p = proxy({ token: "the-credential", url: fn.url });
  for (const status of [301, 302, 303, 307, 308]) {
    for (const to of ["elsewhere", "self"]) {
      const res = await p.handle(request(`/${status}`, { method: "POST", body: "data", headers: { "x-to": to } }));
      assert.equal(res.status, status);
      assert.match(res.headers.get("location"), /\/landed$/);
      assert.equal(res.headers.get("access-control-allow-origin"), APP);
    }
  }
  assert.equal(fn.seen.length, 10, "each call reached the function once");
  assert.deepEqual(elsewhere.seen, []);
});

test("a token provider that never answers gives 504 at timeoutMs, and 502 once the caller goes away", async () => {
  const never = () => new Promise(() => {});
  const started = Date.now();
  const late = await proxy({ tokenProvider: never, timeoutMs: 300 }).handle(request("/"));
  assert.equal(late.status, 504);
  assert.ok(Date.now() - started < 1500, "answered at the deadline");
  const gone = new AbortController();
  setTimeout(() => gone.abort(), 100);
  const left = await proxy({ tokenProvider: never }).handle(request("/", { signal: gone.signal }));
  assert.equal(left.status, 502);
});

test("a caller's Expect: 100-continue stays with the proxy's server: the body reaches the function", async () => {
  const { token } = await freshToken();
  const body = "a".repeat(4096);
  const res = await proxy({ token }).handle(request("/upload", { method: "POST", body, headers: { expect: "100-continue" } }));
  assert.equal(res.status, 200);
  const echo = await res.json();
  assert.equal(echo.body, body);
  assert.equal(echo.headers.expect, undefined);
});
