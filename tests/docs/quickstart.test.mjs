// The README's first quick start, as the README prints it, run with `node` in a throwaway project
// against a real emulator with Scaleway's 2026 behaviours (`--profile production`: key expiry
// required, a new key refused intermittently for 120 s while IAM propagates it): it makes an IAM
// key, calls the private function with it at once, and prints the function's answer once IAM
// admits the key.
import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { writeFileSync } from "node:fs";
import path from "node:path";
import { run } from "../runtimes/helpers.mjs";
import { startEmulator } from "../support/emulator.mjs";
import { codeBlocks } from "./markdown.mjs";
import { throwawayProject } from "./project.mjs";

/** The emulator the quick start runs against: production, as the README's code meets it. */
const EMULATOR_ARGS = ["--profile", "production"];

const quickStart = codeBlocks("README.md").find((block) => block.heading === "Quick start: a server with an IAM key");

let project;
let emulator;
before(async () => {
  [project, emulator] = await Promise.all([throwawayProject(), startEmulator(EMULATOR_ARGS)]);
});
after(async () => {
  await emulator?.stop();
  project?.remove();
});

test("the README's first quick start makes a key and calls the function with it at once", async (t) => {
  assert.equal(quickStart?.lang, "js", "the README's first quick start is a js block");
  const script = path.join(project.dir, "quickstart.mjs");
  writeFileSync(script, quickStart.code);
  const start = performance.now();
  const printed = await run(process.execPath, [script], {
    cwd: project.dir,
    timeoutMs: 180_000,
    env: {
      SCW_SECRET_KEY: emulator.secret_key,
      SCW_PROJECT_ID: emulator.project_id,
      SCW_FUNCTION_URL: emulator.function_url,
      SCW_API_URL: emulator.api_url,
    },
  });
  const seconds = ((performance.now() - start) / 1000).toFixed(1);
  const { requests } = await (await fetch(`${emulator.api_url}/emulator/requests`)).json();
  const refused = requests.filter((r) => r.reason === "propagating").length;
  t.diagnostic(`the quick start ran in ${seconds} s; IAM refused the new key ${refused} times before admitting it`);
  const [status, ...answer] = printed.trim().split(" ");
  assert.equal(status, "200", printed);
  const echoed = JSON.parse(answer.join(" "));
  assert.equal(echoed.path, "/hello");
  assert.equal(echoed.query, "name=ada");
});

test("the README's first quick start names the missing option when its variables are not set", async () => {
  const script = path.join(project.dir, "quickstart-unset.mjs");
  writeFileSync(script, quickStart.code);
  // Undefined values leave a variable out of the child's environment.
  const unset = { SCW_SECRET_KEY: undefined, SCW_PROJECT_ID: undefined, SCW_FUNCTION_URL: undefined, SCW_API_URL: undefined };
  const failure = await run(process.execPath, [script], { cwd: project.dir, env: unset }).then(
    () => assert.fail("the quick start ran without a secret key"),
    (error) => error.message,
  );
  assert.match(failure, /ValidationError/);
  assert.match(failure, /secretKey/);
});
