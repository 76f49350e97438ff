// Size budgets: what a browser downloads for each entry of pkg/ (its index.js and every JS file of
// its import graph, and its wasm), gzip -9 per file, summed, must not exceed its budget in
// bench/size-budget.json; a budget only goes down. Same figures as bench/run.sh's table.
import { test } from "node:test";
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { existsSync } from "node:fs";
import path from "node:path";
import { entrySizes, readBudgets, BUDGET_FILE } from "../../bench/size.mjs";
import { root } from "../../bench/common.mjs";

const budgetPath = path.relative(root, BUDGET_FILE);

test("each entry's shipped gzip size is within its budget (brotli printed beside it)", (t) => {
  assert.ok(existsSync(path.join(root, "pkg/package.json")), "pkg/ is not built: run make build");
  const entries = entrySizes();
  assert.deepEqual(entries.map((e) => e.entry), ["scw-functions-auth", "scw-functions-auth/invoke", "scw-functions-auth/proxy"]);
  for (const { entry, budget, files, total } of entries) {
    const detail = files.map((f) => `${f.file} ${f.gzip} B gzip, ${f.brotli} B brotli`).join("; ");
    t.diagnostic(`${entry}: ${total.gzip} B gzip -9 of ${budget}, ${total.brotli} B brotli 11 (${detail})`);
    assert.ok(Number.isInteger(budget) && budget > 0, `${budgetPath}: ${entry}'s budget must be a positive integer`);
    assert.ok(total.gzip <= budget, `${entry}: ${total.gzip} B gzip exceeds its budget of ${budget} B (${budgetPath}): ${detail}`);
  }
});

// Each committed version of the budget file with budgets per entry, oldest first, then the working
// copy: no entry's budget may rise. Without the git history (an exported tree) there is nothing to compare.
test("a budget only goes down", (t) => {
  const git = (...args) => execFileSync("git", args, { cwd: root, encoding: "utf8", stdio: ["ignore", "pipe", "ignore"] });
  let commits;
  try {
    commits = git("log", "--reverse", "--format=%H", "--", budgetPath).split("\n").filter(Boolean);
  } catch {
    return t.skip("no git history");
  }
  const versions = [
    ...commits.map((c) => ({ at: c.slice(0, 10), budgets: readBudgets(git("show", `${c}:${budgetPath}`)) })),
    { at: "the working copy", budgets: readBudgets() },
  ].filter((v) => typeof v.budgets === "object");
  for (let i = 1; i < versions.length; i++) {
    for (const [entry, budget] of Object.entries(versions[i].budgets)) {
      const before = versions[i - 1].budgets[entry];
      assert.ok(before === undefined || budget <= before,
        `${budgetPath}: ${entry}'s budget rose from ${before} to ${budget} B in ${versions[i].at}`);
    }
  }
});
