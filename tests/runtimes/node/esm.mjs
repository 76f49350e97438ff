// Node, ES module: the package's `node`/`import` entry. Prints the scenario's outcome as JSON.
import * as lib from "scw-functions-auth";
import { scenario } from "../shared/scenario.js";

const env = { ...JSON.parse(process.env.EMULATOR), runtime: "node-esm" };
console.log(JSON.stringify(await scenario(lib, env)));
