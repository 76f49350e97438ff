#!/usr/bin/env bash
# Builds the npm package into pkg/: wasm-pack (--target web), wasm-opt -Oz, then our own
# entries (js/), TypeScript declarations and package.json.
set -euo pipefail
cd "$(dirname "$0")/.."

name=scw_functions_auth
wasm-pack build --release --target web --out-dir pkg --out-name "$name" --no-pack .

# wasm-pack cannot download binaryen here: the npm `binaryen` package brings wasm-opt.
node_modules/.bin/wasm-opt -Oz --strip-debug --strip-producers \
  --enable-bulk-memory --enable-mutable-globals --enable-sign-ext \
  --enable-nontrapping-float-to-int --enable-multivalue --enable-reference-types \
  "pkg/${name}_bg.wasm" -o "pkg/${name}_bg.wasm"

# The error classes live in the snippet that the wasm imports; the entry re-exports that very
# module so that `instanceof` holds.
errors=$(cd pkg && ls snippets/*/js/errors.js)
sed "s#__ERRORS__#./${errors}#" js/api.js > pkg/api.js
cp js/index.js js/index.node.js js/index.workerd.js js/index.d.ts pkg/
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
  files: ["*.js", "*.d.ts", "*.wasm", "snippets/", "README.md"],
  main: "./index.node.js",
  module: "./index.js",
  types: "./index.d.ts",
  exports: {
    ".": {
      types: "./index.d.ts",
      workerd: "./index.workerd.js",
      node: { import: "./index.node.js", require: "./index.node.js" },
      browser: "./index.js",
      default: "./index.js",
    },
    "./package.json": "./package.json",
  },
  sideEffects: ["./index.js", "./index.node.js", "./index.workerd.js"],
  engines: { node: ">=20.19" },
};
fs.writeFileSync("pkg/package.json", JSON.stringify(pkg, null, 2) + "\n");
JS

# What a browser downloads: the wasm, the wasm-bindgen glue, the snippets and the entry.
wasm="pkg/${name}_bg.wasm"
shipped=("$wasm" "pkg/${name}.js" pkg/snippets/*/js/*.js pkg/api.js pkg/index.js)
gz() { gzip -9c "$1" | wc -c; }
total=0
for f in "${shipped[@]}"; do total=$((total + $(gz "$f"))); done
echo "pkg/ built: wasm $(wc -c < "$wasm") bytes ($(gz "$wasm") gzip -9); wasm + glue + snippets + entry, each gzip -9: ${total} bytes"
