#!/usr/bin/env bash
# Builds the npm package into pkg/: wasm-pack (--target web), wasm-opt -Oz, then our own
# entries (js/), TypeScript declarations and package.json.
set -euo pipefail
cd "$(dirname "$0")/.."

name=scw_functions_auth
rm -rf pkg/snippets   # wasm-pack leaves the snippets of earlier builds there: only this build's ship
cargo build --quiet --release --target wasm32-unknown-unknown
wasm-bindgen --target web --out-dir pkg --out-name "$name" "target/wasm32-unknown-unknown/release/$name.wasm"

# wasm-pack cannot download binaryen here: the npm `binaryen` package brings wasm-opt.
node_modules/.bin/wasm-opt -Oz --strip-debug --strip-producers \
  --enable-bulk-memory --enable-mutable-globals --enable-sign-ext \
  --enable-nontrapping-float-to-int --enable-multivalue --enable-reference-types \
  "pkg/${name}_bg.wasm" -o "pkg/${name}_bg.wasm"

# wasm-bindgen names every import `__wbg_<name>_<hash>` and they travel in both the wasm and the
# glue: shorten the wasm's import and export names to a, b, ... and rename them in the glue.
# Every name of the map must be found in the glue, and no long name may be left: else no build.
node_modules/.bin/wasm-opt --minify-imports-and-exports-and-modules \
  --enable-bulk-memory --enable-mutable-globals --enable-sign-ext \
  --enable-nontrapping-float-to-int --enable-multivalue --enable-reference-types \
  "pkg/${name}_bg.wasm" -o "pkg/${name}_bg.wasm" > "pkg/names.json"
node - "$name" <<'JS'
const fs = require("node:fs");
const name = process.argv[2];
const map = JSON.parse(fs.readFileSync("pkg/names.json", "utf8"));
fs.rmSync("pkg/names.json");
const modules = new Set(map.imports.map(([m]) => m));
if (modules.size !== 1 || !modules.has("wbg")) throw new Error(`unexpected import modules: ${[...modules]}`);
const renamedModule = "a"; // what --minify-imports-and-exports-and-modules names the only module
const rewrite = (file, steps) => {
  let text = fs.readFileSync(file, "utf8");
  for (const [from, to, need] of steps) {
    const re = new RegExp(from, "g");
    const count = (text.match(re) || []).length;
    if (need && count === 0) throw new Error(`${file}: ${from} not found`);
    text = text.replace(re, to);
  }
  fs.writeFileSync(file, text);
  return text;
};
const glue = rewrite(`pkg/${name}.js`, [
  ["\\bimports\\.wbg = \\{\\};", `imports.${renamedModule} = {};`, true],
  ...map.imports.map(([, from, to]) => [`\\bimports\\.wbg\\.${from} = `, `imports.${renamedModule}["${to}"] = `, true]),
  ...map.exports.map(([from, to]) => [`\\bwasm\\.${from}\\b`, `wasm["${to}"]`, false]),
]);
const left = glue.match(/\bimports\.wbg\b|\bwasm\.(?!\[)\w+/);
if (left) throw new Error(`${name}.js: ${left[0]} was not renamed`);
rewrite(`pkg/${name}_bg.wasm.d.ts`, map.exports.map(([from, to]) => [`\\b${from}:`, `${to}:`, false]));
JS

# The error classes live in the snippet that the wasm imports; the entry re-exports that very
# module so that `instanceof` holds.
errors=$(cd pkg && ls snippets/*/js/errors.js)
sed "s#__ERRORS__#./${errors}#" js/api.js > pkg/api.js
cp js/index.js js/index.node.js js/index.workerd.js js/index.deno.js js/index.d.ts pkg/
cp js/index.d.ts pkg/index.d.cts   # the same declarations, read as CommonJS for require()
[ -f README.md ] && cp README.md pkg/
rm -f pkg/.gitignore pkg/package.json

node - <<'JS'
const fs = require("node:fs");
const cargo = fs.readFileSync("Cargo.toml", "utf8");
const field = (k) => cargo.match(new RegExp(`^${k} = "(.*)"`, "m"))[1];
const pkg = {
  name: "scw-functions-auth",
  version: field("version"),
  description: field("description"),
  license: field("license"),
  repository: { type: "git", url: `git+${field("repository")}.git` },
  keywords: ["scaleway", "serverless", "functions", "token", "wasm"],
  type: "module",
  files: ["*.js", "*.cjs", "*.d.ts", "*.d.cts", "*.wasm", "snippets/", "README.md"],
  main: "./index.cjs",
  module: "./index.js",
  types: "./index.d.ts",
  exports: {
    ".": {
      types: { require: "./index.d.cts", default: "./index.d.ts" },
      workerd: "./index.workerd.js",
      deno: "./index.deno.js",
      node: { import: "./index.node.js", require: "./index.cjs" },
      browser: "./index.js",
      default: "./index.js",
    },
    "./package.json": "./package.json",
  },
  sideEffects: ["./index.js", "./index.node.js", "./index.workerd.js", "./index.deno.js", "./index.cjs"],
  engines: { node: ">=18" },
};
fs.writeFileSync("pkg/package.json", JSON.stringify(pkg, null, 2) + "\n");
JS

# index.cjs: the CommonJS entry for require() on any Node, so that nobody depends on require(esm).
# The ES modules (api.js, the wasm-bindgen glue, the snippets) are wrapped one function scope each;
# any import/export form not handled below fails the build rather than shipping a broken entry.
# Names are assigned one `exports.X =` each, so that Node's import() of this file sees them too.
node - <<'JS'
const fs = require("node:fs");
const path = require("node:path");
const order = [];
const seen = new Map();
const exportedNames = new Map();
const names = (list) =>
  list.split(",").map((s) => s.trim()).filter(Boolean).map((s) => {
    const [from, to = from] = s.split(/\s+as\s+/);
    return { from, to };
  });
function load(file) {
  if (seen.has(file)) return seen.get(file);
  const id = `__module${seen.size}`;
  seen.set(file, id);
  const dep = (spec) => load(path.posix.join(path.posix.dirname(file), spec));
  const exported = [];
  const own = [];
  exportedNames.set(id, own);
  let body = fs.readFileSync(path.join("pkg", file), "utf8")
    .replace(/^import\s*\{([^}]*)\}\s*from\s*['"]([^'"]+)['"];?/gm, (_, list, spec) =>
      `const { ${names(list).map((n) => `${n.from}: ${n.to}`).join(", ")} } = ${dep(spec)};`)
    .replace(/^export\s*\{([^}]*)\}\s*from\s*['"]([^'"]+)['"];?/gm, (_, list, spec) => {
      const m = dep(spec);
      for (const n of names(list)) exported.push(`get ${n.to}() { return ${m}.${n.from}; }`), own.push(n.to);
      return "";
    })
    .replace(/^export\s*\*\s*from\s*['"]([^'"]+)['"];?/gm, (_, spec) => {
      const m = dep(spec);
      exported.push(`...${m}`), own.push(...exportedNames.get(m).filter((n) => n !== "default"));
      return "";
    })
    .replace(/^export\s*\{([^}]*)\};?/gm, (_, list) => {
      for (const n of names(list)) exported.push(`${n.to}: ${n.from}`), own.push(n.to);
      return "";
    })
    .replace(/^export default (\w+);?/gm, (_, local) => {
      exported.push(`default: ${local}`), own.push("default");
      return "";
    })
    .replace(/^export ((?:async )?(?:function|class|const|let|var)\s+(\w+))/gm, (_, decl, name) => {
      exported.push(name), own.push(name);
      return decl;
    })
    .replace(/\bimport\.meta\.url\b/g, 'require("node:url").pathToFileURL(__filename).href');
  const left = body.match(/^\s*(import|export)\b.*$/m);
  if (left) throw new Error(`index.cjs: cannot convert "${left[0].trim()}" in ${file}`);
  order.push(`const ${id} = (() => {\n${body}\nreturn { ${exported.join(", ")} };\n})();\n`);
  return id;
}
const api = load("api.js");
const glue = load("scw_functions_auth.js");
fs.writeFileSync("pkg/index.cjs", `"use strict";
// CommonJS entry for Node (require), generated by scripts/build-pkg.sh from the ES modules.
${order.join("\n")}
${glue}.initSync({ module: require("node:fs").readFileSync(require("node:path").join(__dirname, "scw_functions_auth_bg.wasm")) });
${exportedNames.get(api).map((n) => `exports.${n} = ${api}.${n};`).join("\n")}
`);
JS

# The browser entry (pkg/index.js): one ES module bundled by esbuild from js/index.js, api.js, the
# wasm-bindgen glue and the snippets, so that a browser fetches one file and then the wasm rather
# than a chain of six imports one after another. The wasm stays a file next to it, named by
# `new URL("...", import.meta.url)` (kept as is by esbuild), which Vite and webpack find and copy.
# Its error classes are its own (the ones its wasm instance throws). Names are kept so that classes
# still print as FunctionsClient, ScwError, ... The other entries (Node, Deno, workerd, index.cjs)
# keep importing api.js, the glue and the snippets; those are minified one file each, with a
# space put back in `import{`/`export{`/`export*` for tools that read import lines.
if [ -x node_modules/.bin/esbuild ]; then
  node_modules/.bin/esbuild pkg/index.js --bundle --format=esm --minify --keep-names \
    --platform=neutral --log-level=warning --outfile=pkg/index.bundle.js
  mv pkg/index.bundle.js pkg/index.js
  node - "$name" <<'JS'
const fs = require("node:fs");
const name = process.argv[2];
const src = fs.readFileSync("pkg/index.js", "utf8");
const left = src.match(/(?:^|[;}])\s*(?:import|export)\b[^;"'`]*?\bfrom\s*["'][^"']+["']|(?:^|[;}])\s*import\s*["'][^"']+["']/m);
if (left) throw new Error(`pkg/index.js: an import is left in the bundle: ${left[0]}`);
if (!src.includes(`new URL("./${name}_bg.wasm",import.meta.url)`)) throw new Error("pkg/index.js: the wasm's new URL(..., import.meta.url) is not there as a literal");
JS
  for f in "pkg/${name}.js" pkg/snippets/*/js/*.js pkg/api.js; do
    node_modules/.bin/esbuild "$f" --minify --keep-names --format=esm --log-level=warning \
      | sed -E 's/(^|[;}])(import|export)([{*])/\1\2 \3/g' > "$f.min"
    mv "$f.min" "$f"
  done
fi

# What a browser downloads: the entry (one file when esbuild bundled it) and the wasm.
wasm="pkg/${name}_bg.wasm"
shipped=("$wasm" pkg/index.js)
if grep -q "from *[\"']\./" pkg/index.js; then shipped+=("pkg/${name}.js" pkg/snippets/*/js/*.js pkg/api.js); fi
gz() { gzip -9c "$1" | wc -c; }
total=0
for f in "${shipped[@]}"; do total=$((total + $(gz "$f"))); done
echo "pkg/ built: wasm $(wc -c < "$wasm") bytes ($(gz "$wasm") gzip -9); what a browser downloads (${shipped[*]#pkg/}), each gzip -9: ${total} bytes"
