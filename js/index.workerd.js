// Entry for Cloudflare Workers (workerd): wrangler imports a .wasm file as a compiled module.
import wasm from "./scw_functions_auth_bg.wasm";
import { initSync } from "./scw_functions_auth.js";

initSync({ module: wasm });

export * from "./api.js";
