// Entry for Deno: the wasm is imported as a compiled module (source phase import), so no read
// permission and no fetch are needed.
import source wasm from "./scw_functions_auth_bg.wasm";
import { initSync } from "./scw_functions_auth.js";

initSync({ module: wasm });

export * from "./api.js";
