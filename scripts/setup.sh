#!/usr/bin/env bash
# Installs what building and testing need, skipping whatever is already there.
# Usage: scripts/setup.sh [wasm] [npm] [browser] [bench] [deny] [wasm-pack] [emulator-npm] [emulator-npm-cross]
#   (no argument: wasm npm)
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="$HOME/.cargo/bin:$PATH"

CARGO_DENY_VERSION=0.20.2
WASM_PACK_VERSION=0.15.1
# wasm-bindgen-cli must match the wasm-bindgen the crate is locked to: each version goes to a
# folder of its own (scripts/wasm-bindgen-bin.sh), so that checkouts locked to different versions
# can share a machine.
WASM_BINDGEN_BIN=$(scripts/wasm-bindgen-bin.sh)

say() { printf 'setup: %s\n' "$*" >&2; }

cargo_tool() { # name version crate [cargo install options...]
  if ! "$1" --version 2>/dev/null | grep -qF "$2"; then
    say "installing $3 $2"
    cargo install --locked --force --quiet "$3" --version "$2" "${@:4}"
  fi
}

rust_target() { # target
  if ! rustup target list --installed | grep -qx "$1"; then
    say "adding the $1 target"
    rustup target add "$1"
  fi
}

setup_wasm() {
  rust_target wasm32-unknown-unknown
  # Without its default TLS feature: wasm-bindgen-test-runner only talks to local processes, and
  # rustls with ring is a good part of the install's compile time.
  local version=${WASM_BINDGEN_BIN%/bin}
  version=${version##*-}
  if ! "$WASM_BINDGEN_BIN/wasm-bindgen" --version 2>/dev/null | grep -qF "$version"; then
    say "installing wasm-bindgen-cli $version"
    # Not --locked: its lock file names a yanked webpki-roots.
    cargo install --force --quiet wasm-bindgen-cli --version "$version" \
      --no-default-features --root "${WASM_BINDGEN_BIN%/bin}"
  fi
}

setup_wasm_pack() {
  cargo_tool wasm-pack "$WASM_PACK_VERSION" wasm-pack
}

setup_deny() {
  cargo_tool cargo-deny "$CARGO_DENY_VERSION" cargo-deny
}

setup_npm() {
  if [ ! -f node_modules/.package-lock.json ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
    say "npm ci"
    npm ci --no-audit --no-fund --loglevel=error
  fi
}

apt_install() { # command package...
  local cmd=$1; shift
  if ! command -v "$cmd" >/dev/null 2>&1; then
    say "installing $*"
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$@" >/dev/null
  fi
}

# The emulator's static Linux x64 binary for its npm package (musl-gcc compiles ring's C).
setup_emulator_npm() {
  rust_target x86_64-unknown-linux-musl
  apt_install musl-gcc musl-tools
}

# Its Linux arm64 and Windows x64 binaries: Debian's cross compilers compile ring's C and link.
setup_emulator_npm_cross() {
  rust_target aarch64-unknown-linux-musl
  rust_target x86_64-pc-windows-gnu
  apt_install aarch64-linux-gnu-gcc gcc-aarch64-linux-gnu
  apt_install x86_64-w64-mingw32-gcc-posix gcc-mingw-w64-x86-64-posix
}

[ $# -gt 0 ] || set -- wasm npm
for part in "$@"; do
  case "$part" in
    wasm) setup_wasm ;;
    npm) setup_npm ;;
    browser) apt_install chromium chromium ;;
    bench) apt_install wrk wrk ;;
    deny) setup_deny ;;
    wasm-pack) setup_wasm_pack ;;
    emulator-npm) setup_emulator_npm ;;
    emulator-npm-cross) setup_emulator_npm_cross ;;
    *) say "unknown part: $part"; exit 2 ;;
  esac
done
