// The story every runtime tells with the installed package: create a function token, find it in
// the list, call the private function without it (refused) and with it (admitted), through both
// entries, read it with the invoke entry, delete it, and see the invoke entry's call refused.
// `lib` and `invoke` are what the runtime imported or required as `scw-functions-auth` and
// `scw-functions-auth/invoke`; `env` is the emulator's ready line.
export async function scenario(lib, invoke, env) {
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
  const invokeFn = new invoke.PrivateFunction({ url: env.function_url, token: created.token });
  const invokeWithToken = await invokeFn.fetch("/hello?from=" + env.runtime + "-invoke");
  const decoded = invoke.decodeToken(created.token);
  await withoutToken.arrayBuffer();
  await withToken.arrayBuffer();
  await invokeWithToken.arrayBuffer();
  await client.deleteToken(created.id);
  const afterDelete = await client.listAllTokens({ functionId: env.function_id });
  const invokeRevoked = await invokeFn.fetch("/hello");
  await invokeRevoked.arrayBuffer();
  return {
    created: typeof created.token === "string" && created.token.length > 0,
    listed: listed.some((t) => t.id === created.id),
    withoutToken: withoutToken.status,
    withToken: withToken.status,
    deleted: !afterDelete.some((t) => t.id === created.id),
    invokeWithToken: invokeWithToken.status,
    invokeRevoked: invokeRevoked.status,
    invokeDecoded: decoded.expiresAt instanceof Date && Math.abs(decoded.expiresAt - created.expiresAt) < 1000,
    invokeNames: invokeNames(lib, invoke),
    invokeErrors: invokeThrowsItsOwnClasses(invoke),
    names: namedAsExported(lib) && namedAsExported(invoke),
  };
}

/** Every class and function keeps its public name, minified bundles included (what `console.log` shows). */
function namedAsExported(entry) {
  return Object.entries(entry).every(([name, value]) => value.name === name);
}

/** The invoke entry exports every name of the full one but FunctionsClient. */
function invokeNames(lib, invoke) {
  const expected = Object.keys(lib).filter((name) => name !== "FunctionsClient").sort();
  return !("FunctionsClient" in invoke) && Object.keys(invoke).sort().join() === expected.join();
}

/** The error the invoke wasm throws is an instance of the classes its entry exports. */
function invokeThrowsItsOwnClasses(invoke) {
  try {
    new invoke.PrivateFunction({ url: "", token: "x" });
  } catch (error) {
    return error instanceof invoke.ValidationError && error instanceof invoke.ScwError && error instanceof Error;
  }
  return false;
}

/** What every runtime must report. */
export const expected = {
  created: true, listed: true, withoutToken: 403, withToken: 200, deleted: true,
  invokeWithToken: 200, invokeRevoked: 403, invokeDecoded: true, invokeNames: true, invokeErrors: true,
  names: true,
};
