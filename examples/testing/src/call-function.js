// The code under test: calls a private function with an IAM API key of its own, made for the
// call and deleted after it, so that no long-lived credential is kept anywhere.
import { FunctionsClient, PrivateFunction } from "scw-functions-auth";

/**
 * Calls `path` on the private function at `functionUrl` with a fresh key for `projectId`, and
 * resolves with the function's answer as `{ status, body }`.
 */
export async function callWithFreshKey({ secretKey, region, apiUrl, projectId, functionUrl }, path) {
  const client = new FunctionsClient({ secretKey, region, apiUrl });
  const key = await client.createFunctionAccessKey({ projectId, description: "call-function" });
  try {
    const fn = new PrivateFunction({ url: functionUrl, token: key.secretKey });
    const response = await fn.fetch(path);
    return { status: response.status, body: await response.json() };
  } finally {
    await client.deleteFunctionAccessKey(key.accessKey);
  }
}
