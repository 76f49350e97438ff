#!/usr/bin/env bash
# Packs pkg/ (build it first: scripts/build-pkg.sh) and installs the tarball, plus each project's
# own runtime (Node 24, deno, workerd, bun, vite, webpack), into the throwaway projects of tests/runtimes/ and the examples.
set -euo pipefail
cd "$(dirname "$0")/../.."
rm -f scw-functions-auth-*.tgz
tarball=$(cd pkg && npm pack --silent --pack-destination ..)
projects=(tests/runtimes/{node,node24,deno,workerd,bun,vite,webpack,browser} examples/{node,edge-token-broker,edge-proxy})
# One npm at a time would wait on the registry ten times in a row.
pids=()
for project in "${projects[@]}"; do
  (cd "$project" && npm install --no-save --no-audit --no-fund --loglevel=error "$OLDPWD/$tarball" >/dev/null) &
  pids+=($!)
done
for pid in "${pids[@]}"; do wait "$pid"; done
echo "$tarball installed in ${projects[*]}"
