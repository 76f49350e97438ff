// Compiled with `tsc --noEmit`: what PrivateFunction and FunctionProxy take as a credential whose age
// is known. A new key object is a token; a stored secret comes with its `issuedAt`; neither a listed
// key (it has no secret) nor an `issuedAt` beside a key object or a provider type-checks.
import { FunctionsClient, PrivateFunction, type FunctionAccessKey, type ListedFunctionAccessKey } from "scw-functions-auth";
import { FunctionProxy } from "scw-functions-auth/proxy";

async function propagationUsage(client: FunctionsClient, url: string, listed: ListedFunctionAccessKey): Promise<void> {
  const key: FunctionAccessKey = await client.createFunctionAccessKey({ projectId: "p", expiresAt: new Date() });
  const created: Date = key.createdAt;
  const rotated: FunctionAccessKey = await client.rotateFunctionAccessKey(key.accessKey, { deleteOld: true });
  new PrivateFunction({ url, token: key });
  new PrivateFunction({ url, token: rotated, propagationWindowMs: 0 });
  new PrivateFunction({ url, token: key.secretKey, issuedAt: created });
  new PrivateFunction({ url, token: key.secretKey, issuedAt: new Date(created.toISOString()), propagationWindowMs: 30_000 });
  // @ts-expect-error a stored creation date is read back into a Date
  new PrivateFunction({ url, token: key.secretKey, issuedAt: created.toISOString() });
  new FunctionProxy({ url, token: key, allowedOrigins: ["https://app.example"], authorize: () => true, timeoutMs: 5000 });
  // @ts-expect-error a listed key has no secret
  new PrivateFunction({ url, token: listed });
  // @ts-expect-error a key object carries its own creation date
  new PrivateFunction({ url, token: key, issuedAt: created });
  // @ts-expect-error a provider's credentials have no known age
  new PrivateFunction({ url, tokenProvider: () => key.secretKey, issuedAt: created });
  // @ts-expect-error the window is a number of milliseconds
  new PrivateFunction({ url, token: key, propagationWindowMs: "2m" });
}
propagationUsage(new FunctionsClient({ secretKey: "s" }), "https://f.example", { accessKey: "a", applicationId: "b" });
