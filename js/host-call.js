// PrivateFunction's side of the host (src/host/call.rs): what the wasm cannot say as well itself.

/** `promise.then(...)` with one callback for both outcomes: `then(value, true)` or `then(reason, false)`. */
export function settled(promise, then) {
  return promise.then((value) => then(value, true), (reason) => then(reason, false));
}

/** `promise`, or a rejection with the signal's reason as soon as `signal` aborts. */
export function untilAborted(promise, signal) {
  if (!signal) return promise;
  return new Promise((resolve, reject) => {
    const stop = () => reject(signal.reason);
    if (signal.aborted) return stop();
    signal.addEventListener("abort", stop, { once: true });
    promise.then(resolve, reject).finally(() => signal.removeEventListener("abort", stop));
  });
}
