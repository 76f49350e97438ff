// The API client's side of the host (src/host/api.rs): one API request, and a pause between attempts.
import { HostFailure, failure, jsonObject } from "./host.js";

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

/**
 * One API request with the secret key (`body`, when given, is JSON text), ended by the caller's
 * `signal` or, with a timeout HostFailure, after `ms`: resolves to `{ status, retryAfter, text, json }`
 * (`json`: the body's JSON object, undefined when it is not one).
 * The deadline races the exchange instead of aborting it through a signal of its own: in Node's
 * fetch a signal costs more CPU than the rest of a call (docs/DECISIONS.md). An answer that comes
 * after the deadline is dropped unread.
 */
export function send(url, method, body, key, ms, signal) {
  const headers = { "X-Auth-Token": key, Accept: "application/json" };
  if (body !== undefined) headers["Content-Type"] = "application/json";
  return new Promise((resolve, reject) => {
    let expired = false;
    const timer = setTimeout(() => {
      expired = true;
      reject(new HostFailure("timeout", "the request timed out"));
    }, ms);
    fetch(url, { method, body, headers, signal })
      .then((response) =>
        expired
          ? response.body?.cancel()
          : response.text().then((text) =>
              resolve({ status: response.status, retryAfter: response.headers.get("retry-after"), text, json: jsonObject(text) }),
            ),
      )
      .catch((error) => reject(failure(error, signal)))
      .finally(() => clearTimeout(timer));
  });
}
