// Size budget: what a browser downloads from pkg/ (wasm + the JS of pkg/index.js's import graph),
// gzip -9 per file, summed, must not exceed bench/size-budget.json. Same figure as bench/run.sh's table.
import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync, existsSync } from "node:fs";
import path from "node:path";
import { libraryShippedSize } from "../../bench/size.mjs";
import { root } from "../../bench/common.mjs";

test("shipped gzip size is within bench/size-budget.json", () => {
  assert.ok(existsSync(path.join(root, "pkg/index.js")), "pkg/ is not built: run make build");
  const budget = JSON.parse(readFileSync(path.join(root, "bench/size-budget.json"), "utf8")).gzipBytes;
  assert.ok(Number.isInteger(budget) && budget > 0, "bench/size-budget.json: gzipBytes must be a positive integer");
  const { files, total } = libraryShippedSize();
  const detail = files.map((f) => `  ${f.file}: ${f.gzip} B gzip`).join("\n");
  assert.ok(
    total.gzip <= budget,
    `shipped size ${total.gzip} B gzip exceeds the budget of ${budget} B (bench/size-budget.json):\n${detail}`,
  );
});
