# The commands the README names: make demo, make test, make build, make bench.
SHELL := /bin/bash
.SHELLFLAGS := -euo pipefail -c
export PATH := $(shell scripts/wasm-bindgen-bin.sh):$(HOME)/.cargo/bin:$(CURDIR)/node_modules/.bin:$(PATH)

WASM := --target wasm32-unknown-unknown
PORT ?= 8080
PROXY_PORT ?= 8787
# The emulator's flags for the demo. IAM propagation shows how a new key is refused now and then
# before every IAM instance admits it: 30 s instead of Scaleway's 2 minutes keeps the walk-through
# short. DEMO_FLAGS="--profile production" gives all of Scaleway's 2026 behaviours.
DEMO_FLAGS ?= --iam-propagation 30s

.PHONY: setup build emulator panic-probe lint test test-rust test-wasm test-js test-size test-docs test-browser test-runtimes test-python test-examples test-emulator-npm deny demo bench

setup:
	scripts/setup.sh wasm npm

## pkg/: the npm package, three entries (cargo, wasm-bindgen, wasm-opt -Oz, esbuild, types, package.json)
build: setup
	scripts/build-pkg.sh

emulator:
	cargo build --quiet -p scw-emulator

lint: setup
	cargo fmt --all -- --check
	cargo clippy --quiet --workspace --all-targets -- -D warnings
	cargo clippy --quiet -p scw-functions-auth --lib $(WASM) -- -D warnings
	cargo clippy --quiet -p scw-functions-auth --lib --no-default-features $(WASM) -- -D warnings
	cargo clippy --quiet -p scw-functions-auth --lib --no-default-features --features client $(WASM) -- -D warnings
	cargo clippy --quiet -p scw-functions-auth --lib --no-default-features --features proxy $(WASM) -- -D warnings
	cargo clippy --quiet -p scw-functions-auth --all-targets $(WASM) -- -D warnings
	cargo clippy --quiet -p scw-functions-auth --lib --features test-panic $(WASM) -- -D warnings

test-rust:
	cargo test --workspace
	cargo test -p scw-functions-auth --lib --no-default-features

# The crate is a wasm-pack crate: `wasm-pack test --node` runs the JS boundary's wasm-bindgen tests
# (tests/wasm.rs) under Node, and `wasm-pack build` makes its package (into target/, unused beyond).
test-wasm: setup
	scripts/setup.sh wasm-pack
	wasm-pack test --node -- --test wasm
	wasm-pack --quiet build --dev --target web --no-pack --out-dir target/wasm-pack
	test -f target/wasm-pack/scw_functions_auth_bg.wasm

# The full entry built with a deliberate panic (cargo feature test-panic), for tests/js/panic.test.mjs.
# A debug build in the default target folder, whose dependencies test-wasm has compiled already.
panic-probe: setup
	cargo build --quiet --target wasm32-unknown-unknown -p scw-functions-auth --features test-panic
	wasm-bindgen --target web --out-dir target/panic/pkg target/wasm32-unknown-unknown/debug/scw_functions_auth.wasm

test-js: build emulator panic-probe
	tsc -p tests/types/tsconfig.json
	node --test tests/js/*.test.mjs tests/conformance/*.test.mjs tests/load/*.test.mjs

# Each entry's shipped size against its budget in bench/size-budget.json.
test-size: build
	node --test tests/size/*.test.mjs

# The README and docs/ against the packed package, in throwaway projects: every JavaScript and
# TypeScript block type-checks (tsc --strict), the README's first quick start runs against the
# emulator, docs/api.md covers every export, links lead somewhere; engines, description, licences.
test-docs: build emulator
	node --test tests/docs/*.test.mjs

test-browser: build emulator
	scripts/setup.sh browser
	node --test tests/browser/*.test.mjs

# The packed tarball installed into throwaway projects, both entries: node ESM and CJS, Deno,
# workerd, Bun, a Vite and a webpack build and a plain module page in Chromium, and the edge token broker.
test-runtimes: build emulator
	scripts/setup.sh browser
	tests/runtimes/install.sh
	node --test tests/runtimes/*.test.mjs

# Scaleway's official Python SDK (pinned in tests/conformance/python/requirements.txt) against the
# emulator, in a venv of its own under target/ (made once; reinstalled when the pins change).
PYTHON_VENV := target/python
$(PYTHON_VENV)/.installed: tests/conformance/python/requirements.txt
	python3 -m venv $(PYTHON_VENV) 2>/dev/null || { apt-get update -qq && apt-get install -y -qq python3-venv >/dev/null && python3 -m venv $(PYTHON_VENV); }
	$(PYTHON_VENV)/bin/pip install --quiet --disable-pip-version-check -r $<
	touch $@

test-python: emulator $(PYTHON_VENV)/.installed
	$(PYTHON_VENV)/bin/python -m pytest -p no:cacheprovider tests/conformance/python

# A handler served by Scaleway's local framework (@scaleway/serverless-functions, pinned in the
# example's package-lock.json) as a private function's upstream behind the emulator.
examples/local-framework/node_modules/.package-lock.json: examples/local-framework/package-lock.json
	npm ci --prefix examples/local-framework --no-audit --no-fund --loglevel=error

test-examples: emulator examples/local-framework/node_modules/.package-lock.json
	node --test examples/local-framework/*.test.mjs

# scw-emulator on npm as a JavaScript developer gets it: the packages (scripts/build-emulator-npm.sh,
# here the Linux x64 binary only, as it ships), installed from their tarballs into a throwaway
# project on a PATH without cargo: npx, startEmulator from node:test, the types, killed parents, a
# platform without a binary, and the Vitest suite of examples/testing/. Also `cargo install --path emulator`.
test-emulator-npm: build emulator
	scripts/build-emulator-npm.sh --platforms linux-x64
	node --test tests/emulator-npm/*.test.mjs

# Licenses, bans and sources of every crate (deny.toml; exceptions in SECURITY-EXCEPTIONS.md).
deny: setup
	scripts/setup.sh deny
	cargo deny --workspace check licenses bans sources

test: lint deny test-rust test-wasm test-js test-size test-docs test-python test-examples test-emulator-npm test-browser test-runtimes

## Builds the package and the emulator, then serves the demo page and the API on PORT, and
## examples/edge-proxy on Node on PROXY_PORT in front of the demo's private function. Ctrl-C stops both.
demo: build
	cargo build --quiet --release -p scw-emulator
	node scripts/demo.mjs --port $(PORT) --proxy-port $(PROXY_PORT) -- $(DEMO_FLAGS)

# FunctionProxy's guard runs in workerd too: the runtimes' npm projects bring it.
bench: build
	scripts/setup.sh bench browser
	tests/runtimes/install.sh
	cargo build --quiet --release -p scw-emulator
	bench/run.sh
