#!/usr/bin/env bash
# Packs pkg/ (build it first: scripts/build-pkg.sh) and installs the tarball, plus each project's
# own runtime (deno, workerd, vite), into the throwaway projects of tests/runtimes/.
set -euo pipefail
cd "$(dirname "$0")/../.."
rm -f scw-functions-auth-*.tgz
tarball=$(cd pkg && npm pack --silent --pack-destination ..)
for project in node deno workerd vite browser; do
  (cd "tests/runtimes/$project" &&
    npm install --no-save --no-audit --no-fund --loglevel=error "../../../$tarball")
done
echo "tests/runtimes: $tarball installed in node deno workerd vite browser"
