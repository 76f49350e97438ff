// The tokens of a page as listTokens answers them, built here in one call from the wasm rather
// than field by field across the boundary; undefined when one lacks its id or status.

export function tokens(list, region) {
  const out = [];
  for (const t of list) {
    if (typeof t?.id != "string" || typeof t.status != "string") return;
    const o = { id: t.id, regionalId: region + "/" + t.id, region };
    const put = (key, value) => {
      if (typeof value == "string" && value) o[key] = value;
    };
    put("token", t.token != "<hidden>" && t.token);
    put("functionId", t.function_id);
    put("namespaceId", t.namespace_id);
    o.status = t.status;
    put("description", t.description);
    if (typeof t.expires_at == "string" && t.expires_at) o.expiresAt = new Date(t.expires_at);
    out.push(o);
  }
  return out;
}
