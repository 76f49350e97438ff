// Every relative link of the README and of docs/ leads to a file of the repository, and every
// #anchor to a heading of the page it names.
import { test } from "node:test";
import assert from "node:assert/strict";
import { existsSync } from "node:fs";
import path from "node:path";
import { anchors, docFiles, links, root } from "./markdown.mjs";

for (const file of docFiles) {
  test(`${file}: every relative link and anchor leads somewhere`, () => {
    const broken = [];
    for (const { line, target } of links(file)) {
      if (/^[a-z]+:/i.test(target)) continue;
      const [where, anchor] = target.split("#");
      const linked = where ? path.posix.join(path.posix.dirname(file), where) : file;
      if (!existsSync(path.join(root, linked))) {
        broken.push(`${file}:${line}: ${target} (no ${linked})`);
      } else if (anchor !== undefined && linked.endsWith(".md") && !anchors(linked).has(anchor)) {
        broken.push(`${file}:${line}: ${target} (no heading #${anchor} in ${linked})`);
      }
    }
    assert.deepEqual(broken, []);
  });
}
