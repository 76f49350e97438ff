// Edge token broker: the only holder of the Scaleway secret key. Allowed browser pages ask it for a
// short-lived token scoped to one private function, then call the function with that token.
// One source for Cloudflare Workers / workerd (`export default { fetch, scheduled }`, env bindings)
// and Deno (`deno serve`, environment variables).
import { FunctionsClient } from "scw-functions-auth";

/** Description of every token this broker mints: how it finds its own expired tokens. */
const MARKER = "edge-token-broker";
const SETTINGS = ["SCW_SECRET_KEY", "SCW_FUNCTION_ID", "SCW_REGION", "SCW_API_URL",
  "ALLOWED_ORIGINS", "BROKER_SHARED_SECRET", "TOKEN_TTL_SECONDS"];
const SWEEP_EVERY_MS = 60_000;
let lastSweep = 0;

export default {
  async fetch(request, envOrInfo, ctx) {
    const env = settings(envOrInfo);
    const origin = request.headers.get("origin");
    const allowed = origin !== null && env.ALLOWED_ORIGINS.split(",").map((o) => o.trim()).includes(origin);
    const cors = allowed
      ? { "access-control-allow-origin": origin, "access-control-allow-headers": "x-broker-key",
          "access-control-allow-methods": "POST", "access-control-max-age": "600", vary: "origin" }
      : { vary: "origin" };
    const answer = (status, body) =>
      Response.json(body, { status, headers: { ...cors, "cache-control": "no-store" } });

    if (new URL(request.url).pathname !== "/token") return answer(404, { error: "not found" });
    if (!allowed) return answer(403, { error: "origin not allowed" });
    if (request.method === "OPTIONS") return new Response(null, { status: 204, headers: cors });
    if (request.method !== "POST") return answer(405, { error: "POST only" });
    if (!(await sameSecret(request.headers.get("x-broker-key") ?? "", env.BROKER_SHARED_SECRET))) {
      return answer(401, { error: "missing or wrong x-broker-key" });
    }

    const client = clientOf(env);
    const ttlMs = Number(env.TOKEN_TTL_SECONDS || 900) * 1000;
    const { token, expiresAt } = await client.createToken({
      functionId: env.SCW_FUNCTION_ID, description: MARKER, expiresAt: new Date(Date.now() + ttlMs),
    });
    background(ctx, sweep(client, env));
    return answer(200, { token, expiresAt });
  },

  // Cron trigger (Workers): sweep even when nobody asks for tokens.
  async scheduled(_event, env, ctx) {
    lastSweep = 0;
    background(ctx, sweep(clientOf(settings(env)), settings(env)));
  },
};

/** Deletes the expired tokens this broker minted, at most once a minute per isolate. */
async function sweep(client, env) {
  if (Date.now() - lastSweep < SWEEP_EVERY_MS) return;
  lastSweep = Date.now();
  const tokens = await client.listAllTokens({ functionId: env.SCW_FUNCTION_ID });
  const expired = tokens.filter((t) => t.description === MARKER && t.expiresAt && t.expiresAt <= new Date());
  await Promise.allSettled(expired.map((t) => client.deleteToken(t.id)));
}

function clientOf(env) {
  return new FunctionsClient({
    secretKey: env.SCW_SECRET_KEY,
    region: env.SCW_REGION || "fr-par",
    ...(env.SCW_API_URL ? { apiUrl: env.SCW_API_URL } : {}),
  });
}

/** Workers pass bindings as `env`; `deno serve` passes connection info, settings come from Deno.env. */
function settings(envOrInfo) {
  if (typeof envOrInfo?.SCW_SECRET_KEY === "string") return envOrInfo;
  return Object.fromEntries(SETTINGS.map((name) => [name, globalThis.Deno?.env.get(name) ?? ""]));
}

function background(ctx, promise) {
  const logged = promise.catch((error) => console.error(`token sweep failed: ${error.name}`));
  if (ctx?.waitUntil) ctx.waitUntil(logged);
}

/** Constant-time comparison: compares HMACs of both strings under a fresh random key. */
async function sameSecret(given, expected) {
  if (!expected) return false;
  const key = await crypto.subtle.generateKey({ name: "HMAC", hash: "SHA-256" }, false, ["sign"]);
  const mac = async (s) => new Uint8Array(await crypto.subtle.sign("HMAC", key, new TextEncoder().encode(s)));
  const [a, b] = await Promise.all([mac(given), mac(expected)]);
  return a.every((byte, i) => byte === b[i]);
}
