// Compiled with `tsc --noEmit` against pkg/index.d.ts: the documented usage type-checks.
import {
  FunctionsClient, PrivateFunction, decodeToken, ScwError, NotFoundError, ValidationError,
  type Token, type Namespace, type Function, type FunctionAccessKey,
} from "scw-functions-auth";

async function usage(): Promise<void> {
  const client = new FunctionsClient({ secretKey: "11111111-2222-4333-8444-555555555555", region: "fr-par", apiUrl: "http://127.0.0.1:1", timeoutMs: 1000, retries: 1 });
  const created: Token = await client.createToken({ functionId: "f", description: "ci", expiresAt: new Date() });
  await client.createToken({ namespaceId: "n", expiresAt: "2027-01-31T12:00:00Z" });
  const secret: string | undefined = created.token;
  const when: Date | undefined = created.expiresAt;
  const one = await client.getToken(created.regionalId);
  const page: { tokens: Token[]; totalCount: number } = await client.listTokens({ functionId: "f", orderBy: "created_at_desc", page: 1, pageSize: 10 });
  const all: Token[] = await client.listAllTokens({ namespaceId: "n" });
  await client.waitForToken(one.id, { timeoutMs: 5000, intervalMs: 100 });
  await client.deleteToken(one.id);
  const namespaces: Namespace[] = await client.listNamespaces();
  const fns: Function[] = await client.listFunctions({ namespaceId: namespaces[0].id });
  const fn: Function = await client.getFunction(fns[0].id);
  const key: FunctionAccessKey = await client.createFunctionAccessKey({ projectId: "p", description: "ci", expiresAt: new Date() });
  await client.createFunctionAccessKey({ projectId: "p", organizationId: "o", expiresAt: "2027-01-31T12:00:00Z" });
  const keyExpiry: Date | undefined = key.expiresAt;
  new PrivateFunction({ url: "https://f.example", token: key.secretKey });
  await client.deleteFunctionAccessKey(key.accessKey);
  await client.getNamespace(fn.namespaceId);

  const fixed = new PrivateFunction({ url: `https://${fn.domainName}`, token: secret ?? "" });
  const res: Response = await fixed.fetch("/hello?x=1", { method: "POST", body: "{}", headers: { "content-type": "application/json" } });
  const provided = new PrivateFunction({ url: "https://f.example", tokenProvider: async () => "t" });
  await provided.fetch("/");
  const { claims, expiresAt } = decodeToken(secret ?? "");
  const exp: number | undefined = claims.exp;
  try {
    await client.getToken("x");
  } catch (e) {
    if (e instanceof NotFoundError) console.log(e.status, e.resource, e.resourceId);
    if (e instanceof ValidationError) console.log(e.field);
    if (e instanceof ScwError) console.log(e.type, e.message, e.details?.[0]?.argumentName);
  }
  void [when, page, all, res, exp, expiresAt];
}

// @ts-expect-error both scopes at once are refused by the types too
void new FunctionsClient({ secretKey: "11111111-2222-4333-8444-555555555555" }).createToken({ functionId: "f", namespaceId: "n" });
// @ts-expect-error a token and a provider at once are refused
void new PrivateFunction({ url: "https://f.example", token: "t", tokenProvider: () => "t" });
// @ts-expect-error unknown region
void new FunctionsClient({ secretKey: "11111111-2222-4333-8444-555555555555", region: "us-east-1" });
void usage;
