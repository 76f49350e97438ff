// A private function behind FunctionProxy: pages on ALLOWED_ORIGINS call it through this worker,
// and the function's credential (SCW_FUNCTION_KEY, the secret of an IAM API key) never leaves it.
// One source for Cloudflare Workers (wrangler.toml), Deno (`deno serve`), Bun (`bun proxy.js`) and
// Node (node.js serves it with node:http).
import { FunctionProxy } from "scw-functions-auth/proxy";

/** Comma-separated settings as lists. */
const list = (value) => (value ?? "").split(",").map((item) => item.trim()).filter(Boolean);

/** A setting: a Worker's binding, else the process environment (Deno, Bun, Node). */
const setting = (env, name) => env?.[name] ?? globalThis.Deno?.env.get(name) ?? globalThis.process?.env[name];

function proxyFor(env) {
  const appKey = setting(env, "APP_KEY");
  const keyCreatedAt = setting(env, "SCW_FUNCTION_KEY_CREATED_AT");
  return new FunctionProxy({
    url: setting(env, "FUNCTION_URL"),
    token: setting(env, "SCW_FUNCTION_KEY"),
    // When the key was made: a 403 while IAM is still propagating a new key is then retried.
    ...(keyCreatedAt && { issuedAt: new Date(keyCreatedAt) }),
    allowedOrigins: list(setting(env, "ALLOWED_ORIGINS")),
    allowedPaths: list(setting(env, "ALLOWED_PATHS") || "/"),
    // Who may call the function: put your own check here (a session, a signed token). This one
    // compares a header with APP_KEY, which is enough to keep other clients out of this example.
    authorize: (request) => Boolean(appKey) && request.headers.get("x-app-key") === appKey,
  });
}

let proxy;

export default {
  // Workers pass their bindings as `env`; Deno and Bun pass objects of their own, without settings.
  fetch(request, env) {
    proxy ??= proxyFor(env?.FUNCTION_URL ? env : undefined);
    return proxy.handle(request);
  },
};
