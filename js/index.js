// Entry for browsers and bundlers: fetches the wasm that sits next to this file. scripts/build-pkg.sh
// bundles it with api.js, the glue and the snippets into one file (pkg/index.js).
import init from "./scw_functions_auth.js";

await init({ module_or_path: new URL("./scw_functions_auth_bg.wasm", import.meta.url) });

export * from "./api.js";
