// One error family: `instanceof` works with the classes of any entry, and with those of another
// copy of the package in the same program (the packed tarball installed twice, as two
// dependencies that each bring their own copy would have it).
import { test } from "node:test";
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { mkdtempSync, mkdirSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import * as full from "../../pkg/index.node.js";
import * as invoke from "../../pkg/invoke/index.node.js";
import * as proxy from "../../pkg/proxy/index.node.js";

const CLASSES = ["InvalidArgumentsError", "NotFoundError", "DeniedAuthenticationError", "PermissionsDeniedError",
  "QuotasExceededError", "TransientStateError", "TooManyRequestsError", "ValidationError", "NetworkError",
  "TimeoutError", "AbortError"];

/** The error `call` throws or rejects with. */
async function caught(call) {
  try {
    await call();
  } catch (e) {
    return e;
  }
  assert.fail("no error");
}

/** One ValidationError thrown by each entry's own wasm. */
const thrownBy = (lib) => ({
  PrivateFunction: () => new lib.PrivateFunction({ token: "t" }),
  ...(lib.FunctionProxy && { FunctionProxy: () => new lib.FunctionProxy({ url: "https://f.example", token: "t" }) }),
  ...(lib.FunctionsClient && { FunctionsClient: () => new lib.FunctionsClient({}) }),
});

/** Asserts that `error`, a ValidationError made by one copy, is an instance of `lib`'s classes as it should be. */
function belongs(error, lib, story) {
  assert.ok(error instanceof lib.ScwError, `${story}: ScwError`);
  assert.ok(error instanceof lib.ValidationError, `${story}: ValidationError`);
  assert.ok(error instanceof Error, `${story}: Error`);
  for (const name of CLASSES.filter((n) => n !== "ValidationError")) {
    assert.ok(!(error instanceof lib[name]), `${story}: not a ${name}`);
  }
}

test("an error of any entry is an instance of every entry's classes", async () => {
  for (const [from, lib] of Object.entries({ full, invoke, proxy })) {
    for (const [story, call] of Object.entries(thrownBy(lib))) {
      const error = await caught(call);
      for (const [to, other] of Object.entries({ full, invoke, proxy })) belongs(error, other, `${story} of ${from} in ${to}`);
    }
  }
});

test("an error of one copy of the package is an instance of another copy's classes", async () => {
  const root = fileURLToPath(new URL("../..", import.meta.url));
  const work = mkdtempSync(path.join(tmpdir(), "scw-functions-auth-copies-"));
  const tarball = execFileSync("npm", ["pack", "--silent", "--pack-destination", work], { cwd: path.join(root, "pkg") })
    .toString().trim().split("\n").pop();
  const copies = [];
  for (const name of ["one", "two"]) {
    const dir = path.join(work, name);
    mkdirSync(dir);
    writeFileSync(path.join(dir, "package.json"), JSON.stringify({ name, private: true }));
    execFileSync("npm", ["install", "--no-audit", "--no-fund", "--offline", "--loglevel=error", path.join(work, tarball)], { cwd: dir });
    copies.push(await import(pathToFileURL(path.join(dir, "node_modules/scw-functions-auth/index.node.js")).href));
  }
  const [one, two] = copies;
  assert.notEqual(one.ScwError, two.ScwError, "two copies, two classes");
  belongs(await caught(() => new one.FunctionsClient({})), two, "copy one in copy two");
  belongs(await caught(() => new two.PrivateFunction({ token: "t" })), one, "copy two in copy one");
  const missing = await caught(() => one.decodeToken(5));
  assert.ok(missing instanceof two.ScwError && missing instanceof full.ValidationError);
});

test("a user's own subclass claims only its own instances", async () => {
  class AppError extends full.ScwError {}
  const error = await caught(() => new invoke.PrivateFunction({ token: "t" }));
  assert.ok(!(error instanceof AppError));
  assert.ok(new AppError("mine") instanceof full.ScwError);
  assert.ok(new AppError("mine") instanceof proxy.ScwError);
  assert.ok(!(new AppError("mine") instanceof proxy.ValidationError));
});

test("values that are not errors are instances of none", () => {
  const values = [null, undefined, 5, "ScwError", {}, { name: "ScwError" }, Object.create(null), new Error("x")];
  for (const [i, value] of values.entries()) assert.ok(!(value instanceof full.ScwError), `value ${i}`);
});
