// The Activity panel: the emulator's recent API and function calls (GET /emulator/requests), newest
// first, with the reason of each call the gateway refused. Shown only when the page is served by the
// emulator.
import { $, el } from "./ui.js";

const POLL_MS = 2000;
const SHOWN = 25;

/** Why the gateway refused a call, in words. */
const REASONS = {
  missing: "no credential",
  malformed: "malformed credential",
  bad_signature: "bad signature",
  expired: "expired",
  revoked: "revoked or unknown",
  other_scope: "token for another function",
  no_policy: "key without a policy",
};

// The page's own files (the demo and the package under /pkg/) are not what the panel is for.
const isPageFile = ({ method, path }) =>
  method === "GET" && (path === "/" || path.startsWith("/pkg/") || /^\/[\w.-]+\.(js|css|svg|html)$/.test(path));

function row(entry) {
  const refused = entry.reason ? REASONS[entry.reason] ?? entry.reason : "";
  return el("tr", { class: entry.status >= 400 ? "failed" : null },
    el("td", { "data-label": "Time", text: new Date(entry.at).toLocaleTimeString() }),
    el("td", { "data-label": "Request" }, el("code", { text: `${entry.method} ${entry.path}` })),
    el("td", { "data-label": "Status", text: String(entry.status) }),
    el("td", { "data-label": "Latency", text: `${entry.latency_ms} ms` }),
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
      : [el("tr", {}, el("td", { colspan: "5", class: "empty", text: "No request yet." }))]));
  } catch {
    // The emulator stopped: keep the last view.
  }
}

/** Shows the panel and keeps it up to date. */
export function startActivity() {
  const panel = $("activity");
  const body = $("activity-rows");
  panel.hidden = false;
  refresh(body);
  setInterval(() => refresh(body), POLL_MS);
}
