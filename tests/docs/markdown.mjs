// The README and the pages of docs/ as the docs' tests read them: fenced code blocks under their
// headings, links, and the anchors GitHub gives headings.
import { readFileSync, readdirSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";

export const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");

/** The documentation's files, relative to the repository's root. */
export const docFiles = [
  "README.md",
  ...readdirSync(path.join(root, "docs"))
    .filter((name) => name.endsWith(".md"))
    .sort()
    .map((name) => `docs/${name}`),
];

/** The text of a documentation file. */
export const read = (file) => readFileSync(path.join(root, file), "utf8");

const FENCE = /^(\s*)```(\S*)\s*$/;
const HEADING = /^(#{1,6})\s+(.*?)\s*#*\s*$/;

/**
 * Every fenced block of a file: `{ file, line, lang, heading, code }`, where `line` is the line of
 * the block's first code line (1-based) and `heading` the text of the heading above it.
 */
export function codeBlocks(file) {
  const lines = read(file).split("\n");
  const blocks = [];
  let heading = "";
  for (let i = 0; i < lines.length; i++) {
    const title = lines[i].match(HEADING);
    if (title) heading = title[2];
    const open = lines[i].match(FENCE);
    if (!open) continue;
    const indent = open[1].length;
    const start = i + 1;
    let end = start;
    while (end < lines.length && !FENCE.test(lines[end])) end++;
    if (end === lines.length) throw new Error(`${file}:${i + 1}: a code block is never closed`);
    const code = lines.slice(start, end).map((line) => line.slice(indent)).join("\n");
    blocks.push({ file, line: start + 1, lang: open[2], heading, code });
    i = end;
  }
  return blocks;
}

/** The headings of a file, outside code blocks. */
export function headings(file) {
  const found = [];
  let inCode = false;
  for (const line of read(file).split("\n")) {
    if (FENCE.test(line)) inCode = !inCode;
    const title = !inCode && line.match(HEADING);
    if (title) found.push(title[2]);
  }
  return found;
}

/** The anchors GitHub makes for a file's headings (a repeated heading gets `-1`, `-2`...). */
export function anchors(file) {
  const seen = new Map();
  return new Set(
    headings(file).map((text) => {
      const base = slug(text);
      const count = seen.get(base) ?? 0;
      seen.set(base, count + 1);
      return count === 0 ? base : `${base}-${count}`;
    }),
  );
}

/** GitHub's anchor for a heading: lower case, markup and punctuation dropped, spaces as hyphens. */
export function slug(text) {
  return text
    .replace(/\[([^\]]*)\]\([^)]*\)/g, "$1")
    .toLowerCase()
    .replace(/[^\p{L}\p{N}\s_-]/gu, "")
    .replace(/\s/g, "-");
}

/** The links and images of a file, outside code blocks: `{ file, line, target }`. */
export function links(file) {
  const found = [];
  let inCode = false;
  read(file)
    .split("\n")
    .forEach((text, i) => {
      if (FENCE.test(text)) inCode = !inCode;
      if (inCode) return;
      for (const match of text.replace(/`[^`]*`/g, "").matchAll(/!?\[[^\]]*\]\(([^)\s]+)\)/g)) {
        found.push({ file, line: i + 1, target: match[1] });
      }
    });
  return found;
}
