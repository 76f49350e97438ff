// Shared by the JS tests: the built package (as a user gets it) and an emulator per test file.
import { after, before } from "node:test";
import { createServer } from "node:http";
import { startEmulator } from "../support/emulator.mjs";

export * as lib from "../../pkg/index.node.js";

/** Starts one emulator for the calling test file and stops it after; resolves to its ready line. */
export function useEmulator(args = []) {
  const ready = {};
  before(async () => Object.assign(ready, await startEmulator(args)));
  after(() => ready.stop?.());
  return ready;
}

/** A UUID that the emulator does not know. */
export const UNKNOWN = "00000000-0000-4000-8000-000000000000";

/**
 * A loopback HTTP server standing in for a function or for a redirect's target: answers with
 * `handler` once a request's body is read, records what it received (`seen`: method, url, headers,
 * body) and each connection that closed (`closed`: url, and whether it was answered). Closed after
 * the test (or file) that made it.
 */
export async function loopback(handler) {
  const seen = [];
  const closed = [];
  const server = createServer((req, res) => {
    res.on("close", () => closed.push({ url: req.url, answered: res.writableFinished }));
    let body = "";
    req.on("data", (chunk) => (body += chunk));
    req.on("end", () => {
      seen.push({ method: req.method, url: req.url, headers: req.headers, body });
      handler(req, res);
    });
  });
  await new Promise((resolve) => server.listen(0, "127.0.0.1", resolve));
  after(() => server.close());
  return { seen, closed, url: `http://127.0.0.1:${server.address().port}` };
}
