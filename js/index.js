// Entry for browsers, Deno and bundlers: fetches the wasm that sits next to this file.
import init from "./scw_functions_auth.js";

await init({ module_or_path: new URL("./scw_functions_auth_bg.wasm", import.meta.url) });

export * from "./api.js";
