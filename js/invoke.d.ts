// Types of scw-functions-auth/invoke (installed as invoke/index.d.ts): what a page or a proxy
// needs, re-exported from the full declarations so that both entries share one description.
export {
  PrivateFunction,
  FunctionProxy,
  decodeToken,
  ScwError,
  InvalidArgumentsError,
  NotFoundError,
  DeniedAuthenticationError,
  PermissionsDeniedError,
  QuotasExceededError,
  TransientStateError,
  TooManyRequestsError,
  ValidationError,
  NetworkError,
  TimeoutError,
  AbortError,
} from "../index.js";
export type { PrivateFunctionOptions, FunctionProxyOptions, TokenClaims, ErrorDetail } from "../index.js";
