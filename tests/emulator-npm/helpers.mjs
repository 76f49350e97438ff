// Shared by the tests of the npm packages: where they are, and a machine without Rust.
import assert from "node:assert/strict";
import { existsSync, readdirSync } from "node:fs";
import { fileURLToPath } from "node:url";
import path from "node:path";

export const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");
const packed = path.join(root, "target/npm");

/**
 * The environment of a JavaScript developer without Rust: PATH without the folders that hold cargo.
 * Without node:test's NODE_TEST_CONTEXT as well, so that a `node --test` run in it reports on stdout.
 */
export const withoutCargo = {
  ...Object.fromEntries(Object.entries(process.env).filter(([name]) => name !== "NODE_TEST_CONTEXT")),
  PATH: process.env.PATH.split(path.delimiter)
    .filter((dir) => !existsSync(path.join(dir, "cargo")))
    .join(path.delimiter),
  npm_config_update_notifier: "false",
  NO_COLOR: "1",
};

/** Paths of the scw-emulator and scw-emulator-linux-x64 tarballs of scripts/build-emulator-npm.sh. */
export function emulatorTarballs() {
  const tarballs = readdirSync(packed).filter((f) => /^scw-emulator-(\d|linux-x64-).*\.tgz$/.test(f));
  assert.equal(tarballs.length, 2, `scw-emulator and scw-emulator-linux-x64 in ${packed} (scripts/build-emulator-npm.sh)`);
  return tarballs.map((f) => path.join(packed, f));
}
