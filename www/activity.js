// The Activity panel: the emulator's recent API and function calls (GET /emulator/requests), newest
// first, with the key or token the gateway admitted each function call with (by its public
// identifier, never its secret), or why it refused it. Shown only when the page is served by the
// emulator.
import { $, el } from "./ui.js";
import { credentialsEvents } from "./store.js";

const POLL_MS = 2000;
const SHOWN = 15;

/** Why the gateway refused a call, in words. */
const REASONS = {
  missing: "no credential",
  malformed: "malformed credential",
  bad_signature: "bad signature",
  expired: "expired",
  revoked: "revoked or unknown",
  other_scope: "token for another function",
  no_policy: "key without a policy",
  propagating: "key not admitted yet (propagating)",
};

/** Descriptions of the keys and tokens the Security lists last showed, by access key or token id. */
const described = new Map();

// The page's own files (the demo and the package under /pkg/) are not what the panel is for.
const isPageFile = ({ method, path }) =>
  method === "GET" && (path === "/" || path.startsWith("/pkg/") || /^\/[\w.-]+\.(js|css|svg|html)$/.test(path));

/** "SCW… (Edge proxy of the demo)", "legacy token 1a2b… (CI)" or "". */
function credentialText(credential) {
  if (!credential) return "";
  const id = credential.access_key ?? credential.token_id;
  const name = credential.access_key ? id : `legacy token ${id}`;
  const description = described.get(id);
  return description ? `${name} (${description})` : name;
}

function row(entry) {
  const refused = entry.reason ? REASONS[entry.reason] ?? entry.reason : "";
  const credential = credentialText(entry.credential);
  return el("tr", { class: entry.status >= 400 ? "failed" : null },
    el("td", { "data-label": "Time", text: new Date(entry.at).toLocaleTimeString() }),
    el("td", { "data-label": "Request" }, el("code", { text: `${entry.method} ${entry.path}` })),
    el("td", { "data-label": "Status", text: String(entry.status) }),
    el("td", { "data-label": "Latency", text: `${entry.latency_ms} ms` }),
    el("td", { "data-label": "Credential", class: "credential" }, credential ? el("code", { text: credential }) : ""),
    el("td", { "data-label": "Refused", text: refused }));
}

async function refresh(body) {
  try {
    const response = await fetch("/emulator/requests", { headers: { Accept: "application/json" } });
    if (!response.ok) return;
    const { requests } = await response.json();
    const recent = requests.filter((entry) => !isPageFile(entry)).slice(-SHOWN).reverse();
    body.replaceChildren(...(recent.length
      ? recent.map(row)
      : [el("tr", {}, el("td", { colspan: "6", class: "empty", text: "No request yet." }))]));
  } catch {
    // The emulator stopped: keep the last view.
  }
}

/** Shows the panel and keeps it up to date. */
export function startActivity() {
  const panel = $("activity");
  const body = $("activity-rows");
  panel.hidden = false;
  credentialsEvents.addEventListener("listed", ({ detail: { keys, tokens } }) => {
    for (const key of keys) if (key.description) described.set(key.accessKey, key.description);
    for (const token of tokens) if (token.description) described.set(token.id, token.description);
    refresh(body);
  });
  refresh(body);
  setInterval(() => refresh(body), POLL_MS);
}
