// Node and Bun, ES module: the package's `node`/`import` entries. Prints the scenario's outcome as JSON.
import * as lib from "scw-functions-auth";
import * as invoke from "scw-functions-auth/invoke";
import { scenario } from "../shared/scenario.js";

const env = { ...JSON.parse(process.env.EMULATOR), runtime: `${globalThis.Bun ? "bun" : "node"}-esm` };
console.log(JSON.stringify(await scenario(lib, invoke, env)));
