// Types of scw-functions-auth/invoke (installed as invoke/index.d.ts): what a page needs,
// re-exported from the full declarations so that the entries share one description.
export {
  PrivateFunction,
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
export type { PrivateFunctionOptions, TokenClaims, ErrorDetail } from "../index.js";
