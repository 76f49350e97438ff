#!/usr/bin/env bash
# Builds the npm packages of scw-emulator into target/npm/, esbuild's layout: `scw-emulator` (the
# `npx scw-emulator` launcher, the JS API and the emulator's source, built with cargo where no
# binary fits) and one package per platform holding its prebuilt binary, an optional dependency of
# the first that npm installs only on its own `os` and `cpu`. Each is packed into target/npm/*.tgz.
#
# Usage: scripts/build-emulator-npm.sh [--platforms linux-x64,linux-arm64,win32-x64]
#   which binaries to build (default: all three; emulator/npm/platforms.json has their Rust targets)
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="$HOME/.cargo/bin:$PATH"

platforms=linux-x64,linux-arm64,win32-x64
while [ $# -gt 0 ]; do
  case "$1" in
    --platforms) platforms=$2; shift 2 ;;
    *) echo "build-emulator-npm: unknown argument $1 (expected --platforms)" >&2; exit 2 ;;
  esac
done

scripts/setup.sh emulator-npm
[[ $platforms == linux-x64 ]] || scripts/setup.sh emulator-npm-cross

npm_dir=emulator/npm
out=target/npm
version=$(awk -F'"' '/^version = /{ print $2; exit }' emulator/Cargo.toml)
rm -rf "$out"
mkdir -p "$out"

# The C compiler (ring's) and the linker of each cross target: Debian's cross compilers, with the
# musl C library and start files that the Rust target ships (musl targets link self-contained).
cross_env() { # rust target
  case "$1" in
    aarch64-unknown-linux-musl)
      export CC_aarch64_unknown_linux_musl=aarch64-linux-gnu-gcc \
        CARGO_TARGET_AARCH64_UNKNOWN_LINUX_MUSL_LINKER=aarch64-linux-gnu-gcc ;;
    x86_64-pc-windows-gnu)
      export CC_x86_64_pc_windows_gnu=x86_64-w64-mingw32-gcc-posix \
        CARGO_TARGET_X86_64_PC_WINDOWS_GNU_LINKER=x86_64-w64-mingw32-gcc-posix ;;
  esac
}

platform_field() { # platform field
  node -e 'const [p, f] = process.argv.slice(1); const e = require(process.cwd() + "/emulator/npm/platforms.json").find((x) => x.platform === p);
    if (!e) { console.error(`build-emulator-npm: unknown platform ${p}`); process.exit(2); } console.log(e[f]);' "$1" "$2"
}

# package.json of $1 (a folder of $out): the template $2 with name, version and the given fields (JSON).
package_json() { # folder template fields
  node -e 'const fs = require("node:fs"); const [dir, template, version, fields] = process.argv.slice(1);
    const pkg = { name: require("node:path").basename(dir), version, ...JSON.parse(fs.readFileSync(template, "utf8")), ...JSON.parse(fields) };
    fs.writeFileSync(dir + "/package.json", JSON.stringify(pkg, null, 2) + "\n");' "$1" "$2" "$version" "$3"
}

licences() { cp LICENSE-MIT LICENSE-APACHE "$1"; }

optional='{}'
for platform in ${platforms//,/ }; do
  target=$(platform_field "$platform" rustTarget)
  (cross_env "$target" && cargo build --quiet --release -p scw-emulator --target "$target")
  exe=scw-emulator; [[ $platform == win32-* ]] && exe=scw-emulator.exe
  dir="$out/scw-emulator-$platform"
  mkdir -p "$dir/bin"
  cp "target/$target/release/$exe" "$dir/bin/$exe"
  package_json "$dir" "$npm_dir/platform/package.json" "$(node -e 'const [os, cpu, what] = process.argv.slice(1);
    console.log(JSON.stringify({ description: `scw-emulator for ${what}: installed by the scw-emulator package.`, os: [os], cpu: [cpu] }))' \
    "${platform%-*}" "${platform#*-}" "$(platform_field "$platform" description)")"
  sed "s/{{platform}}/$platform/g" "$npm_dir/platform/README.md" > "$dir/README.md"
  licences "$dir"
  optional=$(node -e 'const o = JSON.parse(process.argv[1]); o[process.argv[2]] = process.argv[3]; console.log(JSON.stringify(o))' \
    "$optional" "scw-emulator-$platform" "$version")
done

# The main package, with the emulator's source as a crate of its own, for a platform without a
# binary: its own workspace (it may sit inside the user's), the workspace's lock file pruned to its
# dependencies, and cargo's default release profile, stripped.
main="$out/scw-emulator"
cp -r "$npm_dir/scw-emulator" "$main"
mkdir -p "$main/source"
cp -r emulator/src "$main/source/src"
cp Cargo.lock "$main/source/Cargo.lock"
{ cat emulator/Cargo.toml; printf '\n[workspace]\n\n[profile.release]\nopt-level = 3\nstrip = true\n'; } > "$main/source/Cargo.toml"
cargo metadata --quiet --offline --format-version 1 --manifest-path "$main/source/Cargo.toml" > /dev/null
package_json "$main" "$npm_dir/scw-emulator/package.json" "{\"optionalDependencies\": $optional}"
licences "$main"

for dir in "$out"/scw-emulator "$out"/scw-emulator-*/; do
  (cd "$out" && npm pack --silent "./$(basename "$dir")" > /dev/null)
done
ls "$out"/*.tgz
