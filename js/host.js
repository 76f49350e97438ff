// The host side of the wasm (src/host.rs): an API request, a function call and a pause, one call
// across the boundary each. Every failure rejects with a HostFailure, whose `kind` the wasm maps
// to an error class.

/** Why a host call failed: `kind` is timeout, aborted, network, init or headers. */
export class HostFailure {
  constructor(kind, message) {
    this.kind = kind;
    this.message = message;
  }
}

/** The failure of an aborted or failed operation: the signal's reason first, else the error's message. */
function failure(error, signal) {
  if (signal?.aborted) {
    return signal.reason?.name == "TimeoutError"
      ? new HostFailure("timeout", "the operation timed out")
      : new HostFailure("aborted", "the operation was aborted");
  }
  return new HostFailure("network", String(error?.message ?? "fetch failed"));
}

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

/** The JSON object of `text`, undefined when it is not one. */
function jsonObject(text) {
  try {
    const json = JSON.parse(text);
    if (json !== null && typeof json == "object" && !Array.isArray(json)) return json;
  } catch {}
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

/** `promise.then(...)` with one callback for both outcomes: `then(value, true)` or `then(reason, false)`. */
export function settled(promise, then) {
  return promise.then((value) => then(value, true), (reason) => then(reason, false));
}

/** The JSON object of a JWT's claims segment (base64url, padding optional), undefined when it is not one. */
export function jwtClaims(segment) {
  try {
    const bytes = Uint8Array.from(atob(segment.replace(/-/g, "+").replace(/_/g, "/")), (c) => c.charCodeAt(0));
    return jsonObject(new TextDecoder("utf-8", { fatal: true }).decode(bytes));
  } catch {}
}

/**
 * A private function call with `X-Auth-Token`. Browsers hide a redirect's target (and send the
 * token on only after a CORS preflight of the new origin); elsewhere redirects are followed here,
 * so that the token never reaches another origin. A caller's own `redirect` option is obeyed as
 * is. Resolves to the Response, whatever its status; rejects with `fail(HostFailure)` (the
 * HostFailure itself without `fail`). The Response comes one promise turn after fetch's own.
 */
export function call(url, token, init, fail = (f) => f) {
  const reject = (f) => Promise.reject(fail(f));
  const read = (o, key) => {
    try {
      return o !== null && typeof o == "object" ? o[key] : undefined;
    } catch {}
  };
  let options, headers;
  try {
    options = Object.assign({}, init);
  } catch {
    return reject(new HostFailure("init", "init could not be read"));
  }
  try {
    headers = new Headers(read(init, "headers"));
  } catch {
    return reject(new HostFailure("headers", "headers are not valid HTTP headers"));
  }
  headers.set("X-Auth-Token", token);
  options.headers = headers;
  const failed = (error) => reject(failure(error, read(init, "signal")));
  if (read(init, "redirect") !== undefined || "document" in globalThis || "importScripts" in globalThis) {
    return fetch(url, options).then(undefined, failed);
  }
  options.redirect = "manual";
  // The origin and the body's kind are worked out at the first redirect: most calls have none.
  const origin = () => {
    try {
      return new URL(url, url).origin;
    } catch {
      return "";
    }
  };
  const body = read(init, "body");
  const streamed = () => typeof read(body, "getReader") == "function" || typeof read(body, "next") == "function";
  let bodyless = false; // a redirect turned the call into a GET
  const attempt = (to, left) => fetch(to, options).then((response) => {
    const status = response.status;
    const location = response.headers.get("location");
    let next;
    try {
      next = location === null ? undefined : new URL(location, to);
    } catch {}
    if (!next || ![301, 302, 303, 307, 308].includes(status)) return response;
    const method = typeof options.method == "string" ? options.method : "";
    if ((status == 303 && !/^head$/i.test(method)) || (status < 303 && /^post$/i.test(method))) {
      options.method = "GET";
      options.body = undefined;
      headers.delete("content-type");
      bodyless = true;
    } else if (!bodyless && streamed()) {
      return response;
    }
    if (left == 0) return reject(new HostFailure("network", "too many redirects"));
    if (next.origin != origin()) {
      headers.delete("X-Auth-Token");
      headers.delete("Authorization");
    }
    try {
      read(response, "body")?.cancel?.();
    } catch {}
    return attempt(next.href, left - 1);
  }, failed);
  return attempt(url, 20);
}

// FunctionProxy (src/host/proxy.rs): a request's head in, the function's answer or the proxy's
// own out. Header lists cross as text: names separated by commas, pairs as lines (name, value,
// name, value...); neither can hold a line break.

/** The strings of an array on lines of their own; undefined when it is not an array of strings without line breaks. */
export function lines(list) {
  if (Array.isArray(list) && list.every((s) => typeof s == "string" && !s.includes("\n"))) return list.join("\n");
}

/**
 * The head of a request for the proxy's decision, in one string of lines: method, URL, then the
 * headers Origin, Access-Control-Request-Method, Access-Control-Request-Headers and Connection
 * (empty when absent). Undefined when `request` is not a Request.
 */
export function head(request) {
  try {
    const get = (name) => request.headers.get(name) ?? "";
    return [request.method, request.url, get("origin"), get("access-control-request-method"),
      get("access-control-request-headers"), get("connection")].join("\n");
  } catch {}
}

/** What `authorize` resolves to for `request`; undefined when it throws or rejects. */
export async function verdict(authorize, request) {
  try {
    return await authorize(request);
  } catch {}
}

/** A copy of `from` without the headers named in `dropped`, with the pairs of `lines` appended. */
function headers(from, dropped, lines) {
  const out = new Headers(from);
  for (const name of dropped.split(",")) if (name) out.delete(name);
  const pairs = lines.split("\n");
  for (let i = 1; i < pairs.length; i += 2) out.append(pairs[i - 1], pairs[i]);
  return out;
}

/**
 * The init of `call` for a proxied request: its method and body (streamed), its headers without
 * `dropped`, redirects handed back to the browser rather than followed, and a deadline of `ms`
 * for the function's answer to begin (a TimeoutError reason, which `call` reports as a timeout).
 */
export function outgoing(request, dropped, ms) {
  const controller = new AbortController();
  const timer = setTimeout(() => controller.abort(new DOMException("the function did not answer in time", "TimeoutError")), ms);
  // A deadline must not keep a Node or Bun process alive once the answer came.
  timer.unref?.();
  return { method: request.method, headers: headers(request.headers, dropped, ""), body: request.body,
    duplex: "half", redirect: "manual", signal: controller.signal, timer };
}

/** The function's answer for the browser: status and body as they come, headers without `dropped`, plus `lines`. */
export function relay(response, init, dropped, lines) {
  clearTimeout(init.timer);
  return new Response(response.body, { status: response.status, statusText: response.statusText,
    headers: headers(response.headers, dropped, lines) });
}

/** An answer of the proxy itself: `status`, the pairs of `lines`, and a JSON `body` when not empty. */
export function answer(status, lines, body) {
  return new Response(body || null, { status,
    headers: headers(body ? { "content-type": "application/json" } : {}, "", lines) });
}
