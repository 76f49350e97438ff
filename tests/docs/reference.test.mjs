// docs/api.md covers every export of the three entries, as their declarations are built into pkg/:
// its table of entries lists exactly what each entry's .d.ts exports, and each export has a heading
// of its own, or a row of its own in a table, where it is described.
import { test } from "node:test";
import assert from "node:assert/strict";
import path from "node:path";
import ts from "typescript";
import { headings, read, root } from "./markdown.mjs";

const ENTRIES = {
  "scw-functions-auth": "pkg/index.d.ts",
  "scw-functions-auth/invoke": "pkg/invoke/index.d.ts",
  "scw-functions-auth/proxy": "pkg/proxy/index.d.ts",
};
const REFERENCE = "docs/api.md";

const program = ts.createProgram(
  Object.values(ENTRIES).map((file) => path.join(root, file)),
  { strict: true, noEmit: true, target: ts.ScriptTarget.ES2022, lib: ["lib.es2022.d.ts", "lib.dom.d.ts"], types: [] },
);
const checker = program.getTypeChecker();

/** The names an entry's declarations export, values and types alike. */
function exportsOf(file) {
  const source = program.getSourceFile(path.join(root, file));
  assert.ok(source, `${file} is missing: build the package first (scripts/build-pkg.sh)`);
  const module = checker.getSymbolAtLocation(source);
  return checker.getExportsOfModule(module).map((symbol) => symbol.name).sort();
}

/** The names api.md's table of entries lists for an entry. */
function listedFor(entry) {
  const row = read(REFERENCE)
    .split("\n")
    .find((line) => line.startsWith(`| \`${entry}\` |`));
  assert.ok(row, `${REFERENCE} has no row for ${entry} in its table of entries`);
  const [, exportsCell] = row.split("|").slice(1);
  return [...exportsCell.matchAll(/`([^`]+)`/g)].map((match) => match[1]).sort();
}

/** The names api.md describes: a heading that is the name, or a table row whose first cell is. */
function described() {
  const names = new Set();
  for (const heading of headings(REFERENCE)) {
    const name = heading.match(/^`([^`]+)`$/);
    if (name) names.add(name[1]);
  }
  for (const line of read(REFERENCE).split("\n")) {
    const cell = line.match(/^\| `([A-Za-z]+)` \|/);
    if (cell) names.add(cell[1]);
  }
  return names;
}

for (const [entry, file] of Object.entries(ENTRIES)) {
  test(`${REFERENCE} lists exactly what ${entry} exports (${file})`, () => {
    assert.deepEqual(listedFor(entry), exportsOf(file));
  });
}

test(`${REFERENCE} describes every export of the three entries`, () => {
  const documented = described();
  const exported = new Set(Object.values(ENTRIES).flatMap(exportsOf));
  assert.ok(exported.size > 0);
  assert.deepEqual([...exported].filter((name) => !documented.has(name)).sort(), []);
});
