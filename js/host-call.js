// PrivateFunction's side of the host (src/host/call.rs): what the wasm cannot say as well itself.

/** `promise.then(...)` with one callback for both outcomes: `then(value, true)` or `then(reason, false)`. */
export function settled(promise, then) {
  return promise.then((value) => then(value, true), (reason) => then(reason, false));
}
