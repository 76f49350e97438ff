// One cold start, spawned by bench/cold.mjs: imports the client named by argv[2] and sends one
// listTokens to the local server at argv[3]. "raw" is node alone with fetch, the baseline.
const [mode, apiUrl] = process.argv.slice(2);
const secretKey = "11111111-2222-4333-8444-555555555555";
const functionId = "aaaaaaaa-bbbb-4ccc-8ddd-eeeeeeeeeeee";
if (mode === "lib") {
  const { FunctionsClient } = await import(new URL("index.node.js", process.env.BENCH_PKG_URL).href);
  await new FunctionsClient({ apiUrl, secretKey }).listTokens({ functionId });
} else if (mode === "sdk") {
  const { createClient } = await import("@scaleway/sdk-client");
  const { Functionv1beta1 } = await import("@scaleway/sdk-function");
  const api = new Functionv1beta1.API(
    createClient({ apiURL: apiUrl, secretKey, accessKey: "SCWXXXXXXXXXXXXXXXXX", defaultRegion: "fr-par" }),
  );
  await api.listTokens({ functionId });
} else if (mode === "raw") {
  const res = await fetch(`${apiUrl}/functions/v1beta1/regions/fr-par/tokens?function_id=${functionId}`, {
    headers: { "X-Auth-Token": secretKey },
  });
  JSON.parse(await res.text());
} else {
  throw new Error(`unknown mode ${mode}`);
}
