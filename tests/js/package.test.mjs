// The built package as npm would install it: its exports resolve, in both module systems.
import { test } from "node:test";
import assert from "node:assert/strict";
import { createRequire } from "node:module";
import { readFileSync, existsSync, mkdtempSync, mkdirSync, symlinkSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";

const pkgDir = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../../pkg");
const manifest = JSON.parse(readFileSync(path.join(pkgDir, "package.json"), "utf8"));
const names = ["FunctionsClient", "PrivateFunction", "decodeToken", "ScwError", "InvalidArgumentsError", "NotFoundError",
  "DeniedAuthenticationError", "PermissionsDeniedError", "QuotasExceededError", "TransientStateError",
  "TooManyRequestsError", "ValidationError", "NetworkError", "TimeoutError", "AbortError"];

/** A project directory with the package installed under node_modules, as a user has it. */
function project() {
  const dir = mkdtempSync(path.join(tmpdir(), "scw-functions-auth-"));
  mkdirSync(path.join(dir, "node_modules"));
  symlinkSync(pkgDir, path.join(dir, "node_modules", "scw-functions-auth"), "dir");
  return dir;
}

test("the manifest names the package and every file its exports point to exists", () => {
  assert.equal(manifest.name, "scw-functions-auth");
  for (const key of ["version", "description", "license", "repository", "files", "exports", "sideEffects"]) assert.ok(manifest[key], key);
  const targets = JSON.stringify(manifest.exports).match(/\.\/[\w.\/-]+/g);
  for (const target of targets) assert.ok(existsSync(path.join(pkgDir, target)), target);
});

test("an ES module user imports every name of the contract by package name", async () => {
  const dir = project();
  const lib = await import(pathToFileURL(createRequire(path.join(dir, "x.js")).resolve("scw-functions-auth")).href);
  for (const name of names) assert.ok(lib[name], name);
  assert.ok(new lib.NotFoundError("x") instanceof lib.ScwError);
});

test("a CommonJS user requires the package by name", () => {
  const lib = createRequire(path.join(project(), "x.cjs"))("scw-functions-auth");
  for (const name of names) assert.ok(lib[name], name);
  assert.throws(() => new lib.FunctionsClient({ secretKey: "" }), lib.ValidationError);
});
