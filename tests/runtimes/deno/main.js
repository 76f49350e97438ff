// Deno: the package through `npm:` specifiers, resolved from this project's node_modules
// (nodeModulesDir "manual": no download). Prints the scenario's outcome as JSON.
import * as lib from "npm:scw-functions-auth";
import * as invoke from "npm:scw-functions-auth/invoke";
import { scenario } from "../shared/scenario.js";

const env = { ...JSON.parse(Deno.env.get("EMULATOR")), runtime: "deno" };
console.log(JSON.stringify(await scenario(lib, invoke, env)));
