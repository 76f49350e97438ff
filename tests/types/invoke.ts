// Compiled with `tsc --noEmit` against pkg/invoke/index.d.ts: a page's usage of the invoke entry
// type-checks, with the same types as the full entry's, and FunctionsClient is not there.
import {
  PrivateFunction, decodeToken, ScwError, ValidationError,
  type PrivateFunctionOptions, type TokenClaims,
} from "scw-functions-auth/invoke";
// @ts-expect-error the management API is only in the full entry
import { FunctionsClient } from "scw-functions-auth/invoke";
// @ts-expect-error FunctionProxy is in its own entry
import { FunctionProxy as NoProxy } from "scw-functions-auth/invoke";
import { PrivateFunction as FullPrivateFunction } from "scw-functions-auth";

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
  console.log(res.status, claims.jti, expiresAt, FunctionsClient, NoProxy);
}
invokeUsage("t");
