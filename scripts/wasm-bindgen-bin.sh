#!/usr/bin/env bash
# Prints the folder holding the wasm-bindgen CLI of the version in Cargo.lock (scripts/setup.sh
# installs it there): ~/.cargo/wasm-bindgen-<version>/bin.
set -euo pipefail
cd "$(dirname "$0")/.."
version=$(awk '/^name = "wasm-bindgen"$/ { getline; gsub(/[^0-9.]/, ""); print; exit }' Cargo.lock)
echo "$HOME/.cargo/wasm-bindgen-$version/bin"
