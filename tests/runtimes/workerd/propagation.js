// workerd module worker: makes a new IAM key against an emulator whose IAM propagates keys
// (`--iam-propagation`), then calls the private function with the key object at once, directly
// with PrivateFunction and through FunctionProxy, and answers each call's status and duration as
// JSON. The retries' pauses run on workerd's own timers, within the request that started them.
import { FunctionsClient, PrivateFunction } from "scw-functions-auth";
import { FunctionProxy } from "scw-functions-auth/proxy";

const APP = "https://app.example";

/** A call's status and how long it took, its body read. */
async function timed(call) {
  const start = Date.now();
  const res = await call();
  await res.arrayBuffer();
  return { status: res.status, ms: Date.now() - start };
}

export default {
  async fetch(request, env) {
    if (new URL(request.url).pathname === "/__ready") return new Response("ready");
    const emulator = JSON.parse(env.EMULATOR);
    const client = new FunctionsClient({ secretKey: emulator.secret_key, apiUrl: emulator.api_url });
    const made = () =>
      client.createFunctionAccessKey({ projectId: emulator.project_id, expiresAt: new Date(Date.now() + 3_600_000) });
    const [direct, proxied] = await Promise.all([made(), made()]);
    const proxy = new FunctionProxy({
      url: emulator.function_url,
      token: proxied,
      allowedOrigins: [APP],
      authorize: () => true,
      timeoutMs: 20_000,
    });
    const outcome = await Promise.all([
      timed(() => new PrivateFunction({ url: emulator.function_url, token: direct }).fetch("/propagation/direct")),
      timed(() => proxy.handle(new Request("https://proxy.example/propagation/proxied", { headers: { origin: APP } }))),
    ]);
    await Promise.all([client.deleteFunctionAccessKey(direct.accessKey), client.deleteFunctionAccessKey(proxied.accessKey)]);
    return Response.json({ direct: outcome[0], proxied: outcome[1], createdAt: direct.createdAt instanceof Date });
  },
};
