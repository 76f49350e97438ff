#!/usr/bin/env bash
# Builds the npm package into pkg/: three entries, `scw-functions-auth` (pkg/),
# `scw-functions-auth/invoke` (pkg/invoke/) and `scw-functions-auth/proxy` (pkg/proxy/), each from
# its own wasm (cargo features client, none, proxy): cargo, the wasm-bindgen CLI,
# wasm-opt -Oz, then our entries (js/), esbuild's browser bundle and CommonJS file, the types and
# package.json.
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="$(scripts/wasm-bindgen-bin.sh):$PWD/node_modules/.bin:$HOME/.cargo/bin:$PATH"

name=scw_functions_auth
wasm_features=(--enable-bulk-memory --enable-mutable-globals --enable-sign-ext
  --enable-nontrapping-float-to-int --enable-multivalue --enable-reference-types)

# wasm-bindgen and wasm-opt of one cargo output into the folder $2. They are skipped when the
# folder was made from the same wasm by the same tools and scripts: the wasm embeds the js/
# snippets, so it changes whenever they do.
bind() { # cargo's wasm, folder
  local key
  key=$({ cat "$1" "$0"; wasm-bindgen --version; wasm-opt --version; } | sha256sum)
  if [ "$(cat "$2/.key" 2>/dev/null)" = "$key" ]; then return; fi
  rm -rf "$2"
  wasm-bindgen --target web --no-typescript --omit-default-module-path \
    --out-dir "$2" --out-name "$name" "$1"
  wasm-opt -Oz --strip-debug --strip-producers "${wasm_features[@]}" \
    "$2/${name}_bg.wasm" -o "$2/${name}_bg.wasm"
  echo "$key" > "$2/.key"
}

# One entry into pkg/$1 ("" for the full one, at the package root), built with cargo's arguments
# $2...: the glue, the snippets and the wasm from bind(), api.js (the public names of js/api.js that
# this wasm has), the Node, Deno and workerd entries as they are, and from esbuild the browser
# entry (one file) and the CommonJS one. Each wasm gets its own cargo target folder: in a shared
# one, each build would relink the crate that the other build's features just replaced.
entry() {
  local dir=$1; shift
  local out="pkg/$dir" target="target${dir:+/$dir}" stage="target/bind/${dir:-full}"
  cargo build --quiet --release --target wasm32-unknown-unknown -p scw-functions-auth --target-dir "$target" "$@"
  bind "$target/wasm32-unknown-unknown/release/$name.wasm" "$stage"
  mkdir -p "$out"
  cp -r "$stage/$name.js" "$stage/${name}_bg.wasm" "$stage/snippets" "$out"
  node scripts/entry-api.mjs js/api.js "$out"
  cp js/index.node.js js/index.workerd.js js/index.deno.js "$out"

  # Browsers fetch one file, then the wasm, rather than a chain of imports one after another.
  # The wasm stays a file next to it, named by `new URL("...", import.meta.url)` (kept as is by
  # esbuild), which Vite and webpack find and copy. The public classes and functions keep their
  # names by themselves (js/api.js, js/errors.js), without esbuild's --keep-names (docs/DECISIONS.md).
  # wasm-bindgen's glue lists the snippet module imported directly by the wasm once per import,
  # under the same key: harmless, and silenced.
  cp js/index.js "$out/index.src.js"
  esbuild "$out/index.src.js" --bundle --format=esm --minify --platform=neutral \
    --log-level=warning --log-override:duplicate-object-key=silent --outfile="$out/index.js"
  rm "$out/index.src.js"
  grep -qF "new URL(\"./${name}_bg.wasm\",import.meta.url)" "$out/index.js" ||
    { echo "$out/index.js: the wasm's new URL(..., import.meta.url) is not a literal" >&2; exit 1; }

  # require() on any Node, without require(esm): the Node entry bundled as CommonJS, where the
  # wasm is found from __filename.
  esbuild "$out/index.node.js" --bundle --format=cjs --platform=node --log-level=warning \
    --log-override:duplicate-object-key=silent \
    --define:import.meta.url=import_meta_url \
    --banner:js='"use strict"; const import_meta_url = require("node:url").pathToFileURL(__filename).href;' \
    --outfile="$out/index.cjs"
}

rm -rf pkg
entry "" --no-default-features --features client
entry invoke --no-default-features
entry proxy --no-default-features --features proxy

# Types: the full declarations, and the subpath entries' names re-exported from them. The .d.cts
# copies are the same declarations read as CommonJS, for require().
cp js/index.d.ts pkg/index.d.ts
cp js/index.d.ts pkg/index.d.cts
for sub in invoke proxy; do
  cp "js/$sub.d.ts" "pkg/$sub/index.d.ts"
  sed -E 's#"\.\./(invoke/)?index\.js"#"../\1index.cjs"#' "js/$sub.d.ts" > "pkg/$sub/index.d.cts"
done
cp README.md LICENSE-MIT LICENSE-APACHE pkg/
node scripts/package-json.mjs > pkg/package.json

node bench/size.mjs --summary
