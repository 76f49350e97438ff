// The handler of handler.js, served by Scaleway's own local framework, is the upstream of a private
// function behind scw-emulator: the framework checks no credential, yet the handler sees only the
// calls Scaleway would let through, and the caller gets Scaleway's real 403 and 200.
import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { mkdtemp, readFile, writeFile } from "node:fs/promises";
import { createServer } from "node:net";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { serveHandler } from "@scaleway/serverless-functions";
import { handle } from "./handler.js";
import { startEmulator } from "../../tests/support/emulator.mjs";

const here = path.dirname(fileURLToPath(import.meta.url));
let framework;
let emulator;
let seen = 0;

async function freePort() {
  const server = createServer();
  await new Promise((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address();
  await new Promise((resolve) => server.close(resolve));
  return port;
}

before(async () => {
  const port = await freePort();
  framework = serveHandler((event, context) => {
    seen += 1;
    return handle(event, context);
  }, port);
  await framework.ready();
  // The example's seed file, with the upstream moved to the free port.
  const seed = JSON.parse(await readFile(path.join(here, "seed.json"), "utf8"));
  seed.namespaces[0].functions[0].upstream = `http://127.0.0.1:${port}`;
  const file = path.join(await mkdtemp(path.join(os.tmpdir(), "local-framework-")), "seed.json");
  await writeFile(file, JSON.stringify(seed));
  emulator = await startEmulator(["--seed", file]);
  for (let i = 0; i < 50 && !framework.server.listening; i++) await new Promise((r) => setTimeout(r, 50));
});

after(async () => {
  await emulator?.stop();
  await framework?.close();
});

const call = (headers = {}) => fetch(`${emulator.function_url}/greet?name=ada`, { headers });

test("without a credential the caller gets 403 and the handler never runs", async () => {
  const before = seen;
  const res = await call();
  assert.equal(res.status, 403);
  const refused = await call({ "X-Auth-Token": "00000000-0000-4000-8000-0000000000ff" });
  assert.equal(refused.status, 403, "an unknown key");
  assert.equal(seen, before);
});

test("with the seeded IAM key the handler answers 200 through the gateway", async () => {
  const res = await call({ "X-Auth-Token": "00000000-0000-4000-8000-000000000021" });
  assert.equal(res.status, 200);
  assert.deepEqual(await res.json(), { message: "Hello, ada!", method: "GET", path: "/greet" });
});

test("with a function token made through the API the handler answers 200 too", async () => {
  const created = await fetch(`${emulator.api_url}/functions/v1beta1/regions/${emulator.region}/tokens`, {
    method: "POST",
    headers: { "X-Auth-Token": emulator.secret_key, "Content-Type": "application/json" },
    body: JSON.stringify({ function_id: emulator.function_id }),
  });
  const { token } = await created.json();
  const res = await call({ "X-Auth-Token": token });
  assert.equal(res.status, 200);
  assert.equal((await res.json()).message, "Hello, ada!");
});
