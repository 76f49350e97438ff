// Entry for Node (import and require): reads the wasm synchronously, so no top-level await.
import { readFileSync } from "node:fs";
import { initSync } from "./scw_functions_auth.js";

initSync({ module: readFileSync(new URL("./scw_functions_auth_bg.wasm", import.meta.url)) });

export * from "./api.js";
