// timeoutMs aborts the request itself: against a server that accepts connections and never
// answers, the call rejects with a TimeoutError on time, and a Node script exits at once
// afterwards (no socket or timer keeps it alive). A caller's signal still ends the call first.
import { test, after } from "node:test";
import assert from "node:assert/strict";
import { createServer } from "node:net";
import { spawn } from "node:child_process";
import { fileURLToPath } from "node:url";
import { lib } from "./support.mjs";

const { FunctionsClient, AbortError, TimeoutError } = lib;
const SECRET = "11111111-2222-4333-8444-555555555555";
const entry = fileURLToPath(new URL("../../pkg/index.node.js", import.meta.url));

// Accepts every connection and reads it, never writing a byte back.
const sockets = new Set();
const silent = createServer((socket) => {
  sockets.add(socket);
  socket.on("close", () => sockets.delete(socket));
  socket.on("error", () => {});
});
await new Promise((r) => silent.listen(0, "127.0.0.1", r));
const apiUrl = `http://127.0.0.1:${silent.address().port}`;
after(() => {
  for (const s of sockets) s.destroy();
  silent.close();
});

test("a Node script exits at once after a TimeoutError", async () => {
  const script = `
    import { FunctionsClient, TimeoutError } from ${JSON.stringify(entry)};
    const client = new FunctionsClient({ secretKey: "${SECRET}", apiUrl: "${apiUrl}", timeoutMs: 300 });
    const started = Date.now();
    try {
      await client.listTokens();
      console.log("resolved");
    } catch (e) {
      console.log(e instanceof TimeoutError ? "TimeoutError" : String(e), Date.now() - started);
    }
  `;
  const started = Date.now();
  const child = spawn(process.execPath, ["--input-type=module", "-e", script], { stdio: ["ignore", "pipe", "inherit"] });
  let out = "";
  child.stdout.on("data", (d) => (out += d));
  const code = await new Promise((resolve) => child.on("exit", resolve));
  const elapsed = Date.now() - started;
  const [outcome, ms] = out.trim().split(" ");
  assert.equal(outcome, "TimeoutError", out);
  assert.ok(Number(ms) >= 250 && Number(ms) < 1500, `rejected after ${ms} ms`);
  assert.equal(code, 0);
  assert.ok(elapsed < 3000, `the process lived ${elapsed} ms`);
});

test("a caller's signal ends the call before the deadline, whatever its reason", async () => {
  const client = new FunctionsClient({ secretKey: SECRET, apiUrl, timeoutMs: 10_000 });
  for (const reason of [undefined, "stop", 42, new Error("mine")]) {
    const controller = new AbortController();
    setTimeout(() => controller.abort(reason), 100);
    const started = Date.now();
    await assert.rejects(client.listNamespaces({ signal: controller.signal }), AbortError, String(reason));
    assert.ok(Date.now() - started < 2000);
  }
});
