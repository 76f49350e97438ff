// Creates a function token, lists the function's tokens, calls the private function with the new
// token, then deletes it. Usage (against the emulator, or Scaleway with your own ids):
//   SCW_SECRET_KEY=... SCW_FUNCTION_ID=... FUNCTION_URL=https://... [SCW_API_URL=...] node tokens.js
import { FunctionsClient, PrivateFunction } from "scw-functions-auth";

const { SCW_SECRET_KEY, SCW_REGION = "fr-par", SCW_API_URL, SCW_FUNCTION_ID, FUNCTION_URL } = process.env;
const client = new FunctionsClient({
  secretKey: SCW_SECRET_KEY,
  region: SCW_REGION,
  ...(SCW_API_URL ? { apiUrl: SCW_API_URL } : {}),
});

const created = await client.createToken({
  functionId: SCW_FUNCTION_ID,
  description: "node example",
  expiresAt: new Date(Date.now() + 60 * 60_000),
});
console.log(`created token ${created.id}, expires ${created.expiresAt.toISOString()}`);

try {
  const tokens = await client.listAllTokens({ functionId: SCW_FUNCTION_ID });
  for (const t of tokens) console.log(`  ${t.id}  ${t.status}  ${t.description ?? ""}`);

  const fn = new PrivateFunction({ url: FUNCTION_URL, token: created.token });
  const res = await fn.fetch("/hello?name=node");
  console.log(`function answered ${res.status}: ${(await res.text()).slice(0, 200)}`);
} finally {
  await client.deleteToken(created.id);
  console.log(`deleted token ${created.id}`);
}
