#!/usr/bin/env bash
# Installs what building and testing need, skipping whatever is already there.
# Usage: scripts/setup.sh [wasm] [npm] [browser] [bench] [deny]   (no argument: wasm npm)
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="$HOME/.cargo/bin:$PATH"

CARGO_DENY_VERSION=0.20.2
# wasm-bindgen-cli must match the wasm-bindgen the crate is locked to.
WASM_BINDGEN_VERSION=$(awk '/^name = "wasm-bindgen"$/ { getline; gsub(/[^0-9.]/, ""); print; exit }' Cargo.lock)

say() { printf 'setup: %s\n' "$*" >&2; }

cargo_tool() { # name version crate [cargo install options...]
  if ! "$1" --version 2>/dev/null | grep -qF "$2"; then
    say "installing $3 $2"
    cargo install --locked --force --quiet "$3" --version "$2" "${@:4}"
  fi
}

setup_wasm() {
  if ! rustup target list --installed | grep -qx wasm32-unknown-unknown; then
    say "adding the wasm32-unknown-unknown target"
    rustup target add wasm32-unknown-unknown
  fi
  # Without its default TLS feature: wasm-bindgen-test-runner only talks to local processes, and
  # rustls with ring is a good part of the install's compile time.
  cargo_tool wasm-bindgen "$WASM_BINDGEN_VERSION" wasm-bindgen-cli --no-default-features
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

[ $# -gt 0 ] || set -- wasm npm
for part in "$@"; do
  case "$part" in
    wasm) setup_wasm ;;
    npm) setup_npm ;;
    browser) apt_install chromium chromium ;;
    bench) apt_install wrk wrk ;;
    deny) setup_deny ;;
    *) say "unknown part: $part"; exit 2 ;;
  esac
done
