// The public API, re-exported by every entry once the wasm is instantiated.
export { FunctionsClient, PrivateFunction, decodeToken } from "./scw_functions_auth.js";
export {
  ScwError, InvalidArgumentsError, NotFoundError, DeniedAuthenticationError, PermissionsDeniedError,
  QuotasExceededError, TransientStateError, TooManyRequestsError, ValidationError, NetworkError,
  TimeoutError, AbortError,
} from "__ERRORS__";
