// IAM propagation in Cloudflare's workerd: a key object made inside a worker is the credential of
// PrivateFunction and FunctionProxy at once, and their retries (on workerd's timers, within the
// request) carry the calls through the emulator's `--iam-propagation 3s` until the key is admitted.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import path from "node:path";
import { here, startEmulator, startWorkerd, readyLine } from "./helpers.mjs";

let emulator;
let worker;
before(async () => {
  emulator = await startEmulator(["--iam-propagation", "3s"]);
  worker = await startWorkerd({
    modules: { "workerd/propagation.js": path.join(here, "workerd/propagation.js") },
    bindings: { EMULATOR: JSON.stringify(readyLine(emulator)) },
  });
});
after(async () => {
  await worker?.stop();
  await emulator?.stop();
});

test("workerd: a new key object opens the function directly and through FunctionProxy once IAM admits it", async (t) => {
  const res = await fetch(worker.url + "/run");
  const body = await res.text();
  assert.equal(res.status, 200, body + worker.output());
  const { direct, proxied, createdAt } = JSON.parse(body);
  assert.equal(createdAt, true);
  assert.equal(direct.status, 200);
  assert.equal(proxied.status, 200);
  const { requests } = await (await fetch(`${emulator.api_url}/emulator/requests`)).json();
  const refused = requests.filter((r) => r.path.includes("/propagation/") && r.reason === "propagating").length;
  t.diagnostic(`admitted after ${direct.ms} ms (direct) and ${proxied.ms} ms (proxied); ${refused} refusals retried`);
});
