// Bad input never reaches the API and never traps the wasm: each case is followed by a valid call.
import { test } from "node:test";
import assert from "node:assert/strict";
import { lib, useEmulator } from "./support.mjs";

const { FunctionsClient, PrivateFunction, ValidationError, decodeToken } = lib;
const emu = useEmulator();
const ID = "11111111-1111-4111-8111-111111111111";
const huge = "a".repeat(10 * 1024 * 1024);
const later = () => new Date(Date.now() + 3_600_000);

const cases = [
  ["no options", "secretKey", () => new FunctionsClient()],
  ["options not an object", "options", () => new FunctionsClient("key")],
  ["empty secret key", "secretKey", () => new FunctionsClient({ secretKey: "" })],
  ["secret key not a string", "secretKey", () => new FunctionsClient({ secretKey: 42 })],
  ["secret key with CR/LF", "secretKey", () => new FunctionsClient({ secretKey: "a\r\nX-Evil: 1" })],
  ["secret key not a UUID", "secretKey", () => new FunctionsClient({ secretKey: "SCW0123456789ABCDEFG" })],
  ["unknown region", "region", () => new FunctionsClient({ secretKey: "11111111-2222-4333-8444-555555555555", region: "us-east-1" })],
  ["api URL without scheme", "apiUrl", () => new FunctionsClient({ secretKey: "11111111-2222-4333-8444-555555555555", apiUrl: "api.scaleway.com" })],
  ["javascript: api URL", "apiUrl", () => new FunctionsClient({ secretKey: "11111111-2222-4333-8444-555555555555", apiUrl: "javascript:alert(1)" })],
  ["plain http api URL", "apiUrl", () => new FunctionsClient({ secretKey: "11111111-2222-4333-8444-555555555555", apiUrl: "http://api.scaleway.com" })],
  ["negative timeout", "timeoutMs", () => new FunctionsClient({ secretKey: "11111111-2222-4333-8444-555555555555", timeoutMs: -1 })],
  ["NaN retries", "retries", () => new FunctionsClient({ secretKey: "11111111-2222-4333-8444-555555555555", retries: NaN })],
  ["huge retries", "retries", () => new FunctionsClient({ secretKey: "11111111-2222-4333-8444-555555555555", retries: 1e9 })],
  ["both scopes", "functionId", (c) => c.createToken({ functionId: ID, namespaceId: ID })],
  ["neither scope", "functionId", (c) => c.createToken({})],
  ["null options to createToken", "functionId", (c) => c.createToken(null)],
  ["malformed function id", "functionId", (c) => c.createToken({ functionId: "not-a-uuid" })],
  ["path traversal id", "functionId", (c) => c.createToken({ functionId: "../x" })],
  ["expiry in the past", "expiresAt", (c) => c.createToken({ functionId: ID, expiresAt: new Date(0) })],
  ["NaN date", "expiresAt", (c) => c.createToken({ functionId: ID, expiresAt: new Date("nope") })],
  ["February 30th", "expiresAt", (c) => c.createToken({ functionId: ID, expiresAt: "2027-02-30T00:00:00Z" })],
  ["date without time", "expiresAt", (c) => c.createToken({ functionId: ID, expiresAt: "2027-01-01" })],
  ["expiry as a number", "expiresAt", (c) => c.createToken({ functionId: ID, expiresAt: Date.now() + 1e6 })],
  ["description of 10 MB", "description", (c) => c.createToken({ functionId: ID, description: huge })],
  ["description not a string", "description", (c) => c.createToken({ functionId: ID, description: {} })],
  ["undefined id", "id", (c) => c.getToken(undefined)],
  ["null id", "id", (c) => c.getToken(null)],
  ["number id", "id", (c) => c.deleteToken(12)],
  ["id with query characters", "id", (c) => c.getToken("a?b#c")],
  ["id of 10 MB", "id", (c) => c.getToken(huge)],
  ["unknown region in a regional id", "id", (c) => c.getToken(`xx-yyy/${ID}`)],
  ["odd unicode id", "id", (c) => c.getNamespace("\u{1F600}\u0000\uD800")],
  ["page zero", "page", (c) => c.listTokens({ page: 0 })],
  ["negative page size", "pageSize", (c) => c.listTokens({ pageSize: -5 })],
  ["huge page size", "pageSize", (c) => c.listTokens({ pageSize: 1e12 })],
  ["fractional page", "page", (c) => c.listTokens({ page: 1.5 })],
  ["page as a string", "page", (c) => c.listTokens({ page: "1" })],
  ["unknown order", "orderBy", (c) => c.listAllTokens({ orderBy: "name_asc" })],
  ["malformed namespace filter", "namespaceId", (c) => c.listFunctions({ namespaceId: "x" })],
  ["wait with a negative timeout", "timeoutMs", (c) => c.waitForToken(ID, { timeoutMs: -1 })],
  ["function without URL", "url", () => new PrivateFunction({ token: "t" })],
  ["function URL with javascript:", "url", () => new PrivateFunction({ url: "javascript:alert(1)", token: "t" })],
  ["token with CR/LF", "token", () => new PrivateFunction({ url: "https://f.example", token: "t\r\nX-Evil: 1" })],
  ["provider not a function", "tokenProvider", () => new PrivateFunction({ url: "https://f.example", tokenProvider: "t" })],
  ["path with a line break", "path", () => new PrivateFunction({ url: "https://f.example", token: "t" }).fetch("/a\r\nb")],
  ["init not an object", "init", () => new PrivateFunction({ url: "https://f.example", token: "t" }).fetch("/", 5)],
  ["init with a throwing getter", "init", () => new PrivateFunction({ url: "https://f.example", token: "t" }).fetch("/", { get body() { throw new Error("boom"); } })],
  ["provider giving a number", "tokenProvider", () => new PrivateFunction({ url: "https://f.example", tokenProvider: () => 5 }).fetch("/")],
  ["provider giving CR/LF", "tokenProvider", () => new PrivateFunction({ url: "https://f.example", tokenProvider: () => "a\nb" }).fetch("/")],
  ["decoding a number", "token", () => decodeToken(5)],
  ["decoding a JWT whose payload is not JSON", "token", () => decodeToken("a.bm90IGpzb24.c")],
  ["decoding a JWT whose exp is a string", "token", () => decodeToken(`a.${btoa('{"exp":"1738076138"}')}.c`)],
  ["decoding a JWT whose exp no Date can hold", "token", () => decodeToken(`a.${btoa('{"exp":1e20}')}.c`)],
];

test(`${cases.length} hostile inputs each give a ValidationError naming the field, and the next valid call works`, async () => {
  assert.ok(cases.length >= 40);
  const c = new FunctionsClient({ secretKey: emu.secret_key, apiUrl: emu.api_url });
  for (const [story, field, call] of cases) {
    let error;
    try {
      await call(c);
    } catch (e) {
      error = e;
    }
    assert.ok(error instanceof ValidationError, `${story}: ${error}`);
    assert.equal(error.field, field, story);
    assert.equal(error.type, "validation_error", story);
    assert.ok(error.message.length < 200, story);
    const t = await c.createToken({ functionId: emu.function_id, expiresAt: later() });
    assert.equal((await c.getToken(t.id)).id, t.id, `a valid call after: ${story}`);
  }
});

test("an option of the wrong type names the option and never quotes its value", async () => {
  const secret = "99999999-8888-4777-8666-555555555555";
  const key = emu.secret_key;
  const cases = [
    ["timeoutMs", "must be a number", () => new FunctionsClient({ secretKey: key, timeoutMs: secret })],
    ["retries", "must be a number", () => new FunctionsClient({ secretKey: key, retries: [secret] })],
    ["secretKey", "must be a string", () => new FunctionsClient({ secretKey: 424242 })],
    ["region", "must be a string", () => new FunctionsClient({ secretKey: key, region: { name: secret } })],
    ["description", "must be a string", (c) => c.createToken({ functionId: ID, description: 4.2 })],
    ["deleteOld", "must be true or false", (c) => c.rotateFunctionAccessKey("SCW0123456789ABCDEFG", { deleteOld: secret })],
    ["pageSize", "must be a number", (c) => c.listTokens({ pageSize: secret })],
    ["signal", "must be an AbortSignal", (c) => c.listTokens({ signal: secret })],
    ["expiresAt", "must be a Date or an RFC 3339 string", (c) => c.createToken({ functionId: ID, expiresAt: 5 })],
    ["token", "must be a string or a key object from createFunctionAccessKey", () => new PrivateFunction({ url: "https://f.example", token: 7 })],
    ["tokenProvider", "must be a function", () => new PrivateFunction({ url: "https://f.example", tokenProvider: secret })],
  ];
  const c = new FunctionsClient({ secretKey: key, apiUrl: emu.api_url });
  for (const [field, reason, call] of cases) {
    const error = await Promise.resolve().then(() => call(c)).then(() => assert.fail(`${field} accepted`), (e) => e);
    assert.ok(error instanceof ValidationError, `${field}: ${error}`);
    assert.equal(error.field, field);
    assert.equal(error.message, `${field} ${reason}`);
    for (const text of [error.message, String(error), JSON.stringify(error)]) assert.ok(!text.includes(secret) && !text.includes("424242"), text);
  }
});
