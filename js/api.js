// The public API, re-exported by every entry once the wasm is instantiated. scripts/entry-api.mjs
// keeps the names of the first line that the entry's wasm has, and adds js/proxy-api.js to the
// entry whose wasm has FunctionProxy.
export { FunctionsClient, PrivateFunction, decodeToken } from "./scw_functions_auth.js";
export {
  ScwError, InvalidArgumentsError, NotFoundError, DeniedAuthenticationError, PermissionsDeniedError,
  QuotasExceededError, TransientStateError, TooManyRequestsError, ValidationError, NetworkError,
  TimeoutError, AbortError,
} from "__ERRORS__";
