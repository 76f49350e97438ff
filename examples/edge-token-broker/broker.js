// Edge token broker: the only holder of the Scaleway secret key. Allowed browser pages ask it for a
// short-lived token scoped to one private function (MINT=token, the default) or a short-lived IAM API
// key of the functions' project (MINT=key with PROJECT_ID), then call the function with its secret.
// One source for Cloudflare Workers / workerd (`export default { fetch, scheduled }`, env bindings)
// and Deno (`deno serve`, environment variables).
import { FunctionsClient } from "scw-functions-auth";

/** Description of every token or key this broker mints: how it finds its own expired ones. */
const MARKER = "edge-token-broker";
const SETTINGS = ["SCW_SECRET_KEY", "SCW_FUNCTION_ID", "SCW_REGION", "SCW_API_URL",
  "ALLOWED_ORIGINS", "BROKER_SHARED_SECRET", "TOKEN_TTL_SECONDS", "MINT", "PROJECT_ID"];
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

    const mint = (env.MINT || "token").trim().toLowerCase();
    if (mint !== "token" && mint !== "key") return answer(500, { error: "MINT must be token or key" });
    const client = clientOf(env);
    const expiresAt = new Date(Date.now() + Number(env.TOKEN_TTL_SECONDS || 900) * 1000);
    let minted;
    try {
      if (mint === "key") {
        // Application + policy (FunctionsPrivateAccess on the project) + API key, all described MARKER.
        const key = await client.createFunctionAccessKey({ projectId: env.PROJECT_ID, description: MARKER, expiresAt });
        minted = { token: key.secretKey, accessKey: key.accessKey, expiresAt: key.expiresAt };
      } else {
        const token = await client.createToken({ functionId: env.SCW_FUNCTION_ID, description: MARKER, expiresAt });
        minted = { token: token.token, expiresAt: token.expiresAt };
      }
    } catch (error) {
      console.error(`minting a ${mint} failed: ${error.name}`);
      return answer(502, { error: `could not mint a ${mint}` });
    }
    background(ctx, sweep(client, env));
    return answer(200, minted);
  },

  // Cron trigger (Workers): sweep even when nobody asks for tokens.
  async scheduled(_event, env, ctx) {
    lastSweep = 0;
    background(ctx, sweep(clientOf(settings(env)), settings(env)));
  },
};

/**
 * Deletes the expired tokens (of SCW_FUNCTION_ID) and the expired keys (with their applications and
 * policies) this broker minted, at most once a minute per isolate: tokens when SCW_FUNCTION_ID is
 * set, keys when PROJECT_ID is set, whatever MINT is (switching MINT leaves nothing behind).
 */
async function sweep(client, env) {
  if (Date.now() - lastSweep < SWEEP_EVERY_MS) return;
  lastSweep = Date.now();
  const results = await Promise.allSettled([
    env.SCW_FUNCTION_ID && sweepTokens(client, env),
    env.PROJECT_ID && sweepKeys(client, env),
  ]);
  const failed = results.find((r) => r.status === "rejected");
  if (failed) throw failed.reason;
}

async function sweepTokens(client, env) {
  const tokens = await client.listAllTokens({ functionId: env.SCW_FUNCTION_ID });
  const expired = tokens.filter((t) => t.description === MARKER && t.expiresAt && t.expiresAt <= new Date());
  await Promise.allSettled(expired.map((t) => client.deleteToken(t.id)));
}

async function sweepKeys(client, env) {
  const now = new Date();
  const expired = (await client.listFunctionAccessKeys({ projectId: env.PROJECT_ID }))
    .filter((k) => k.description === MARKER && k.expiresAt !== undefined && k.expiresAt <= now);
  // deleteFunctionAccessKey removes the key, then its application's policies, then the application.
  await Promise.allSettled(expired.map((k) => client.deleteFunctionAccessKey(k.accessKey)));
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
  const logged = promise.catch((error) => console.error(`sweep failed: ${error.name}`));
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
