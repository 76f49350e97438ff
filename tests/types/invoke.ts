// Compiled with `tsc --noEmit` against pkg/invoke/index.d.ts: a page's or a proxy's usage of the
// invoke entry type-checks, with the same types as the full entry's, and FunctionsClient is not there.
import {
  PrivateFunction, FunctionProxy, decodeToken, ScwError, ValidationError,
  type PrivateFunctionOptions, type FunctionProxyOptions, type TokenClaims,
} from "scw-functions-auth/invoke";
// @ts-expect-error the management API is only in the full entry
import { FunctionsClient } from "scw-functions-auth/invoke";
import { PrivateFunction as FullPrivateFunction, FunctionProxy as FullFunctionProxy } from "scw-functions-auth";

async function invokeUsage(token: string): Promise<void> {
  const options: PrivateFunctionOptions = { url: "https://f.example", tokenProvider: async () => token };
  const fn: FullPrivateFunction = new PrivateFunction(options);
  const res: Response = await fn.fetch("/hello", { method: "POST", body: "{}" });
  const { claims, expiresAt }: { claims: TokenClaims; expiresAt?: Date } = decodeToken(token);
  try {
    new PrivateFunction({ url: "", token });
  } catch (error) {
    if (error instanceof ValidationError) console.log(error.field, error instanceof ScwError);
  }
  console.log(res.status, claims.jti, expiresAt, FunctionsClient);
}
invokeUsage("t");

// An edge worker: the proxy's handle is the worker's fetch, bound to its proxy.
const options: FunctionProxyOptions = {
  url: "https://f.example",
  tokenProvider: async () => "t",
  allowedOrigins: ["https://app.example"],
  authorize: async (request: Request) => request.headers.get("authorization") === "Bearer s",
  allowedMethods: ["GET", "POST"],
  allowedPaths: ["/api/"],
  timeoutMs: 10_000,
};
const proxy: FullFunctionProxy = new FunctionProxy(options);
const worker = { fetch: proxy.handle };
const served: Promise<Response> = worker.fetch(new Request("https://proxy.example/api/"));
// @ts-expect-error authorize is required
void new FunctionProxy({ url: "https://f.example", token: "t", allowedOrigins: ["https://app.example"] });
// @ts-expect-error methods are upper-case HTTP methods
void new FunctionProxy({ ...options, allowedMethods: ["get"] });
void served;
