// Finds the emulator's binary for this machine: the one its platform package ships, or one built
// from the source this package carries when cargo is there.
import { spawn, spawnSync } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { createInterface } from "node:readline";
import { fileURLToPath } from "node:url";
import path from "node:path";
import { EmulatorError } from "./error.js";

const packageDir = fileURLToPath(new URL("..", import.meta.url));
const sourceDir = path.join(packageDir, "source");
const manifest = JSON.parse(readFileSync(path.join(packageDir, "package.json"), "utf8"));

/** This machine as the platform packages name it: `linux-x64`, `win32-x64`, `darwin-arm64`... */
const platform = `${process.platform}-${process.arch}`;
const executable = process.platform === "win32" ? "scw-emulator.exe" : "scw-emulator";
const platformPackage = (name) => `scw-emulator-${name}`;
const prebuiltPlatforms = Object.keys(manifest.optionalDependencies ?? {}).map((name) => name.replace(/^scw-emulator-/, ""));

let built;

/**
 * Resolves with the path of the emulator's binary: `$SCW_EMULATOR_BINARY` when set, else the
 * platform package's, else one cargo builds from the source in this package (once; cargo's own
 * messages go to stderr). Rejects with an `EmulatorError` saying what to install when there is none.
 */
export function emulatorBinary() {
  const chosen = process.env.SCW_EMULATOR_BINARY;
  if (chosen) {
    return existsSync(chosen)
      ? Promise.resolve(chosen)
      : Promise.reject(new EmulatorError(`SCW_EMULATOR_BINARY is ${chosen}, which does not exist`));
  }
  const prebuilt = prebuiltBinary();
  if (prebuilt.path) return Promise.resolve(prebuilt.path);
  if (!hasCargo()) {
    return Promise.reject(new EmulatorError(`${prebuilt.missing}, and cargo is not on PATH to build it from source. ${howToInstall()}`));
  }
  built ??= buildFromSource(prebuilt.missing);
  return built;
}

/** `{ path }` of the platform package's binary, or `{ missing }`: why there is none. */
function prebuiltBinary() {
  if (!prebuiltPlatforms.includes(platform)) {
    return { missing: `no prebuilt binary for ${platform} (there are binaries for ${prebuiltPlatforms.join(", ")})` };
  }
  const name = platformPackage(platform);
  let dir;
  try {
    dir = path.dirname(createRequire(import.meta.url).resolve(`${name}/package.json`));
  } catch {
    return {
      missing: `the package ${name}, which holds the binary for ${platform}, is not installed (were optional dependencies left out, with --omit=optional or --no-optional?)`,
    };
  }
  const file = path.join(dir, "bin", executable);
  return existsSync(file) ? { path: file } : { missing: `${file}, the binary for ${platform}, is missing` };
}

function hasCargo() {
  return spawnSync("cargo", ["--version"], { stdio: "ignore" }).status === 0;
}

function howToInstall() {
  return (
    `Install Rust (https://rustup.rs) and run this again: the emulator is then built from the source in this package. ` +
    `Or build it once yourself:\n  cargo install --locked --path ${JSON.stringify(sourceDir)}\n` +
    `and set SCW_EMULATOR_BINARY to the binary it installs (e.g. ~/.cargo/bin/${executable}).`
  );
}

/** Builds the emulator with cargo (a no-op once built) and resolves with the binary's path. */
function buildFromSource(missing) {
  process.stderr.write(`scw-emulator: ${missing}; building it from source with cargo (a few minutes the first time; later starts find it built)\n`);
  const manifestPath = path.join(sourceDir, "Cargo.toml");
  const cargo = spawn(
    "cargo",
    ["build", "--release", "--locked", "--bin", "scw-emulator", "--manifest-path", manifestPath, "--message-format=json-render-diagnostics"],
    { stdio: ["ignore", "pipe", "inherit"] },
  );
  let binary;
  createInterface({ input: cargo.stdout }).on("line", (line) => {
    if (!line.startsWith("{")) return;
    const message = JSON.parse(line);
    if (message.reason === "compiler-artifact" && message.executable) binary = message.executable;
  });
  return new Promise((resolve, reject) => {
    cargo.once("error", (error) => reject(new EmulatorError(`cannot run cargo: ${error.message}`)));
    cargo.once("close", (code) => {
      if (code === 0 && binary) resolve(binary);
      else reject(new EmulatorError(`cargo could not build scw-emulator from ${sourceDir} (exit ${code}): its messages are above`));
    });
  });
}
