// bench/proxy.mjs's worker on workerd: `?contender=lib|plain&n=N` makes N sequential 1 KB POSTs
// through FunctionProxy or the plain JS proxy, called in-process, and answers the time they
// took. Timed across a batch: workerd's clock only moves with I/O, which every call has.
import { FunctionProxy } from "scw-functions-auth/proxy";
import { plainProxy } from "./plain-proxy.js";

const body = "x".repeat(1024);
let contenders;

export default {
  async fetch(request, env) {
    const options = { url: env.FUNCTION_URL, token: env.SCW_FUNCTION_KEY, allowedOrigins: [env.APP] };
    contenders ??= {
      lib: new FunctionProxy({ ...options, authorize: () => true }).handle,
      plain: plainProxy(options),
    };
    const params = new URL(request.url).searchParams;
    const handle = contenders[params.get("contender")];
    if (!handle) return new Response("ready");
    const n = Number(params.get("n") ?? 1);
    const started = Date.now();
    for (let i = 0; i < n; i++) {
      const res = await handle(new Request("https://proxy.example/bench", { method: "POST", body, headers: { origin: env.APP } }));
      if (res.status !== 200) return new Response(`${params.get("contender")}: ${res.status}`, { status: 500 });
      await res.text();
    }
    return Response.json({ ms: Date.now() - started });
  },
};
