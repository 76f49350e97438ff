// wasm-bindgen names every import `__wbg_<name>_<hash>`, and those names travel in both the wasm
// and the glue. `wasm-opt --minify-imports-and-exports-and-modules` has shortened them in the wasm
// and printed its map; this renames them in the glue the same way (docs/DECISIONS.md says what it
// saves). Every import of the map must be found in the glue and no long name may be left, else no build.
// Usage: node scripts/minify-wasm-names.mjs <glue.js> <map.json>
import { readFileSync, writeFileSync } from "node:fs";

const [gluePath, mapPath] = process.argv.slice(2);
const map = JSON.parse(readFileSync(mapPath, "utf8"));
const modules = new Set(map.imports.map(([m]) => m));
if (modules.size !== 1 || !modules.has("wbg")) throw new Error(`unexpected import modules: ${[...modules]}`);
const renamedModule = "a"; // what wasm-opt names the only module

let glue = readFileSync(gluePath, "utf8");
const replace = (from, to, required) => {
  const re = new RegExp(from, "g");
  if (required && !re.test(glue)) throw new Error(`${gluePath}: ${from} not found`);
  glue = glue.replace(re, to);
};
replace("\\bimports\\.wbg = \\{\\};", `imports.${renamedModule} = {};`, true);
for (const [, from, to] of map.imports) replace(`\\bimports\\.wbg\\.${from} = `, `imports.${renamedModule}["${to}"] = `, true);
for (const [from, to] of map.exports) replace(`\\bwasm\\.${from}\\b`, `wasm["${to}"]`, false);
const left = glue.match(/\bimports\.wbg\b|\bwasm\.(?!\[)\w+/);
if (left) throw new Error(`${gluePath}: ${left[0]} was not renamed`);
writeFileSync(gluePath, glue);
