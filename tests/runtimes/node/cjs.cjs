// Node and Bun, CommonJS: the package's `node`/`require` entries. Prints the scenario's outcome as JSON.
"use strict";
const lib = require("scw-functions-auth");
const invoke = require("scw-functions-auth/invoke");

const env = { ...JSON.parse(process.env.EMULATOR), runtime: `${globalThis.Bun ? "bun" : "node"}-cjs` };
import("../shared/scenario.js")
  .then(({ scenario }) => scenario(lib, invoke, env))
  .then((outcome) => console.log(JSON.stringify(outcome)));
