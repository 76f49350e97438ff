// The public API, re-exported by every entry once the wasm is instantiated. scripts/entry-api.mjs
// keeps, in each list of names from the glue, those the entry's wasm has, and adds
// js/proxy-api.js to the entry whose wasm has FunctionProxy.
import { FunctionsClient, PrivateFunction, decodeToken } from "./scw_functions_auth.js";

// A minified bundle renames the glue's classes and functions: give them back their public names.
for (const [name, value] of Object.entries({ FunctionsClient, PrivateFunction, decodeToken })) {
  Object.defineProperty(value, "name", { value: name });
}

export { FunctionsClient, PrivateFunction, decodeToken };
export {
  ScwError, InvalidArgumentsError, NotFoundError, DeniedAuthenticationError, PermissionsDeniedError,
  QuotasExceededError, TransientStateError, TooManyRequestsError, ValidationError, NetworkError,
  TimeoutError, AbortError,
} from "__ERRORS__";
