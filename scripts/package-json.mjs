// Prints pkg/package.json: the fields of Cargo.toml, and for each entry (`scw-functions-auth` at
// the package root, `scw-functions-auth/invoke` in invoke/, `scw-functions-auth/proxy` in proxy/)
// the same `exports` conditions.
import { readFileSync } from "node:fs";

const cargo = readFileSync("Cargo.toml", "utf8");
const field = (k) => cargo.match(new RegExp(`^${k} = "(.*)"`, "m"))[1];
const entries = { ".": "./", "./invoke": "./invoke/", "./proxy": "./proxy/" };

const conditions = (dir) => ({
  types: { require: `${dir}index.d.cts`, default: `${dir}index.d.ts` },
  workerd: `${dir}index.workerd.js`,
  deno: `${dir}index.deno.js`,
  node: { import: `${dir}index.node.js`, require: `${dir}index.cjs` },
  browser: `${dir}index.js`,
  default: `${dir}index.js`,
});
// Importing an entry instantiates its wasm: no bundler may drop these files as unused.
const sideEffects = Object.values(entries).flatMap((dir) =>
  ["index.js", "index.node.js", "index.workerd.js", "index.deno.js", "index.cjs"].map((f) => dir + f),
);

const pkg = {
  name: "scw-functions-auth",
  version: field("version"),
  description: field("description"),
  license: field("license"),
  repository: { type: "git", url: `git+${field("repository")}.git` },
  keywords: ["scaleway", "serverless", "functions", "token", "wasm"],
  type: "module",
  files: ["*.js", "*.cjs", "*.d.ts", "*.d.cts", "*.wasm", "snippets/", "invoke/", "proxy/", "README.md", "LICENSE-MIT", "LICENSE-APACHE"],
  main: "./index.cjs",
  module: "./index.js",
  types: "./index.d.ts",
  exports: {
    ...Object.fromEntries(Object.entries(entries).map(([key, dir]) => [key, conditions(dir)])),
    "./package.json": "./package.json",
  },
  sideEffects,
  // The oldest Node the tests run on.
  // AbortSignal.any (Node 20.3) combines a call's deadline with the caller's signal.
  engines: { node: ">=20.3.0" },
};
console.log(JSON.stringify(pkg, null, 2));
