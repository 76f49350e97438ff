// The Invoke panel: calls the open function with a secret of this session (or a pasted one), or
// without any credential, and shows the answer whatever its status.
import { $, el, busy, FormError } from "./ui.js";
import { prettyBody, statusText } from "./format.js";
import { state, session } from "./store.js";

const trimSlash = (url) => String(url).replace(/\/+$/, "");

export function isLocal() {
  return Boolean(state.emulator) && trimSlash(state.apiUrl) === trimSlash(state.emulator.api_url);
}

/** Where the page calls a function: the emulator's gateway locally, the function's domain otherwise. */
export function callUrl(fn) {
  return isLocal() ? `${trimSlash(state.apiUrl)}/fn/${fn.id}` : `https://${fn.domainName}`;
}

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

function requestParts() {
  const form = $("invoke-form");
  const method = form.method.value;
  let path = form.path.value.trim() || "/";
  if (!path.startsWith("/")) path = `/${path}`;
  const body = form.body.value;
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
  const form = $("invoke-form");
  if (form.credential.value === "paste") {
    const pasted = form.pastedToken.value.trim();
    if (!pasted) throw new FormError("Paste a secret first.");
    return { secret: pasted, label: "a pasted secret" };
  }
  const mine = session.get(form.credential.value);
  if (!mine) throw new FormError("Pick a credential generated in this session, or paste one.");
  return { secret: mine.secret, label: `${kindName(mine.kind)} “${mine.description}”${mine.deleted ? " (deleted)" : ""}` };
}

async function invoke(withCredential) {
  await busy([$("call-without"), $("call-with")], $("invoke-error"), async () => {
    const { path, init } = requestParts();
    const url = callUrl(state.fn);
    let call;
    let label;
    if (withCredential) {
      const { secret, label: which } = chosenCredential();
      const fn = new state.pkg.PrivateFunction({ url, token: secret });
      call = () => fn.fetch(path, init);
      label = `with ${which}`;
    } else {
      // Without a credential there is nothing for the package to add: a plain fetch is what a stranger sends.
      call = () => fetch(`${trimSlash(url)}${path}`, init);
      label = "without credential";
    }
    const started = performance.now();
    const response = await call();
    const text = await response.text();
    showResult(response.status, performance.now() - started, label, text);
  });
}

function showResult(status, elapsed, label, text) {
  const badge = $("invoke-status");
  badge.textContent = statusText(status);
  badge.className = `badge ${status < 400 ? "ok" : "denied"}`;
  $("invoke-time").textContent = `${Math.round(elapsed)} ms`;
  $("invoke-auth").textContent = label;
  $("invoke-response").textContent = text ? prettyBody(text) : "(empty body)";
  $("invoke-result").hidden = false;
}

/** Points the panel at the function just opened. */
export function resetInvoke(fn) {
  $("invoke-url").replaceChildren("Calls ", el("code", { text: callUrl(fn) }));
  $("invoke-error").hidden = true;
  $("invoke-result").hidden = true;
}

export function wireInvoke() {
  session.addEventListener("change", (event) => renderChoices(event.detail.selected));
  $("invoke-credential").addEventListener("change", () => {
    $("pasted-token-field").hidden = $("invoke-credential").value !== "paste";
  });
  $("invoke-form").addEventListener("submit", (event) => {
    event.preventDefault();
    invoke(true);
  });
  $("call-without").addEventListener("click", () => invoke(false));
}
