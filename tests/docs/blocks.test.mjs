// Every JavaScript and TypeScript block of the README and of docs/ type-checks against the packed
// package, in a throwaway project, with `tsc --strict` and `moduleResolution: "bundler"`. Each block
// is a module of its own; fragments declare what they assume (TypeScript blocks with `declare`,
// JavaScript blocks through tests/docs/assumed.d.ts). tsc runs once over all of them.
import { after, test } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { copyFileSync, mkdirSync, writeFileSync } from "node:fs";
import path from "node:path";
import { codeBlocks, docFiles, root } from "./markdown.mjs";
import { todoOf } from "./pending.mjs";
import { throwawayProject } from "./project.mjs";

const EXTENSIONS = { js: "js", javascript: "js", ts: "ts", typescript: "ts" };

const blocks = docFiles
  .flatMap(codeBlocks)
  .filter((block) => block.lang in EXTENSIONS)
  .map((block) => ({ ...block, module: `blocks/${block.file.replaceAll("/", "_")}-L${block.line}.${EXTENSIONS[block.lang]}` }));

const project = await throwawayProject();
after(project.remove);

mkdirSync(path.join(project.dir, "blocks"));
for (const block of blocks) writeFileSync(path.join(project.dir, block.module), block.code + "\n");
copyFileSync(path.join(root, "tests/docs/assumed.d.ts"), path.join(project.dir, "assumed.d.ts"));

const tsc = spawnSync(path.join(root, "node_modules/.bin/tsc"), ["-p", project.dir, "--pretty", "false"], {
  cwd: project.dir,
  encoding: "utf8",
});
const diagnostics = diagnosticsByFile(tsc.stdout);
// tsc reports no type errors at all while any file has a syntax error (TS1xxx).
const syntaxErrorIn = [...diagnostics].find(([, found]) => found.some(({ message }) => /^error TS1\d{3}:/.test(message)))?.[0];

test("tsc checked the blocks and nothing else failed", () => {
  assert.ok(blocks.length > 0, "no JavaScript or TypeScript block found");
  assert.equal(tsc.error, undefined);
  const elsewhere = [...diagnostics.keys()].filter((file) => !blocks.some((block) => block.module === file));
  assert.deepEqual(elsewhere.map((file) => diagnostics.get(file)).flat(), []);
});

for (const block of blocks) {
  test(`${block.file}:${block.line} (${block.heading}) type-checks`, { todo: todoOf(block) }, () => {
    const errors = (diagnostics.get(block.module) ?? []).map(({ line, message }) => `${block.file}:${block.line + line - 1}: ${message}`);
    assert.deepEqual(errors, []);
    assert.equal(syntaxErrorIn, undefined, `not type-checked: tsc stopped at a syntax error in ${syntaxErrorIn}`);
  });
}

/** tsc's `file(line,col): error TS...: message` lines (with their continuation lines), by file. */
function diagnosticsByFile(output) {
  const byFile = new Map();
  let last;
  for (const text of output.split("\n")) {
    const match = text.match(/^(.+?)\((\d+),\d+\): (error .*)$/);
    if (match) {
      last = { line: Number(match[2]), message: match[3] };
      byFile.set(match[1], [...(byFile.get(match[1]) ?? []), last]);
    } else if (text.startsWith(" ") && last) {
      last.message += `\n${text}`;
    } else if (text.trim()) {
      byFile.set("(tsc)", [...(byFile.get("(tsc)") ?? []), { line: 0, message: text }]);
    }
  }
  return byFile;
}
