// What the npm package says about itself: the Node it needs, what it is, and the files a published
// library carries beside its code (the README and both licence texts of `MIT OR Apache-2.0`).
import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import path from "node:path";
import { run } from "../runtimes/helpers.mjs";
import { root } from "./markdown.mjs";

const pkgDir = path.join(root, "pkg");
const manifest = JSON.parse(readFileSync(path.join(pkgDir, "package.json"), "utf8"));

test("engines names a floor on the line of the Node running the tests, which it satisfies", () => {
  const floor = /^>=(\d+)\.(\d+)\.(\d+)$/.exec(manifest.engines?.node ?? "");
  assert.ok(floor, `engines.node is ${manifest.engines?.node}`);
  const running = process.versions.node.split(".").map(Number);
  const wanted = floor.slice(1).map(Number);
  assert.equal(running[0], wanted[0], "the tests run on the oldest major line the package accepts");
  const compare = running.map((n, i) => n - wanted[i]).find((d) => d !== 0) ?? 0;
  assert.ok(compare >= 0, `Node ${process.versions.node} is older than ${manifest.engines.node}`);
  assert.equal(typeof AbortSignal.any, "function", "the floor has AbortSignal.any");
});

test("the description names IAM API keys and FunctionProxy, not only tokens", () => {
  assert.match(manifest.description, /IAM API keys/);
  assert.match(manifest.description, /FunctionProxy/);
});

test("the packed tarball carries the README and both licences, as they are in the repository", async () => {
  const [packed] = JSON.parse(await run("npm", ["pack", "--dry-run", "--json", "--silent"], { cwd: pkgDir }));
  const files = packed.files.map((file) => file.path);
  for (const name of ["README.md", "LICENSE-MIT", "LICENSE-APACHE"]) {
    assert.ok(files.includes(name), `${name} is not in the tarball: ${files.join(", ")}`);
    assert.equal(readFileSync(path.join(pkgDir, name), "utf8"), readFileSync(path.join(root, name), "utf8"), name);
  }
  assert.equal(manifest.license, "MIT OR Apache-2.0");
});
