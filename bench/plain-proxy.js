// The plainest JS proxy doing FunctionProxy's work, the yardstick of bench/proxy.mjs: the origin
// checked against a list, the credential added, a CORS header on the answer, both bodies
// streamed. It runs in every runtime the benchmark measures (no Node API).

/** A fetch handler for `url` with `token`, for pages on `allowedOrigins`. */
export function plainProxy({ url, token, allowedOrigins }) {
  return async (request) => {
    const origin = request.headers.get("origin");
    if (!allowedOrigins.includes(origin)) return new Response(null, { status: 403 });
    const headers = new Headers(request.headers);
    headers.set("x-auth-token", token);
    const { pathname, search } = new URL(request.url);
    const answer = await fetch(url + pathname + search, {
      method: request.method,
      headers,
      body: request.body,
      duplex: "half",
      redirect: "manual",
    });
    const out = new Headers(answer.headers);
    out.set("access-control-allow-origin", origin);
    return new Response(answer.body, { status: answer.status, headers: out });
  };
}
