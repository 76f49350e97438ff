// Error classes of scw-functions-auth. The wasm builds them through makeError, so that
// `instanceof` works with the classes exported from the package entry.

// The classes are named explicitly, so that they keep their names in minified bundles.

/** Base class of every error of the library: `status`, `type`, `message` and the API's fields. */
export class ScwError extends Error {
  constructor(message, fields) {
    super(message);
    Object.assign(this, fields);
  }
}
Object.defineProperty(ScwError, "name", { value: "ScwError" });
ScwError.prototype.name = "ScwError";

const sub = (name, Base = ScwError) => {
  const C = { [name]: class extends Base {} }[name];
  C.prototype.name = name;
  return C;
};

export const InvalidArgumentsError = sub("InvalidArgumentsError");
export const NotFoundError = sub("NotFoundError");
export const DeniedAuthenticationError = sub("DeniedAuthenticationError");
export const PermissionsDeniedError = sub("PermissionsDeniedError");
export const QuotasExceededError = sub("QuotasExceededError");
export const TransientStateError = sub("TransientStateError");
export const TooManyRequestsError = sub("TooManyRequestsError");
export const ValidationError = sub("ValidationError");
export const NetworkError = sub("NetworkError");
export const TimeoutError = sub("TimeoutError");
export const AbortError = sub("AbortError");

const classes = {
  ScwError, InvalidArgumentsError, NotFoundError, DeniedAuthenticationError, PermissionsDeniedError,
  QuotasExceededError, TransientStateError, TooManyRequestsError, ValidationError, NetworkError,
  TimeoutError, AbortError,
};

export function makeError(name, message, fields) {
  return new classes[name](message, fields);
}
