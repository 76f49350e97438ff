// The Invoke panel: calls the open function the ways a page might, and shows the answer whatever
// its status, or why the browser blocked the call.
// - Through the edge proxy: plain fetch with the page's app key; the proxy holds the function's key.
// - Directly from this page's origin to the function's, another origin as on Scaleway: the browser
//   sends a CORS preflight first, which carries no credential and is refused, so the call never leaves.
// - On the emulator's own origin (the emulator only): what a server sees, with no CORS, to try the
//   credentials made in this session, or none.
import { $, el, busy, FormError } from "./ui.js";
import { crossOriginRefusal, describeError, isBlockedFetch, preflightCause, prettyBody, statusText } from "./format.js";
import { isLocal, state, session, trimSlash } from "./store.js";

/** Where the page calls a function on its own origin: the emulator's gateway locally, the function's domain otherwise. */
export function callUrl(fn) {
  return isLocal() ? `${trimSlash(state.apiUrl)}/fn/${fn.id}` : `https://${fn.domainName}`;
}

/**
 * The function on another origin than the page's, as a page and a function on Scaleway always
 * are. Locally the emulator serves both, so the function is named by the other loopback name:
 * 127.0.0.1 and localhost are different origins for the browser.
 */
function crossOriginUrl(fn) {
  const url = new URL(callUrl(fn));
  if (url.origin === location.origin) url.hostname = url.hostname === "localhost" ? "127.0.0.1" : "localhost";
  return trimSlash(url.href);
}

const form = () => $("invoke-form");
const route = () => form().route.value;
const proxyUrl = () => trimSlash(form().proxyUrl.value.trim());
const kindName = (kind) => (kind === "key" ? "IAM API key" : "legacy token");

function renderChoices(selectId) {
  const select = $("invoke-credential");
  const current = selectId ?? select.value;
  // The access key tells apart a key from its rotated successor (same description).
  const options = session.entries().map(([id, { description, kind, deleted }]) =>
    el("option", { value: id, text: `${description} (${kind === "key" ? `IAM API key ${id}` : "legacy token"})${deleted ? " (deleted)" : ""}` }));
  select.replaceChildren(
    options.length
      ? el("optgroup", { label: "Generated in this session" }, ...options)
      : el("option", { value: "", disabled: true, text: "Generate a credential first, or paste one" }),
    el("option", { value: "paste", text: "Paste a secret…" }),
  );
  select.value = current || (options.length ? options.at(-1).value : "");
  $("pasted-token-field").hidden = select.value !== "paste";
}

/** Shows the fields and buttons of the chosen route, and says where it calls. */
function showRoute() {
  const chosen = route();
  const proxied = chosen === "proxy";
  $("proxy-fields").hidden = !proxied;
  $("credential-fields").hidden = proxied;
  $("call-proxy").hidden = !proxied;
  $("call-with").hidden = proxied;
  $("call-without").hidden = proxied;
  if (!state.fn) return;
  const target = el("code", { text: callUrl(state.fn) });
  const hints = {
    proxy: ["The page calls the proxy with plain fetch and its app key. The proxy answers the browser's CORS preflight, adds its own IAM API key and calls ",
      target, ": the key never reaches this page."],
    direct: ["Calls ", el("code", { text: crossOriginUrl(state.fn) }), " from ", el("code", { text: location.origin }),
      ": another origin, as a page and a function on Scaleway always are."],
    "same-origin": ["Calls ", target, " on this page's own origin, with no CORS, as a server or curl calls a function. Only the emulator serves a page and a function on one origin."],
  };
  $("route-hint").replaceChildren(...hints[chosen]);
}

function requestParts() {
  const method = form().method.value;
  let path = form().path.value.trim() || "/";
  if (!path.startsWith("/")) path = `/${path}`;
  const body = form().body.value;
  const init = { method, headers: {} };
  if (body && method !== "GET" && method !== "HEAD") {
    init.body = body;
    init.headers["Content-Type"] = isJson(body) ? "application/json" : "text/plain";
  }
  return { path, init };
}

function isJson(text) {
  try {
    JSON.parse(text);
    return true;
  } catch {
    return false;
  }
}

function chosenCredential() {
  if (form().credential.value === "paste") {
    const pasted = form().pastedToken.value.trim();
    if (!pasted) throw new FormError("Paste a secret first.");
    return { secret: pasted, label: "a pasted secret" };
  }
  const mine = session.get(form().credential.value);
  if (!mine) throw new FormError("Pick a credential generated in this session, or paste one.");
  return { secret: mine.secret, label: `${kindName(mine.kind)} “${mine.description}”${mine.deleted ? " (deleted)" : ""}` };
}

/** The call to make for the chosen route, and how the result line names it. */
function plan(withCredential) {
  const { path, init } = requestParts();
  if (route() === "proxy") {
    const base = proxyUrl();
    if (!URL.canParse(base)) throw new FormError("Give the proxy's URL first: make demo prints it.");
    const appKey = form().appKey.value.trim();
    const headers = appKey ? { ...init.headers, "X-App-Key": appKey } : init.headers;
    return { call: () => fetch(`${base}${path}`, { ...init, headers }), label: "through the edge proxy, with the page's app key only" };
  }
  const direct = route() === "direct";
  const url = direct ? crossOriginUrl(state.fn) : callUrl(state.fn);
  const where = direct ? "from another origin, " : "";
  if (!withCredential) {
    // Without a credential there is nothing for the package to add: a plain fetch is what a stranger sends.
    return { call: () => fetch(`${url}${path}`, init), label: `${where}without credential`, preflight: direct && preflightCause(init, false) };
  }
  const { secret, label } = chosenCredential();
  const fn = new state.pkg.PrivateFunction({ url, token: secret });
  return { call: () => fn.fetch(path, init), label: `${where}with ${label}`, preflight: direct && preflightCause(init, true) };
}

async function invoke(withCredential) {
  await busy([$("call-proxy"), $("call-without"), $("call-with")], $("invoke-error"), async () => {
    const { call, label, preflight } = plan(withCredential);
    const chosen = route();
    const started = performance.now();
    try {
      const response = await call();
      const text = await response.text();
      showResult({ status: response.status, elapsed: performance.now() - started, label, text, explain: answered(chosen, response.status) });
    } catch (error) {
      if (chosen === "same-origin" || !isBlockedFetch(error)) throw error;
      showResult({ elapsed: performance.now() - started, label, text: describeError(error), explain: blocked(chosen, preflight) });
    }
  });
}

/** Why the browser gave the page no answer. */
function blocked(chosen, preflight) {
  if (chosen === "proxy") {
    return `The proxy did not answer this page: is it running at ${proxyUrl()}, and do its ALLOWED_ORIGINS include ${location.origin}?`;
  }
  return crossOriginRefusal(preflight, isLocal());
}

/** What an answer means: through the proxy, and a refusal the emulator can tell the reason of. */
function answered(chosen, status) {
  if (chosen !== "proxy") {
    return status === 403 && isLocal()
      ? "The gateway refused the call: Activity gives the reason (a new key, for one, is refused now and then while it propagates)."
      : "";
  }
  if (status < 400) {
    return `The proxy answered the browser's preflight, added its IAM API key and called the function: this page sent only its app key.${isLocal() ? " Activity shows the key the gateway admitted." : ""}`;
  }
  if (status !== 403) return "";
  return "Refused. When the gateway refused the proxy's key, Activity gives the reason (a new key is refused now and then while it propagates); " +
    "otherwise the proxy itself refused the page (its app key, origin or path).";
}

function showResult({ status, elapsed, label, text, explain }) {
  const badge = $("invoke-status");
  badge.textContent = status === undefined ? "Blocked by the browser" : statusText(status);
  badge.className = `badge ${status !== undefined && status < 400 ? "ok" : "denied"}`;
  $("invoke-time").textContent = `${Math.round(elapsed)} ms`;
  $("invoke-auth").textContent = label;
  $("invoke-explain").textContent = explain;
  $("invoke-explain").hidden = !explain;
  $("invoke-response").textContent = text ? prettyBody(text) : "(empty body)";
  $("invoke-result").hidden = false;
}

/** Points the panel at the function just opened; the proxy is the way shown first once it is known. */
export function resetInvoke() {
  $("same-origin-choice").hidden = !isLocal();
  const first = proxyUrl() ? "proxy" : isLocal() ? "same-origin" : "direct";
  for (const input of form().route) input.checked = input.value === first;
  showRoute();
  $("invoke-error").hidden = true;
  $("invoke-result").hidden = true;
}

/** The proxy `make demo` started, named in the page's address: `#proxy=URL&app-key=KEY`. */
function proxyFromAddress() {
  const settings = new URLSearchParams(location.hash.slice(1));
  form().proxyUrl.value = settings.get("proxy") ?? "";
  form().appKey.value = settings.get("app-key") ?? "";
}

export function wireInvoke() {
  proxyFromAddress();
  session.addEventListener("change", (event) => renderChoices(event.detail.selected));
  $("invoke-credential").addEventListener("change", () => {
    $("pasted-token-field").hidden = $("invoke-credential").value !== "paste";
  });
  for (const input of form().route) {
    input.addEventListener("change", () => {
      $("invoke-result").hidden = true;
      showRoute();
    });
  }
  form().addEventListener("submit", (event) => {
    event.preventDefault();
    invoke(true);
  });
  $("call-without").addEventListener("click", () => invoke(false));
  showRoute();
}
