// The secret key never follows a redirect: Scaleway's API never redirects, so an apiUrl that does
// is misconfigured or hostile. Every FunctionsClient method, for every redirect status, refuses the
// answer with a NetworkError naming the target's origin (never its path or query), and the other
// origin receives nothing.
import { test } from "node:test";
import assert from "node:assert/strict";
import { lib, loopback } from "./support.mjs";

const { FunctionsClient, NetworkError } = lib;
const SECRET = "11111111-2222-4333-8444-555555555555";
const ID = "22222222-3333-4444-8555-666666666666";

// The origin a redirect leads to: another port, hence another origin.
const elsewhere = await loopback((req, res) => res.end("{}"));
let status = 302;
const redirector = await loopback((req, res) =>
  res.writeHead(status, { location: `${elsewhere.url}/landed?stolen=query` }).end(),
);

const client = new FunctionsClient({ secretKey: SECRET, apiUrl: redirector.url, retries: 2 });
const calls = {
  createToken: () => client.createToken({ functionId: ID }),
  getToken: () => client.getToken(ID),
  deleteToken: () => client.deleteToken(ID),
  listTokens: () => client.listTokens(),
  listAllTokens: () => client.listAllTokens(),
  waitForToken: () => client.waitForToken(ID),
  createFunctionAccessKey: () => client.createFunctionAccessKey({ projectId: ID, organizationId: ID }),
  listFunctionAccessKeys: () => client.listFunctionAccessKeys({ projectId: ID, organizationId: ID }),
  rotateFunctionAccessKey: () => client.rotateFunctionAccessKey("SCW0123456789ABCDEFG"),
  deleteFunctionAccessKey: () => client.deleteFunctionAccessKey("SCW0123456789ABCDEFG"),
  listNamespaces: () => client.listNamespaces(),
  getNamespace: () => client.getNamespace(ID),
  listFunctions: () => client.listFunctions(),
  getFunction: () => client.getFunction(ID),
};

for (const code of [301, 302, 303, 307, 308]) {
  test(`a ${code} to another origin is refused by every method, and the other origin receives nothing`, async () => {
    status = code;
    for (const [name, call] of Object.entries(calls)) {
      const sent = redirector.seen.length;
      const error = await call().then(
        () => assert.fail(`${name} followed a ${code}`),
        (e) => e,
      );
      assert.ok(error instanceof NetworkError, `${name}: ${error}`);
      assert.equal(error.type, "redirect_refused", name);
      assert.equal(error.status, code, name);
      assert.ok(error.message.includes(elsewhere.url), `${name} names the target origin: ${error.message}`);
      assert.ok(!error.message.includes("stolen") && !error.message.includes("/landed"), `${name}: ${error.message}`);
      assert.ok(!error.message.includes(SECRET), name);
      assert.equal(redirector.seen.length, sent + 1, `${name}: one request, a redirect is not retried`);
    }
    assert.deepEqual(elsewhere.seen, [], "nothing reached the other origin");
  });
}

test("the refused request carried the secret key to the configured origin only", () => {
  assert.ok(redirector.seen.length > 0);
  for (const { headers } of redirector.seen) assert.equal(headers["x-auth-token"], SECRET);
});
