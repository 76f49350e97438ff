// Size budgets, a guard against regressions: what a browser downloads for each entry of pkg/ (its
// index.js and every JS file of its import graph, and its wasm), gzip -9 per file, summed, must not
// exceed its budget in bench/size-budget.json (the measured size plus 10 %; docs/DECISIONS.md says
// when and why a budget changed). Same figures as bench/run.sh's table.
import { test } from "node:test";
import assert from "node:assert/strict";
import { existsSync } from "node:fs";
import path from "node:path";
import { entrySizes, BUDGET_FILE } from "../../bench/size.mjs";
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
