// Every object the library hands to users, made in one place from what the API sent (snake_case
// JSON, parsed by the host) or what the wasm reports (serde JSON): camelCase keys, Dates for
// `*_at` timestamps, and nothing empty. The wasm calls each function once per answer.

/** Wire names already turned camelCase: a page of 50 tokens asks for the same few hundreds of times. */
const camelNames = new Map();
/** `snake_case` as `camelCase`, remembered for the first 512 names (an answer's keys are the API's, but need not be few). */
function camel(key) {
  let name = camelNames.get(key);
  if (name === undefined) {
    name = key.replace(/_([a-z0-9])/g, (_, c) => c.toUpperCase());
    if (camelNames.size < 512) camelNames.set(key, name);
  }
  return name;
}
const text = (v) => typeof v == "string" && v !== "";

/** Copies the non-empty string fields `keys` of `wire` into `out`, camelCase, `*_at` ones as Dates. */
function pick(wire, keys, out = {}) {
  for (const key of keys) {
    const v = wire[key];
    if (text(v)) out[camel(key)] = key.endsWith("_at") ? new Date(v) : v;
  }
  return out;
}

/** Every field of `o` but nulls (and empty strings when `dropEmpty`), camelCase. */
function rename(o, dropEmpty) {
  const out = {};
  for (const [key, v] of Object.entries(o)) {
    if (v == null || (dropEmpty && v === "")) continue;
    out[camel(key)] = key.endsWith("_at") && text(v) ? new Date(v) : v;
  }
  return out;
}

/** A Token, or undefined when `t` has no id or status. The secret only when the API showed it. */
export function token(t, region) {
  if (!text(t?.id) || !text(t.status)) return;
  const o = { id: t.id, regionalId: `${region}/${t.id}`, region };
  if (text(t.token) && t.token != "<hidden>") o.token = t.token;
  if (text(t.function_id)) o.functionId = t.function_id;
  if (text(t.namespace_id)) o.namespaceId = t.namespace_id;
  o.status = t.status;
  if (text(t.description)) o.description = t.description;
  if (text(t.expires_at)) o.expiresAt = new Date(t.expires_at);
  return o;
}

/** The Tokens of a list, or undefined when one is not a token. */
export function tokens(list, region) {
  const out = [];
  for (const t of list) {
    const o = token(t, region);
    if (!o) return;
    out.push(o);
  }
  return out;
}

/** One page of ListTokens: `{ tokens, totalCount }`, or undefined when a listed object is not a token. */
export function page(p, totalCount, region) {
  const list = tokens(Array.isArray(p.tokens) ? p.tokens : [], region);
  if (list) return { tokens: list, totalCount };
}

/** A Namespace or Function: every field the API sent, nulls left out; undefined without an id. */
export function object(o) {
  if (text(o?.id)) return rename(o, false);
}

/** The Namespaces or Functions of a list, or undefined when one has no id. */
export function objects(list) {
  const out = list.map(object);
  if (!out.includes(undefined)) return out;
}

/**
 * A FunctionAccessKey: CreateAPIKey's answer (the only one with the secret) and its policy, with
 * `oldKeyError` when a rotation could not delete the old key.
 */
export function accessKey(k, policyId, oldKeyError) {
  const o = pick(k, ["access_key", "secret_key", "application_id"]);
  o.policyId = policyId;
  pick(k, ["created_at", "expires_at"], o);
  if (oldKeyError !== undefined) o.oldKeyError = oldKeyError;
  return o;
}

/** The keys of listFunctionAccessKeys (never a secret), or undefined when one has no access key. */
export function listedKeys(list) {
  const out = [];
  for (const k of list) {
    if (!text(k?.access_key)) return;
    const o = pick(k, ["access_key", "application_id"]);
    if (text(k.default_project_id)) o.projectId = k.default_project_id;
    out.push(pick(k, ["description", "created_at", "expires_at"], o));
  }
  return out;
}

/** decodeToken's answer: the claims and, when they have `exp`, the expiry. */
export function decoded(claims) {
  const o = {};
  if (typeof claims.exp == "number") o.expiresAt = new Date(claims.exp * 1000);
  o.claims = claims;
  return o;
}

/** The fields of an error from the wasm's report, JSON text (`fields` keeps the API's own field names). */
export function errorFields(text) {
  const { class: _, message: __, details, fields, ...rest } = JSON.parse(text);
  const o = rename(rest, true);
  if (details) o.details = details.map((d) => rename(d, true));
  if (fields) o.fields = fields;
  return o;
}
