// What the wasm asks of the host in one call each, rather than piece by piece across the
// boundary: running an operation, an API request under its deadline (an AbortController), sleep,
// and the JS objects of tokens as the API sent them (parsed JSON).

/**
 * Runs an operation of the wasm (src/task.rs): each step answers a promise to await, whose
 * outcome the next step gets, or the operation's result; a step throws the operation's error.
 */
export async function run(op) {
  try {
    let ok = true, value, next;
    while ((next = op.step(ok, value)) instanceof Promise) {
      try {
        value = await next;
        ok = true;
      } catch (error) {
        value = error;
        ok = false;
      }
    }
    return next;
  } finally {
    op.free();
  }
}

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

const put = (o, key, value) => {
  if (typeof value == "string" && value) o[key] = value;
};

/** The tokens of a list, or undefined when one lacks its id or status. */
export function tokens(list, region) {
  const out = [];
  for (const t of list) {
    if (typeof t?.id != "string" || typeof t.status != "string") return;
    const o = { id: t.id, regionalId: region + "/" + t.id, region };
    put(o, "token", t.token != "<hidden>" && t.token);
    put(o, "functionId", t.function_id);
    put(o, "namespaceId", t.namespace_id);
    o.status = t.status;
    put(o, "description", t.description);
    put(o, "expiresAt", t.expires_at);
    if (o.expiresAt) o.expiresAt = new Date(o.expiresAt);
    out.push(o);
  }
  return out;
}

/** One page of ListTokens as `{ tokens, totalCount }`, or undefined when a token is not one. */
export function page(p, region) {
  const list = tokens(Array.isArray(p.tokens) ? p.tokens : [], region);
  const n = p.total_count;
  if (list) return { tokens: list, totalCount: typeof n == "number" && n >= 0 ? Math.min(Math.trunc(n), 4294967295) : 0 };
}

/**
 * A private function call with `X-Auth-Token`. Browsers hide a redirect's target (and send the
 * token on only after a CORS preflight of the new origin); elsewhere redirects are followed here,
 * so that the token never reaches another origin. A caller's own `redirect` option is obeyed as
 * is. Resolves to the Response; rejects with [1] when `init` cannot be read, [2] for invalid
 * headers, [3] after too many redirects, else with [0, the fetch error].
 */
export async function call(url, token, init) {
  const read = (o, key) => {
    try {
      return o !== null && typeof o == "object" ? o[key] : undefined;
    } catch {}
  };
  let options, headers;
  try {
    options = Object.assign({}, init);
  } catch {
    throw [1];
  }
  try {
    headers = new Headers(read(init, "headers"));
  } catch {
    throw [2];
  }
  headers.set("X-Auth-Token", token);
  options.headers = headers;
  const send = (to) => fetch(to, options).catch((error) => Promise.reject([0, error]));
  if (read(init, "redirect") !== undefined || "document" in globalThis || "importScripts" in globalThis) {
    return send(url);
  }
  options.redirect = "manual";
  let origin = "";
  try {
    origin = new URL(url, url).origin;
  } catch {}
  const body = read(init, "body");
  let replayable = typeof read(body, "getReader") != "function" && typeof read(body, "next") != "function";
  for (let i = 0; i <= 20; i++) {
    const response = await send(url);
    const status = response.status;
    const location = response.headers.get("location");
    let next;
    try {
      next = location === null ? undefined : new URL(location, url);
    } catch {}
    if (!next || ![301, 302, 303, 307, 308].includes(status)) {
      return response;
    }
    const method = typeof options.method == "string" ? options.method : "";
    if ((status == 303 && !/^head$/i.test(method)) || (status < 303 && /^post$/i.test(method))) {
      options.method = "GET";
      options.body = undefined;
      headers.delete("content-type");
      replayable = true;
    } else if (!replayable) {
      return response;
    }
    if (next.origin != origin) {
      headers.delete("X-Auth-Token");
      headers.delete("Authorization");
    }
    try {
      read(response, "body")?.cancel?.();
    } catch {}
    url = next.href;
  }
  throw [3];
}
