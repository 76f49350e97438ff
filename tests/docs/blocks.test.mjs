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

// --listFiles: the blocks tsc really read, so that its silence about a block means something.
const tsc = spawnSync(path.join(root, "node_modules/.bin/tsc"), ["-p", project.dir, "--pretty", "false", "--listFiles"], {
  cwd: project.dir,
  encoding: "utf8",
});
if (tsc.error) throw tsc.error;
const { diagnostics, listed, general } = readTscOutput(tsc.stdout);
// tsc reports no type errors at all while any file has a syntax error (TS1xxx).
const syntaxErrorIn = [...diagnostics].find(([, found]) => found.some(({ message }) => /^error TS1\d{3}:/.test(message)))?.[0];

test("tsc checked the blocks and nothing else failed", () => {
  assert.ok(blocks.length > 0, "no JavaScript or TypeScript block found");
  assert.deepEqual(general, []);
  const elsewhere = [...diagnostics.keys()].filter((file) => !blocks.some((block) => block.module === file));
  assert.deepEqual(elsewhere.map((file) => diagnostics.get(file)).flat(), []);
});

for (const block of blocks) {
  test(`${block.file}:${block.line} (${block.heading}) type-checks`, () => {
    assert.ok(listed.has(path.join(project.dir, block.module)), `tsc did not read ${block.module}`);
    const errors = (diagnostics.get(block.module) ?? []).map(({ line, message }) => `${block.file}:${block.line + line - 1}: ${message}`);
    assert.deepEqual(errors, []);
    assert.equal(syntaxErrorIn, undefined, `not type-checked: tsc stopped at a syntax error in ${syntaxErrorIn}`);
  });
}

/**
 * tsc's output read back: its `file(line,col): error TS...: message` lines (with their
 * continuation lines) by file, the files it read (--listFiles), and any other message.
 */
function readTscOutput(output) {
  const diagnostics = new Map();
  const listed = new Set();
  const general = [];
  let last;
  for (const text of output.split("\n")) {
    const match = text.match(/^(.+?)\((\d+),\d+\): (error .*)$/);
    if (match) {
      last = { line: Number(match[2]), message: match[3] };
      diagnostics.set(match[1], [...(diagnostics.get(match[1]) ?? []), last]);
    } else if (text.startsWith(" ") && last) {
      last.message += `\n${text}`;
    } else if (path.isAbsolute(text)) {
      listed.add(text);
    } else if (text.trim()) {
      general.push(text);
    }
  }
  return { diagnostics, listed, general };
}
