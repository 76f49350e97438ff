// Writes an entry's api.js from js/api.js: of the names it imports from the wasm-bindgen glue
// (every list of them alike), those this entry's wasm has (only the full one has FunctionsClient),
// the error classes from the very snippet module the wasm imports, so that `instanceof` holds, and
// FunctionProxy (js/proxy-api.js) when the wasm has it.
// Usage: node scripts/entry-api.mjs js/api.js pkg/<entry folder>
import { readFileSync, readdirSync, writeFileSync } from "node:fs";
import path from "node:path";
import { pathToFileURL } from "node:url";

const [template, dir] = process.argv.slice(2);
const source = readFileSync(template, "utf8");
const list = source.match(/^import \{([^}]*)\} from "\.\/scw_functions_auth\.js";$/m);
if (!list) throw new Error(`${template}: no import { ... } from "./scw_functions_auth.js" line`);
const glue = await import(pathToFileURL(path.resolve(dir, "scw_functions_auth.js")).href);
const names = list[1].split(",").map((n) => n.trim()).filter((n) => n in glue);
if (names.length === 0) throw new Error(`${dir}: the glue exports none of ${list[1]}`);

const errors = readdirSync(dir, { recursive: true })
  .map((f) => f.split(path.sep).join("/"))
  .filter((f) => f.startsWith("snippets/") && f.endsWith("/js/errors.js"));
if (errors.length !== 1) throw new Error(`${dir}: expected one snippets/*/js/errors.js, found ${errors}`);

// FunctionProxy is exported by a subclass that binds `handle` (js/proxy-api.js).
const proxy = "FunctionProxy" in glue ? readFileSync(path.join(path.dirname(template), "proxy-api.js"), "utf8") : "";
writeFileSync(
  path.join(dir, "api.js"),
  source.replaceAll(`{${list[1]}}`, `{ ${names.join(", ")} }`).replace("__ERRORS__", `./${errors[0]}`) + proxy,
);
