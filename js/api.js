// The public API, re-exported by every entry once the wasm is instantiated.
export { FunctionsClient, PrivateFunction, decodeToken } from "./scw_functions_auth.js";
export * from "__ERRORS__";
