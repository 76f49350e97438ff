# The commands the README names: make demo, make test, make build, make bench.
SHELL := /bin/bash
.SHELLFLAGS := -euo pipefail -c
export PATH := $(HOME)/.cargo/bin:$(CURDIR)/node_modules/.bin:$(PATH)

EMULATOR_DEBUG := target/debug/scw-emulator
EMULATOR_RELEASE := target/release/scw-emulator
PORT ?= 8080

.PHONY: setup build emulator lint test test-rust test-wasm test-js demo bench

setup:
	scripts/setup.sh wasm npm

## pkg/: the npm package (wasm-pack, wasm-opt -Oz, entry files, types)
build: setup
	scripts/build-pkg.sh

emulator:
	cargo build --quiet -p scw-emulator

lint:
	cargo fmt --all -- --check
	cargo clippy --quiet --workspace --all-targets -- -D warnings
	cargo clippy --quiet --target wasm32-unknown-unknown -- -D warnings

test-rust:
	cargo test --workspace

test-wasm:
	wasm-pack test --node

test-js: build emulator
	tsc --noEmit -p tests/types
	node --test tests/js/ tests/conformance/

test: setup lint test-rust test-wasm test-js

## Builds the package and the emulator, then serves the demo page and the API.
demo: build
	cargo build --quiet --release -p scw-emulator
	$(EMULATOR_RELEASE) --port $(PORT) | node scripts/demo-banner.mjs

bench: build
	scripts/setup.sh bench
	cargo build --quiet --release -p scw-emulator
	bench/run.sh
