// Node, CommonJS: the package's `node`/`require` entry. Prints the scenario's outcome as JSON.
"use strict";
const lib = require("scw-functions-auth");

const env = { ...JSON.parse(process.env.EMULATOR), runtime: "node-cjs" };
import("../shared/scenario.js")
  .then(({ scenario }) => scenario(lib, env))
  .then((outcome) => console.log(JSON.stringify(outcome)));
