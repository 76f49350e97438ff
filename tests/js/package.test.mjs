// The built package as npm would install it: both entries resolve, in both module systems, and
// their declarations name what they export.
import { test } from "node:test";
import assert from "node:assert/strict";
import { createRequire } from "node:module";
import { readFileSync, writeFileSync, existsSync, mkdtempSync, mkdirSync, symlinkSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import ts from "typescript";

const pkgDir = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../../pkg");
const manifest = JSON.parse(readFileSync(path.join(pkgDir, "package.json"), "utf8"));
const names = ["FunctionsClient", "PrivateFunction", "FunctionProxy", "decodeToken", "ScwError", "InvalidArgumentsError", "NotFoundError",
  "DeniedAuthenticationError", "PermissionsDeniedError", "QuotasExceededError", "TransientStateError",
  "TooManyRequestsError", "ValidationError", "NetworkError", "TimeoutError", "AbortError"];
const entries = {
  "scw-functions-auth": names.filter((name) => name !== "FunctionProxy"),
  "scw-functions-auth/invoke": names.filter((name) => name !== "FunctionsClient" && name !== "FunctionProxy"),
  "scw-functions-auth/proxy": names.filter((name) => name !== "FunctionsClient"),
};

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

for (const [entry, expected] of Object.entries(entries)) {
  test(`an ES module user imports every name of ${entry} by package name`, async () => {
    const user = path.join(project(), "x.mjs");
    writeFileSync(user, `export * from "${entry}";`);
    const lib = await import(pathToFileURL(user).href);
    assertNames(lib, expected);
    assert.ok(new lib.NotFoundError("x") instanceof lib.ScwError);
  });

  test(`a CommonJS user requires ${entry} by name`, () => {
    const lib = createRequire(path.join(project(), "x.cjs"))(entry);
    assertNames(lib, expected);
    assert.throws(() => new lib.PrivateFunction({ url: "", token: "x" }), lib.ValidationError);
  });

  test(`${entry}'s declarations, for import and for require, name exactly the values it exports`, () => {
    const conditions = manifest.exports["." + entry.slice("scw-functions-auth".length)].types;
    for (const file of [conditions.default, conditions.require]) {
      assert.deepEqual(declaredValues(path.join(pkgDir, file)), [...expected].sort(), file);
    }
  });
}

/** Exactly the names of the contract are exported (`default` aside, which CommonJS interop adds). */
function assertNames(lib, expected) {
  for (const name of expected) assert.ok(lib[name], name);
  assert.deepEqual(Object.keys(lib).filter((n) => n !== "default" && n !== "module.exports").sort(), [...expected].sort());
}

/** The value names (classes, functions) a declaration file exports, re-exports followed. */
function declaredValues(file) {
  const program = ts.createProgram([file], { noEmit: true, module: ts.ModuleKind.NodeNext, moduleResolution: ts.ModuleResolutionKind.NodeNext });
  const checker = program.getTypeChecker();
  const exported = checker.getExportsOfModule(checker.getSymbolAtLocation(program.getSourceFile(file)));
  const target = (s) => (s.flags & ts.SymbolFlags.Alias ? checker.getAliasedSymbol(s) : s);
  return exported.filter((s) => target(s).flags & ts.SymbolFlags.Value).map((s) => s.name).sort();
}
