// FunctionProxy's cost: a 1 KB POST to a private function of the release emulator, sent directly
// with the credential, and through examples/edge-proxy on Node (node.js) and on workerd (the npm
// `workerd` binary, as tests/runtimes runs it), interleaved. Prints a table and writes bench/PROXY.md.
// Needs pkg/, the release emulator and the runtime projects installed (tests/runtimes/install.sh).
// Usage: node bench/proxy.mjs   Env: N (calls per contender, default 2000).
import { writeFileSync } from "node:fs";
import path from "node:path";
import { root, pkgDir, startEmulator, interleaved, summarize, ms, ratio } from "./common.mjs";
import { freePort, startProcess, startWorkerd, waitForHttp } from "../tests/runtimes/helpers.mjs";

const N = Number(process.env.N ?? 2000);
const example = path.join(root, "examples/edge-proxy");
const APP = "https://app.example.com";
const APP_KEY = "bench";

const emulator = await startEmulator();
const { FunctionsClient } = await import(path.join(pkgDir, "index.node.js"));
const client = new FunctionsClient({ secretKey: emulator.secret_key, apiUrl: emulator.api_url });
const key = await client.createFunctionAccessKey({ projectId: emulator.project_id, expiresAt: new Date(Date.now() + 3_600_000) });
const settings = { FUNCTION_URL: emulator.function_url, SCW_FUNCTION_KEY: key.secretKey, ALLOWED_ORIGINS: APP, APP_KEY };

const nodePort = await freePort();
const node = startProcess(process.execPath, ["node.js"], { cwd: example, env: { ...settings, PORT: String(nodePort) } });
node.url = `http://127.0.0.1:${nodePort}`;
await waitForHttp(node.url, { process: node });
const workerd = await startWorkerd({ modules: { "proxy/proxy.js": path.join(example, "proxy.js") }, bindings: settings });

const body = "x".repeat(1024);
const post = (url, headers) => async () => {
  const res = await fetch(`${url}/bench`, { method: "POST", body, headers });
  if (res.status !== 200) throw new Error(`${url}: ${res.status}`);
  await res.text();
};
try {
  const samples = await interleaved(
    {
      direct: post(emulator.function_url, { "x-auth-token": key.secretKey }),
      node: post(node.url, { origin: APP, "x-app-key": APP_KEY }),
      workerd: post(workerd.url, { origin: APP, "x-app-key": APP_KEY }),
    },
    { n: N },
  );
  const direct = summarize(samples.direct);
  const rows = ["node", "workerd"].map((name) => {
    const s = summarize(samples[name]);
    return `| through the proxy on ${name} | ${ms(s.median)} | ${ms(s.p99)} | +${ms(s.median - direct.median)} (${ratio(s.median, direct.median)}) |`;
  });
  const table = [
    "| 1 KB POST to a private function, n=" + N + " each | median | p99 | over direct, median |",
    "| --- | --- | --- | --- |",
    `| direct, with the credential | ${ms(direct.median)} | ${ms(direct.p99)} | |`,
    ...rows,
  ].join("\n");
  console.log(table);
  writeFileSync(
    path.join(root, "bench/PROXY.md"),
    `# FunctionProxy's cost\n\n\`node bench/proxy.mjs\` (${new Date().toISOString().slice(0, 16)} UTC, Node ${process.version}, load ${(await import("node:os")).loadavg().map((l) => l.toFixed(2)).join(" ")}):\n\n${table}\n\n` +
      "Each call goes from Node's fetch to the proxy on loopback (examples/edge-proxy: Node's node:http adapter, or the workerd binary of npm `workerd`), which checks the origin, `authorize` and the path, adds the IAM key and streams the request to the release emulator's echo function and its answer back. Direct: the same POST with `X-Auth-Token`, no proxy. Contenders alternated call by call (the first of each turn rotating) after a warm-up; 2 shared cores.\n",
  );
} finally {
  await node.stop();
  await workerd.stop();
  await emulator.stop();
}
