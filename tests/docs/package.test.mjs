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

test("engines names the oldest Node the tests run on, the one running them", () => {
  const major = process.versions.node.split(".")[0];
  assert.equal(manifest.engines?.node, `>=${major}`);
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
