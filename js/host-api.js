// The API client's side of the host (src/host/api.rs): a pause between attempts (requests are
// built with gloo-net and sent with the global fetch).
import { failure } from "./host.js";

/** Resolves after `ms`; rejects with the signal's failure when it aborts first. */
export function sleep(ms, signal) {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(failure(undefined, signal));
    const stop = () => {
      clearTimeout(timer);
      reject(failure(undefined, signal));
    };
    const timer = setTimeout(() => {
      signal?.removeEventListener("abort", stop);
      resolve();
    }, ms);
    signal?.addEventListener("abort", stop, { once: true });
  });
}
