// The words the demo page shows for expiries and errors (www/format.js has no DOM, so Node runs it).
import { test } from "node:test";
import assert from "node:assert/strict";
import { describeError, relativeExpiry } from "../../www/format.js";

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
