// The words the demo page shows for expiries and errors (www/format.js has no DOM, so Node runs it).
import { test } from "node:test";
import assert from "node:assert/strict";
import {
  apiRefusal, crossOriginRefusal, defaultExpiry, describeError, expiryState, expiryWarning, isBlockedFetch, preflightCause,
  relativeExpiry, toDateTimeLocal,
} from "../../www/format.js";

const now = new Date("2027-01-10T12:00:00Z");
const after = (ms) => new Date(now.getTime() + ms);
const DAY = 24 * 3600e3;

test("a token expiring in three days reads 'expires in 3 days'", () => {
  assert.equal(relativeExpiry(after(3 * DAY + 60e3), now), "expires in 3 days");
});

test("a token expiring within the hour counts minutes", () => {
  assert.equal(relativeExpiry(after(25 * 60e3), now), "expires in 25 minutes");
  assert.equal(relativeExpiry(after(10e3), now), "expires in less than a minute");
});

test("a token past its expiry reads 'expired', one without expiry never expires", () => {
  assert.equal(relativeExpiry(after(-1), now), "expired");
  assert.equal(relativeExpiry(now, now), "expired");
  assert.equal(relativeExpiry(undefined, now), "never expires");
});

test("an API error names its class, status and type before the message", () => {
  const error = Object.assign(new Error("authentication is denied"), {
    name: "DeniedAuthenticationError", status: 401, type: "denied_authentication",
  });
  assert.equal(describeError(error), "DeniedAuthenticationError (401 denied_authentication): authentication is denied");
});

test("an invalid-arguments error lists the API's help messages", () => {
  const error = Object.assign(new Error("invalid argument(s)"), {
    name: "InvalidArgumentsError", status: 400, type: "invalid_arguments",
    details: [{ argumentName: "expires_at", reason: "constraint", helpMessage: "expires_at must be in the future" }],
  });
  assert.equal(describeError(error),
    "InvalidArgumentsError (400 invalid_arguments): invalid argument(s) (expires_at must be in the future)");
});

test("a validation error names the refused field unless the message already does", () => {
  const named = Object.assign(new Error("expiresAt is in the past"), { name: "ValidationError", field: "expiresAt" });
  assert.equal(describeError(named), "ValidationError: expiresAt is in the past");
  const unnamed = Object.assign(new Error("is required"), { name: "ValidationError", field: "secretKey" });
  assert.equal(describeError(unnamed), "ValidationError [secretKey]: is required");
});

test("a network failure keeps the browser's own error name", () => {
  assert.equal(describeError(new TypeError("Failed to fetch")), "TypeError: Failed to fetch");
});

test("a credential is flagged within 7 days of its expiry, and marked once expired", () => {
  assert.equal(expiryState(after(8 * DAY), now), "later");
  assert.equal(expiryState(after(7 * DAY), now), "soon");
  assert.equal(expiryState(after(60e3), now), "soon");
  assert.equal(expiryState(now, now), "expired");
  assert.equal(expiryState(undefined, now), "never");
});

test("the expiry warning counts keys and tokens expiring soon, then those expired", () => {
  const keys = [{ expiresAt: after(2 * DAY) }, { expiresAt: after(-DAY) }, { expiresAt: after(30 * DAY) }];
  const tokens = [{ expiresAt: after(3 * DAY) }, { expiresAt: after(6 * DAY) }, {}];
  assert.equal(expiryWarning(keys, tokens, now),
    "1 IAM API key and 2 legacy tokens expire within 7 days: rotate the keys, replace the tokens with keys. " +
    "1 IAM API key has expired.");
  assert.equal(expiryWarning([{ expiresAt: after(DAY) }], [], now),
    "1 IAM API key expires within 7 days: rotate the keys.");
  assert.equal(expiryWarning([{ expiresAt: after(30 * DAY) }], [{}], now), "");
});

test("new keys and tokens are offered an expiry 30 days ahead, as a datetime-local value", () => {
  const local = new Date(2027, 0, 10, 9, 5);
  assert.equal(toDateTimeLocal(local), "2027-01-10T09:05");
  assert.equal(defaultExpiry(local), toDateTimeLocal(new Date(2027, 1, 9, 9, 5)));
});

test("a call to another origin needs a preflight with a credential, another method or JSON, not as a plain GET or text POST", () => {
  const call = (method, headers = {}) => ({ method, headers });
  assert.equal(preflightCause(call("GET"), true), "with an X-Auth-Token header");
  assert.equal(preflightCause(call("DELETE"), false), "with the method DELETE");
  assert.equal(preflightCause(call("POST", { "Content-Type": "application/json" }), false), "with a JSON body");
  assert.equal(preflightCause(call("GET"), false), null);
  assert.equal(preflightCause(call("POST", { "Content-Type": "text/plain" }), false), null);
});

test("a blocked call to another origin is explained: a refused preflight, or a refusal the page may not read", () => {
  assert.equal(crossOriginRefusal("with an X-Auth-Token header", true),
    "The browser blocked this call. A call to another origin with an X-Auth-Token header is preceded by a CORS preflight: " +
    "an OPTIONS request, which never carries a credential. The gateway refuses it with 403, as Scaleway's does " +
    "(“no credential” in Activity), so the call itself was never sent. " +
    "Call the function through a proxy that holds its key, or from a server.");
  assert.doesNotMatch(crossOriginRefusal("with a JSON body", false), /Activity/, "no Activity panel off the emulator");
  assert.equal(crossOriginRefusal(null, true),
    "The browser hid the answer. The call went out without a credential and the gateway refused it (403 in Activity); " +
    "the answer has no CORS headers, so this page may not read it.");
});

test("an API the browser cannot reach is explained: no CORS on Scaleway's API, so call it from a server", () => {
  const blocked = Object.assign(new Error("network error: Failed to fetch"), { name: "NetworkError", type: "network_error" });
  assert.equal(isBlockedFetch(blocked), true);
  assert.equal(isBlockedFetch(new TypeError("Failed to fetch")), true);
  assert.equal(isBlockedFetch(Object.assign(new Error("authentication is denied"), { name: "DeniedAuthenticationError" })), false);
  assert.equal(apiRefusal(blocked, "https://api.scaleway.com"),
    "NetworkError (network_error): network error: Failed to fetch. The browser got no answer from https://api.scaleway.com: " +
    "Scaleway's API answers no page on another origin (it sends no CORS headers). " +
    "Manage keys and functions from a server instead (FunctionsClient in Node, Deno or Bun).");
});
