// Timers for the wasm: a per-request deadline on an AbortController, and sleep; and one API
// request under its deadline, in one call from the wasm.

function deadline(ms) {
  const controller = new AbortController();
  let expired = false;
  const timer = setTimeout(() => {
    expired = true;
    controller.abort();
  }, ms);
  return {
    signal: controller.signal,
    timedOut: () => expired,
    clear: () => clearTimeout(timer),
  };
}

export function sleep(ms) {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/**
 * One API request with the secret key, aborted after `ms`: resolves to [status, Retry-After,
 * body text]; rejects with [true] when the deadline passed, else with [false, the error].
 */
export async function send(url, method, body, key, ms) {
  const headers = { "X-Auth-Token": key, Accept: "application/json" };
  if (body != null) headers["Content-Type"] = "application/json";
  const timer = deadline(ms);
  try {
    const response = await fetch(url, { method, body, headers, signal: timer.signal });
    return [response.status, response.headers.get("retry-after"), await response.text()];
  } catch (error) {
    throw [timer.timedOut(), error];
  } finally {
    timer.clear();
  }
}
