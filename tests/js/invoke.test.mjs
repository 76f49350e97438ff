import { test } from "node:test";
import assert from "node:assert/strict";
import { setTimeout as sleep } from "node:timers/promises";
import { lib, loopback, useEmulator } from "./support.mjs";

const { FunctionsClient, PrivateFunction, ValidationError, AbortError, ScwError, TimeoutError, NetworkError } = lib;
const emu = useEmulator();
const client = () => new FunctionsClient({ secretKey: emu.secret_key, apiUrl: emu.api_url });

async function secondFunction() {
  const res = await fetch(`${emu.api_url}/functions/v1beta1/regions/${emu.region}/functions`, {
    method: "POST",
    headers: { "X-Auth-Token": emu.secret_key, "Content-Type": "application/json" },
    body: JSON.stringify({ namespace_id: emu.namespace_id, name: `other-${Date.now()}`, privacy: "private", runtime: "node22" }),
  });
  assert.equal(res.status, 200);
  return (await res.json()).id;
}

test("a private function answers 403 without a valid token, as a Response and not an exception", async () => {
  const res = await new PrivateFunction({ url: emu.function_url, token: "not.a.token" }).fetch("/hello");
  assert.ok(res instanceof Response);
  assert.equal(res.status, 403);
});

test("a function token opens its function: method, path, query, headers and body pass through", async () => {
  const { token } = await client().createToken({ functionId: emu.function_id });
  const fn = new PrivateFunction({ url: emu.function_url, token });
  const res = await fn.fetch("/greet?name=ada", { method: "POST", headers: { "x-trace": "7" }, body: "hi" });
  assert.equal(res.status, 200);
  const echo = await res.json();
  assert.deepEqual([echo.method, echo.path, echo.query, echo.body, echo.headers["x-trace"]], ["POST", "/greet", "name=ada", "hi", "7"]);
  assert.equal(echo.headers["x-auth-token"], undefined);
  const bytes = await fn.fetch("bin", { method: "PUT", body: new TextEncoder().encode("bytes") });
  assert.equal((await bytes.json()).body, "bytes");
});

test("a revoked token is refused", async () => {
  const c = client();
  const t = await c.createToken({ functionId: emu.function_id });
  const fn = new PrivateFunction({ url: emu.function_url, token: t.token });
  assert.equal((await fn.fetch("/")).status, 200);
  await c.deleteToken(t.id);
  assert.equal((await fn.fetch("/")).status, 403);
});

test("an expired token is refused", async () => {
  const t = await client().createToken({ functionId: emu.function_id, expiresAt: new Date(Date.now() + 1500) });
  const fn = new PrivateFunction({ url: emu.function_url, token: t.token });
  assert.equal((await fn.fetch("/")).status, 200);
  await sleep(1700);
  assert.equal((await fn.fetch("/")).status, 403);
});

test("a namespace token opens every function of the namespace, a function token only its own", async () => {
  const c = client();
  const other = await secondFunction();
  const otherUrl = `${emu.api_url}/fn/${other}`;
  const ns = (await c.createToken({ namespaceId: emu.namespace_id })).token;
  const fnOnly = (await c.createToken({ functionId: emu.function_id })).token;
  assert.equal((await new PrivateFunction({ url: otherUrl, token: ns }).fetch("/")).status, 200);
  assert.equal((await new PrivateFunction({ url: emu.function_url, token: ns }).fetch("/")).status, 200);
  assert.equal((await new PrivateFunction({ url: otherUrl, token: fnOnly }).fetch("/")).status, 403);
});

test("a token provider is asked lazily, reused, and asked again once after a 403", async () => {
  const c = client();
  const first = await c.createToken({ functionId: emu.function_id });
  const second = await c.createToken({ functionId: emu.function_id });
  const handed = [first.token, second.token];
  let asked = 0;
  const fn = new PrivateFunction({ url: emu.function_url, tokenProvider: async () => handed[asked++] });
  assert.equal(asked, 0);
  assert.equal((await fn.fetch("/")).status, 200);
  assert.equal((await fn.fetch("/")).status, 200);
  assert.equal(asked, 1);
  await c.deleteToken(first.id);
  assert.equal((await fn.fetch("/", { method: "POST", body: "again" })).status, 200);
  assert.equal(asked, 2);
});

test("concurrent first calls ask the token provider once", async () => {
  const { token } = await client().createToken({ functionId: emu.function_id });
  let asked = 0;
  const fn = new PrivateFunction({ url: emu.function_url, tokenProvider: async () => (asked++, token) });
  const answers = await Promise.all([fn.fetch("/a"), fn.fetch("/b"), fn.fetch("/c")]);
  assert.deepEqual(answers.map((r) => r.status), [200, 200, 200]);
  assert.equal(asked, 1);
});

test("a token provider may itself call the library: it mints the token with a FunctionsClient", async () => {
  const c = client();
  const made = [];
  // No await before the calls: they start while the library is inside the fetch that asked.
  const tokenProvider = () => {
    const other = new PrivateFunction({ url: emu.function_url, token: "not.a.token" }).fetch("/nested");
    const minted = c.createToken({ functionId: emu.function_id, description: "minted by the provider" });
    return Promise.all([other, minted]).then(([refused, t]) => {
      made.push(refused.status, t.id);
      return t.token;
    });
  };
  const fn = new PrivateFunction({ url: emu.function_url, tokenProvider });
  const [first, second] = await Promise.all([fn.fetch("/a"), fn.fetch("/b")]);
  assert.deepEqual([first.status, second.status], [200, 200]);
  assert.equal(made.length, 2, "the provider was asked once for both calls");
  assert.equal(made[0], 403);
  assert.equal((await c.getToken(made[1])).description, "minted by the provider");
});

test("decodeToken reads the claims and expiry without verifying", async () => {
  const at = new Date(Date.now() + 3_600_000);
  const t = await client().createToken({ namespaceId: emu.namespace_id, expiresAt: at });
  const { claims, expiresAt } = lib.decodeToken(t.token);
  assert.equal(claims.jti, t.id);
  assert.equal(claims.application_claim[0].namespace_id, emu.namespace_id);
  assert.equal(Math.floor(expiresAt.getTime() / 1000), Math.floor(at.getTime() / 1000));
  assert.throws(() => lib.decodeToken("nope"), ValidationError);
});

test("the caller's signal cancels a call with an AbortError", async () => {
  const { token } = await client().createToken({ functionId: emu.function_id });
  const fn = new PrivateFunction({ url: emu.function_url, token });
  const err = await fn.fetch("/", { signal: AbortSignal.abort() }).catch((e) => e);
  assert.ok(err instanceof AbortError && err instanceof ScwError);
  assert.equal(err.name, "AbortError");
});

test("an http URL that is not this machine is refused before any request", () => {
  assert.throws(() => new PrivateFunction({ url: "http://example.com", token: "t" }), { name: "ValidationError", field: "url" });
  assert.throws(() => new PrivateFunction({ url: "https://example.com" }), { name: "ValidationError", field: "token" });
});

test("outside browsers, no redirect status takes the credential to another origin, with a token or a provider", async () => {
  const elsewhere = await loopback((req, res) => res.end("elsewhere"));
  // The function redirects /<status> to the other origin, and /<status>/home to itself.
  const fn = await loopback((req, res) => {
    const [, status, home] = req.url.split("/");
    if (req.url.startsWith("/back")) return res.end("home");
    res.writeHead(Number(status), { location: home ? "/back" : `${elsewhere.url}/landed` }).end();
  });
  const callers = [
    new PrivateFunction({ url: fn.url, token: "the-credential" }),
    new PrivateFunction({ url: fn.url, tokenProvider: async () => "the-credential" }),
  ];
  for (const caller of callers) {
    for (const status of [301, 302, 303, 307, 308]) {
      for (const init of [{}, { method: "POST", body: "data" }, { redirect: "follow" }]) {
        elsewhere.seen.length = fn.seen.length = 0;
        const res = await caller.fetch(`/${status}`, init);
        assert.equal(await res.text(), "elsewhere");
        assert.equal(elsewhere.seen.length, 1);
        assert.equal(elsewhere.seen[0].headers["x-auth-token"], undefined, `${status} ${JSON.stringify(init)} leaked the credential`);
        const home = await caller.fetch(`/${status}/home`, init);
        assert.equal(await home.text(), "home");
        assert.deepEqual(fn.seen.map((s) => s.headers["x-auth-token"]), ["the-credential", "the-credential", "the-credential"],
          "a redirect within the function's origin keeps it");
      }
    }
  }
});

test("a caller's own redirect mode is obeyed: manual hands the redirect back, error rejects", async () => {
  const elsewhere = await loopback((req, res) => res.end("elsewhere"));
  const fn = await loopback((req, res) => res.writeHead(302, { location: `${elsewhere.url}/landed` }).end());
  const caller = new PrivateFunction({ url: fn.url, token: "the-credential" });
  const manual = await caller.fetch("/", { redirect: "manual" });
  assert.equal(manual.status, 302);
  assert.equal(manual.headers.get("location"), `${elsewhere.url}/landed`);
  const refused = await caller.fetch("/", { redirect: "error" }).catch((e) => e);
  assert.ok(refused instanceof ScwError, String(refused));
  assert.deepEqual(elsewhere.seen, []);
});

test("a deadline signal of the caller rejects with a TimeoutError", async () => {
  const fn = await loopback(() => {}); // never answers
  const caller = new PrivateFunction({ url: fn.url, token: "t" });
  const err = await caller.fetch("/", { signal: AbortSignal.timeout(100) }).catch((e) => e);
  assert.ok(err instanceof TimeoutError && err instanceof ScwError, String(err));
});

test("a token provider that never answers does not outlive the caller's signal", async () => {
  let asked = 0;
  const fn = new PrivateFunction({ url: emu.function_url, tokenProvider: () => (asked++, new Promise(() => {})) });
  const late = await fn.fetch("/", { signal: AbortSignal.timeout(100) }).catch((e) => e);
  assert.ok(late instanceof TimeoutError, String(late));
  const gone = new AbortController();
  setTimeout(() => gone.abort(), 100);
  const aborted = await fn.fetch("/", { signal: gone.signal }).catch((e) => e);
  assert.ok(aborted instanceof AbortError, String(aborted));
  const unasked = asked;
  assert.ok((await fn.fetch("/", { signal: AbortSignal.abort() }).catch((e) => e)) instanceof AbortError);
  assert.equal(asked, unasked, "an aborted signal does not ask the provider");
});

test("a redirect to a data: or file: URL, or to a Location that is not a URL, rejects with a NetworkError, as fetch does", async () => {
  const fn = await loopback((req, res) => res.writeHead(302, { location: decodeURIComponent(req.url.slice(1)) }).end());
  const caller = new PrivateFunction({ url: fn.url, token: "the-credential" });
  for (const target of ["data:text/plain,forged", "file:///etc/hostname", "http://[not-a-host", "https://"]) {
    const path = `/${encodeURIComponent(target)}`;
    const err = await caller.fetch(path).then((r) => r.text(), (e) => e);
    assert.ok(err instanceof NetworkError, `${target}: ${err}`);
    await assert.rejects(fetch(`${fn.url}${path}`), TypeError, `${target}: fetch's own following fails too`);
  }
});
