// Compiled with `tsc --noEmit` against pkg/proxy/index.d.ts: an edge worker's usage of the proxy
// entry type-checks; its PrivateFunction is the full entry's, and FunctionsClient is not there.
import {
  FunctionProxy, PrivateFunction, ValidationError, type FunctionProxyOptions,
} from "scw-functions-auth/proxy";
// @ts-expect-error the management API is only in the full entry
import { FunctionsClient } from "scw-functions-auth/proxy";
import { PrivateFunction as FullPrivateFunction } from "scw-functions-auth";

// An edge worker: the proxy's handle is the worker's fetch, bound to its proxy.
const options: FunctionProxyOptions = {
  url: "https://f.example",
  tokenProvider: async () => "t",
  allowedOrigins: ["https://app.example"],
  authorize: async (request: Request) => request.headers.get("authorization") === "Bearer s",
  allowedMethods: ["GET", "POST"],
  allowedPaths: ["/api/"],
  maxAge: 7200,
  timeoutMs: 10_000,
};
const proxy: FunctionProxy = new FunctionProxy(options);
const worker = { fetch: proxy.handle };
const served: Promise<Response> = worker.fetch(new Request("https://proxy.example/api/"));
// @ts-expect-error authorize is required
void new FunctionProxy({ url: "https://f.example", token: "t", allowedOrigins: ["https://app.example"] });
// @ts-expect-error methods are upper-case HTTP methods
void new FunctionProxy({ ...options, allowedMethods: ["get"] });
// @ts-expect-error maxAge is a number of seconds
void new FunctionProxy({ ...options, maxAge: "600" });
void served;
const fn: FullPrivateFunction = new PrivateFunction({ url: "https://f.example", token: "t" });
console.log(fn, FunctionsClient, ValidationError);
