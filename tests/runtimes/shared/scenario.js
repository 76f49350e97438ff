// The story every runtime tells with the installed package: create a function token, find it in
// the list, call the private function without it (refused) and with it (admitted), delete it.
// `lib` is what the runtime imported or required; `env` is the emulator's ready line.
export async function scenario(lib, env) {
  const { FunctionsClient, PrivateFunction } = lib;
  const client = new FunctionsClient({ secretKey: env.secret_key, region: env.region, apiUrl: env.api_url });
  const created = await client.createToken({
    functionId: env.function_id,
    description: `runtime test ${env.runtime}`,
    expiresAt: new Date(Date.now() + 15 * 60_000),
  });
  const listed = await client.listAllTokens({ functionId: env.function_id });
  const withoutToken = await fetch(env.function_url);
  const fn = new PrivateFunction({ url: env.function_url, token: created.token });
  const withToken = await fn.fetch("/hello?from=" + env.runtime);
  await withoutToken.arrayBuffer();
  await withToken.arrayBuffer();
  await client.deleteToken(created.id);
  const afterDelete = await client.listAllTokens({ functionId: env.function_id });
  return {
    created: typeof created.token === "string" && created.token.length > 0,
    listed: listed.some((t) => t.id === created.id),
    withoutToken: withoutToken.status,
    withToken: withToken.status,
    deleted: !afterDelete.some((t) => t.id === created.id),
  };
}

/** What every runtime must report. */
export const expected = { created: true, listed: true, withoutToken: 403, withToken: 200, deleted: true };
