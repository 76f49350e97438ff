// Types of scw-functions-auth/proxy (installed as proxy/index.d.ts): FunctionProxy, declared here,
// and everything of scw-functions-auth/invoke.
import type { PrivateFunctionOptions } from "../index.js";

export * from "../invoke/index.js";

/** Options of `FunctionProxy`: the function, its credential, and who may reach it through the proxy. */
export type FunctionProxyOptions = PrivateFunctionOptions & {
  /**
   * The origins of the pages that may call the proxy, as browsers send them
   * (`https://app.example`, `http://localhost:5173`), compared in lower case and without the
   * scheme's default port. No wildcard: the proxy adds a credential.
   */
  allowedOrigins: string[];
  /**
   * Decides whether a request may reach the function (a session cookie, an `Authorization` header...);
   * only `true` lets it through. It sees the request's head: reading its body leaves nothing to forward.
   */
  authorize: (request: Request) => boolean | Promise<boolean>;
  /** Default: GET, HEAD, POST, PUT, PATCH, DELETE. */
  allowedMethods?: ("GET" | "HEAD" | "POST" | "PUT" | "PATCH" | "DELETE" | "OPTIONS")[];
  /**
   * Path prefixes a request may reach (`["/api/"]`), checked after decoding and resolving `..`;
   * default: any path of the function.
   */
  allowedPaths?: string[];
  /**
   * Seconds a browser may reuse a preflight's answer (`Access-Control-Max-Age`), 0 to 86400.
   * Default 600. Chromium caps it at 7200, Firefox at 86400.
   */
  maxAge?: number;
  /**
   * How long the function has to begin its answer before the proxy answers 504. Default 30000.
   * Retries of a new key's 403s stay within it (only for requests without a body, which the proxy
   * streams on): when no other attempt fits, the last 403 is relayed.
   */
  timeoutMs?: number;
};

/**
 * Puts a private function behind an edge worker or server that browsers can call: it answers
 * preflights, refuses other origins, `Origin: null` and requests `authorize` refuses (403, without
 * calling the function), drops the caller's `X-Auth-Token`, `Authorization`, `Cookie`,
 * `Proxy-Authorization`, the hop-by-hop headers and those named in `Connection` (both ways), adds
 * the credential, and streams bodies both ways. When the caller goes away (`request.signal`), the
 * call to the function is aborted. A redirect of the function goes back to the browser, never
 * followed with the credential. The credential never appears in an answer; an unreachable
 * function gives 502, a slow one 504.
 */
export class FunctionProxy {
  /** @throws {ValidationError} naming the option that is missing or malformed. */
  constructor(options: FunctionProxyOptions);
  /**
   * Answers a browser's Request (never rejects for a Request). Bound to its proxy: `Deno.serve(proxy.handle)`,
   * `Bun.serve({ fetch: proxy.handle })`, `export default { fetch: proxy.handle }`.
   */
  readonly handle: (request: Request) => Promise<Response>;
  free(): void;
}
