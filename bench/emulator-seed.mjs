// Helper of bench/emulator-wrk.sh: talks to a running scw-emulator described by its ready line.
//   node bench/emulator-seed.mjs READY_FILE setup
//     -> {"token": <JWT of a new token for the seeded private function>, "public_id": <id of a new public function>}
//   node bench/emulator-seed.mjs READY_FILE tokens N [CONCURRENCY] [SCOPE]
//     -> creates N tokens of the seeded namespace (SCOPE namespace, the default) or of its
//        function (SCOPE function), at most CONCURRENCY (default 32) in flight;
//        {"created", "failed", "seconds", "total_count"}
// Node 20, global fetch (keep-alive), loopback only. Exits non-zero on any refused or failed call.
import { readFileSync } from "node:fs";

const [readyFile, mode, countArg, concurrencyArg, scope = "namespace"] = process.argv.slice(2);
const ready = JSON.parse(readFileSync(readyFile, "utf8").split("\n")[0]);
const url = new URL(ready.api_url);
if (!["127.0.0.1", "localhost", "[::1]"].includes(url.hostname)) {
  throw new Error(`refusing a non-loopback api_url: ${ready.api_url}`);
}
const base = `${ready.api_url}/functions/v1beta1/regions/${ready.region}`;
const headers = { "X-Auth-Token": ready.secret_key, "Content-Type": "application/json" };

async function call(method, path, body) {
  const response = await fetch(`${base}${path}`, {
    method,
    headers,
    body: body === undefined ? undefined : JSON.stringify(body),
    signal: AbortSignal.timeout(30_000),
  });
  const text = await response.text();
  if (!response.ok) throw new Error(`${method} ${path}: HTTP ${response.status} ${text.slice(0, 200)}`);
  return JSON.parse(text);
}

async function totalCount() {
  return (await call("GET", "/tokens?page_size=1")).total_count;
}

if (mode === "setup") {
  const token = await call("POST", "/tokens", { function_id: ready.function_id });
  const plain = await call("POST", "/functions", {
    namespace_id: ready.namespace_id,
    name: `plain-${process.pid}`,
    privacy: "public",
    runtime: "node22",
  });
  console.log(JSON.stringify({ token: token.token, public_id: plain.id }));
} else if (mode === "tokens") {
  const n = Number(countArg);
  const concurrency = Number(concurrencyArg ?? 32);
  if (!Number.isInteger(n) || n < 0 || !Number.isInteger(concurrency) || concurrency < 1 ||
      !["namespace", "function"].includes(scope)) {
    throw new Error("usage: emulator-seed.mjs READY_FILE tokens N [CONCURRENCY] [namespace|function]");
  }
  const body = scope === "function" ? { function_id: ready.function_id } : { namespace_id: ready.namespace_id };
  let next = 0;
  let created = 0;
  let failed = 0;
  let firstError;
  const started = process.hrtime.bigint();
  async function worker() {
    // Each worker takes the next index until all N are claimed or too many calls failed.
    while (next < n && failed < 10) {
      next += 1;
      try {
        await call("POST", "/tokens", body);
        created += 1;
      } catch (error) {
        failed += 1;
        firstError ??= error;
      }
    }
  }
  await Promise.all(Array.from({ length: Math.min(concurrency, Math.max(n, 1)) }, worker));
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  const result = { created, failed, seconds: Number(seconds.toFixed(2)), total_count: await totalCount() };
  console.log(JSON.stringify(result));
  if (failed > 0) {
    console.error(`emulator-seed: ${failed} calls failed, first: ${firstError?.message}`);
    process.exit(1);
  }
} else {
  throw new Error(`unknown mode ${mode}; use setup or tokens`);
}
