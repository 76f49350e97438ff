// Per-call cost in Node (listTokens page of 50; createToken + deleteToken) and invocation
// (PrivateFunction.fetch vs fetch with X-Auth-Token, 1 KB and 1 MB POST bodies to the echo function):
// raw fetch + JSON.parse vs the official SDK vs this library, interleaved, against the emulator.
import { createClient } from "@scaleway/sdk-client";
import { Functionv1beta1 } from "@scaleway/sdk-function";
import path from "node:path";
import { pathToFileURL } from "node:url";
import { interleaved, summarize, pkgDir } from "./common.mjs";

const { FunctionsClient, PrivateFunction } = await import(pathToFileURL(path.join(pkgDir, "index.node.js")).href);

export const PAGE = 50;

export function rawApi(emu) {
  const base = `${emu.api_url.replace(/\/$/, "")}/functions/v1beta1/regions/${emu.region}`;
  const headers = { "X-Auth-Token": emu.secret_key };
  const json = async (res) => {
    const text = await res.text();
    if (!res.ok) throw new Error(`HTTP ${res.status}: ${text}`);
    return text ? JSON.parse(text) : null;
  };
  return {
    list: (functionId, pageSize) =>
      fetch(`${base}/tokens?function_id=${functionId}&page=1&page_size=${pageSize}`, { headers }).then(json),
    create: (body) =>
      fetch(`${base}/tokens`, {
        method: "POST",
        headers: { ...headers, "Content-Type": "application/json" },
        body: JSON.stringify(body),
      }).then(json),
    remove: (id) => fetch(`${base}/tokens/${id}`, { method: "DELETE", headers }).then(json),
  };
}

export function clients(emu) {
  return {
    raw: rawApi(emu),
    sdk: new Functionv1beta1.API(
      createClient({
        apiURL: emu.api_url,
        secretKey: emu.secret_key,
        accessKey: "SCWXXXXXXXXXXXXXXXXX",
        defaultProjectId: emu.project_id,
        defaultRegion: emu.region,
      }),
    ),
    lib: new FunctionsClient({ apiUrl: emu.api_url, secretKey: emu.secret_key, region: emu.region }),
  };
}

/** Seeds `count` function-scoped tokens; returns the JWT of the first one. */
export async function seed(emu, count = PAGE) {
  const { raw } = clients(emu);
  let first;
  for (let i = 0; i < count; i++) {
    const t = await raw.create({ function_id: emu.function_id, description: `bench ${i}` });
    first ??= t.token;
  }
  return first;
}

function check(cond, what) {
  if (!cond) throw new Error(`benchmark sanity check failed: ${what}`);
}

export async function runCalls(emu, { n = 1000, pairs = 300 } = {}) {
  const { raw, sdk, lib } = clients(emu);
  const fid = emu.function_id;
  const list = await interleaved(
    {
      raw: async () => check((await raw.list(fid, PAGE)).tokens.length === PAGE, "raw list"),
      sdk: async () => check((await sdk.listTokens({ functionId: fid, pageSize: PAGE })).tokens.length === PAGE, "sdk list"),
      lib: async () => check((await lib.listTokens({ functionId: fid, pageSize: PAGE })).tokens.length === PAGE, "lib list"),
    },
    { n, warmup: 50 },
  );
  const createDelete = await interleaved(
    {
      raw: async () => {
        const t = await raw.create({ function_id: fid });
        check(t.token.split(".").length === 3, "raw create");
        await raw.remove(t.id);
      },
      sdk: async () => {
        const t = await sdk.createToken({ functionId: fid });
        check(t.token.split(".").length === 3, "sdk create");
        await sdk.deleteToken({ tokenId: t.id });
      },
      lib: async () => {
        const t = await lib.createToken({ functionId: fid });
        check(t.token.split(".").length === 3, "lib create");
        await lib.deleteToken(t.id);
      },
    },
    { n: pairs, warmup: 20 },
  );
  const after = await raw.list(fid, 100);
  check(after.total_count === PAGE, `token count back to ${PAGE} (is ${after.total_count})`);
  const map = (o) => Object.fromEntries(Object.entries(o).map(([k, v]) => [k, summarize(v)]));
  return { list: map(list), createDelete: map(createDelete) };
}

export async function runInvocation(emu, token, { n1k = 1000, n1m = 100 } = {}) {
  const fn = new PrivateFunction({ url: emu.function_url, token });
  const out = {};
  for (const [label, size, n] of [["1 KB", 1024, n1k], ["1 MB", 1024 * 1024, n1m]]) {
    const body = "x".repeat(size);
    const consume = async (res) => {
      const text = await res.text();
      check(res.status === 200 && text.length > size, `${label} echo (status ${res.status})`);
    };
    const s = await interleaved(
      {
        raw: async () =>
          consume(await fetch(emu.function_url, { method: "POST", headers: { "X-Auth-Token": token }, body })),
        lib: async () => consume(await fn.fetch("/", { method: "POST", body })),
      },
      { n, warmup: Math.min(50, n / 5) },
    );
    out[label] = { raw: summarize(s.raw), lib: summarize(s.lib) };
  }
  return out;
}
