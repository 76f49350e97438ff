// Load and durability: mixed create/list/delete/invoke against an emulator with --state, killed
// with SIGKILL in the middle of the load, then restarted on the same state. Every acknowledged
// token must be there, every acknowledged delete must stay deleted, the state file must parse.
// Loopback only; bounded (a few seconds of load, the whole file well under 60 s).
import { test } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, readFileSync, rmSync, existsSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { lib } from "../js/support.mjs";
import { startEmulator } from "../support/emulator.mjs";

const { FunctionsClient, PrivateFunction } = lib;
const WORKERS = 12;
const KILL_AFTER_MS = 6000;
// Deletes only take tokens beyond this many, so that many acknowledged tokens face the kill.
const KEEP = 150;

test("a kill -9 during mixed load loses no acknowledged change", { timeout: 60_000 }, async (t) => {
  const dir = mkdtempSync(path.join(tmpdir(), "scw-load-"));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const state = path.join(dir, "state.json");
  const args = ["--state", state];
  const first = await startEmulator(args);
  const client = new FunctionsClient({ secretKey: first.secret_key, apiUrl: first.api_url, retries: 0 });

  const created = new Map(); // acknowledged creates not (acknowledged) deleted: id -> token
  const deleted = new Set(); // acknowledged deletes
  const uncertain = new Set(); // deletes sent but not acknowledged (the kill came first)
  const stats = { served: 0, errorsBeforeKill: 0, errorsAfterKill: 0, creates: 0, lists: 0, deletes: 0, invokes: 0 };
  let killed = false;
  let stop = false;

  async function one(worker, i) {
    const op = (worker + i) % 4;
    if (op === 0 || created.size === 0 || (op === 2 && created.size <= KEEP)) {
      const scope = i % 2 ? { functionId: first.function_id } : { namespaceId: first.namespace_id };
      const t = await client.createToken({ ...scope, description: `load ${worker}/${i}` });
      created.set(t.id, t.token);
      stats.creates++;
    } else if (op === 1) {
      await client.listTokens({ pageSize: 100, page: 1 + (i % 3) });
      stats.lists++;
    } else if (op === 2) {
      const id = [...created.keys()][worker % created.size];
      created.delete(id);
      uncertain.add(id);
      await client.deleteToken(id);
      uncertain.delete(id);
      deleted.add(id);
      stats.deletes++;
    } else {
      const [id, token] = [...created.entries()][i % created.size];
      const res = await new PrivateFunction({ url: first.function_url, token }).fetch(`/load/${i}`);
      await res.arrayBuffer();
      // A token deleted by another worker meanwhile is refused; any other answer is a failure.
      assert.ok(res.status === 200 || (res.status === 403 && !created.has(id)), `invoke answered ${res.status}`);
      stats.invokes++;
    }
    stats.served++;
  }

  async function worker(w) {
    for (let i = 0; !stop; i++) {
      try {
        await one(w, i);
      } catch (error) {
        if (!killed) {
          stats.errorsBeforeKill++;
          t.diagnostic(`error before the kill: ${error}`);
        } else stats.errorsAfterKill++;
        if (killed) return;
      }
    }
  }

  const started = Date.now();
  const running = Array.from({ length: WORKERS }, (_, w) => worker(w));
  await new Promise((r) => setTimeout(r, KILL_AFTER_MS));
  killed = true;
  first.process.kill("SIGKILL");
  await new Promise((r) => first.process.once("exit", r));
  stop = true;
  await Promise.all(running);
  const loadSeconds = (Date.now() - started) / 1000;

  // What the disk holds right after the crash: the snapshot parses; the journal's lines parse,
  // except at most a torn last line that was never acknowledged.
  JSON.parse(readFileSync(state, "utf8"));
  const journalLines = existsSync(`${state}.journal`) ? readFileSync(`${state}.journal`, "utf8").split("\n") : [];
  const parses = (line) => {
    try {
      JSON.parse(line);
      return true;
    } catch {
      return false;
    }
  };
  const last = journalLines.at(-1) ?? "";
  const corrupt = journalLines.slice(0, -1).filter((l) => !parses(l));
  assert.deepEqual(corrupt, [], "every journal line before the last one parses");
  const torn = last && !parses(last) ? 1 : 0;

  const second = await startEmulator(args);
  t.after(() => second.stop());
  const after = new FunctionsClient({ secretKey: second.secret_key, apiUrl: second.api_url });
  const present = new Set((await after.listAllTokens({})).map((tk) => tk.id));
  const lost = [...created.keys()].filter((id) => !present.has(id));
  const resurrected = [...deleted].filter((id) => present.has(id));
  const uncertainKept = [...uncertain].filter((id) => present.has(id)).length;

  // An acknowledged token still opens the function after the restart (same namespace key).
  const [someId, someToken] = [...created.entries()].find(([id]) => present.has(id)) ?? [];
  if (someToken) {
    const res = await new PrivateFunction({ url: second.function_url, token: someToken }).fetch("/after-restart");
    assert.equal(res.status, 200, `token ${someId} opens the function after the restart`);
  }

  await second.stop();
  const snapshot = JSON.parse(readFileSync(state, "utf8"));
  assert.ok(snapshot && typeof snapshot === "object", "the state file parses after a clean stop");

  const report = {
    loadSeconds,
    workers: WORKERS,
    requestsServed: stats.served,
    perSecond: Math.round(stats.served / loadSeconds),
    creates: stats.creates,
    lists: stats.lists,
    deletes: stats.deletes,
    invokes: stats.invokes,
    errorsBeforeKill: stats.errorsBeforeKill,
    failedByTheKill: stats.errorsAfterKill,
    acknowledgedTokens: created.size,
    acknowledgedDeletes: deleted.size,
    inFlightDeletesAtKill: uncertain.size,
    inFlightDeletesStillPresent: uncertainKept,
    journalLines: journalLines.filter(Boolean).length,
    tornJournalLines: torn,
    lostTokens: lost.length,
    resurrectedTokens: resurrected.length,
  };
  t.diagnostic(`load report ${JSON.stringify(report)}`);
  console.log("load report", report);
  assert.equal(stats.errorsBeforeKill, 0, "no error while the emulator was up");
  assert.deepEqual(lost, [], "every acknowledged token survived the kill");
  assert.deepEqual(resurrected, [], "every acknowledged delete stayed deleted");
  assert.ok(stats.served > 100, "the load did run");
});
