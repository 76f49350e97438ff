// PrivateFunction's and FunctionProxy's side of the host (src/host/mod.rs, src/host/proxy.rs):
// a private function call, and the proxy's requests and answers.
import { HostFailure, failure } from "./host.js";

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
