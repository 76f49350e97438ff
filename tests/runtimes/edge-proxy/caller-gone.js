// A worker of tests/runtimes/edge-proxy.test.mjs: the example's proxy called in-process with a
// Request whose signal aborts after `?after=` ms, as a browser that goes away makes a runtime's
// own request.signal do (workerd signals it on Cloudflare, not locally).
import example from "./proxy.js";

export default {
  async fetch(request, env) {
    const gone = new AbortController();
    setTimeout(() => gone.abort(), Number(new URL(request.url).searchParams.get("after")));
    const answer = await example.fetch(new Request(request, { signal: gone.signal }), env);
    return new Response(String(answer.status));
  },
};
