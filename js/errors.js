// Error classes of scw-functions-auth. The wasm builds them through makeError.
//
// Each entry (and each copy of the package in one program) has its own copy of these classes, so
// `instanceof` is decided by a brand shared through the global symbol registry: an error of any
// copy is an instance of the class of the same name in every other copy.

const brand = Symbol.for("scw-functions-auth.error");

/** Base class of every error of the library: `status`, `type`, `message` and the API's fields. */
export class ScwError extends Error {
  constructor(message, fields) {
    super(message);
    Object.assign(this, fields);
  }

  static [Symbol.hasInstance](value) {
    if (Function.prototype[Symbol.hasInstance].call(this, value)) return true;
    // A user's subclass has no brand of its own: only its own instances belong to it.
    if (!Object.hasOwn(this, brand) || value === null || typeof value != "object") return false;
    for (let p = Object.getPrototypeOf(value); p !== null; p = Object.getPrototypeOf(p)) {
      if (Object.hasOwn(p, brand) && p[brand] === this[brand]) return true;
    }
    return false;
  }
}

/** Names `C` (its name survives minifiers) and brands it and its prototype. */
function named(C, name) {
  Object.defineProperty(C, "name", { value: name });
  Object.defineProperty(C, brand, { value: name });
  Object.defineProperty(C.prototype, brand, { value: name });
  C.prototype.name = name;
  return C;
}

named(ScwError, "ScwError");
const sub = (name) => named(class extends ScwError {}, name);

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
