// The demo page: Connect → namespaces and functions → Security (IAM API keys or legacy tokens) → Invoke,
// all through the scw-functions-auth package served at /pkg/.
import { $, el, busy, showError, clearError } from "./ui.js";
import { startActivity } from "./activity.js";
import { describeError, formatDate, prettyBody, relativeExpiry, scopeOf, statusText } from "./format.js";

const state = {
  pkg: null,
  pkgError: null, // why /pkg/index.js did not load, shown again on every Connect
  client: null,
  apiUrl: "",
  emulator: null, // the emulator's /emulator/info when the page is served by it
  namespace: null,
  fn: null,
  // Tokens and IAM API keys generated in this page session: the only place their secret exists
  // once the dialog closes. Keys are listed from here (the page does not list the organization's IAM).
  session: new Map(), // token id or access key -> { token, description, deleted, key?: { expiresAt?, projectId } }
};

/** The page asks the user to fix a field before anything is sent. */
class FormError extends Error {
  name = "FormError";
}

// The npm package's browser entry: it instantiates the wasm itself (top-level await).
// Imported dynamically so that a missing build shows up as an inline error, not a dead page.
const loadPackage = () => import("./pkg/index.js");

async function loadEmulatorInfo() {
  try {
    const response = await fetch("/emulator/info", { headers: { Accept: "application/json" } });
    if (!response.ok) return null;
    return await response.json();
  } catch {
    return null;
  }
}

function isLocal() {
  return Boolean(state.emulator) && trimSlash(state.apiUrl) === trimSlash(state.emulator.api_url);
}

const trimSlash = (url) => String(url).replace(/\/+$/, "");

/** Where the page calls a function: the emulator's gateway locally, the function's domain otherwise. */
function callUrl(fn) {
  return isLocal() ? `${trimSlash(state.apiUrl)}/fn/${fn.id}` : `https://${fn.domainName}`;
}

// ---- Connect ----------------------------------------------------------------------------------

async function connect(event) {
  event.preventDefault();
  const form = $("connect-form");
  const status = $("connect-status");
  status.textContent = "";
  await busy($("connect-button"), $("connect-error"), async () => {
    state.client = null;
    $("namespaces").hidden = true;
    $("function").hidden = true;
    setBreadcrumb([]);
    if (!state.pkg) throw state.pkgError;
    const apiUrl = form.apiUrl.value.trim();
    const client = new state.pkg.FunctionsClient({
      secretKey: form.secretKey.value.trim(),
      region: form.region.value,
      apiUrl,
    });
    const namespaces = await client.listNamespaces();
    const functions = await client.listFunctions({});
    state.client = client;
    state.apiUrl = apiUrl;
    renderNamespaces(namespaces, functions);
    status.textContent = `Connected to ${apiUrl} (${form.region.value}): ${namespaces.length} namespace${namespaces.length === 1 ? "" : "s"}.`;
  });
}

function renderNamespaces(namespaces, functions) {
  const list = $("namespace-list");
  list.replaceChildren();
  if (namespaces.length === 0) list.append(el("p", { class: "empty", text: "No namespace in this region." }));
  for (const namespace of namespaces) {
    const own = functions.filter((fn) => fn.namespaceId === namespace.id);
    const rows = own.map((fn) =>
      el("tr", {},
        el("td", { "data-label": "Function" }, el("strong", { text: fn.name })),
        el("td", { "data-label": "Privacy" }, el("span", { class: `badge ${fn.privacy}`, text: fn.privacy })),
        el("td", { "data-label": "Status" }, el("span", { class: `badge status-${fn.status}`, text: fn.status })),
        el("td", { "data-label": "URL", class: "url" }, el("code", { text: `https://${fn.domainName}` })),
        el("td", { class: "row-actions" },
          el("button", {
            type: "button", class: "secondary", text: "Security",
            "aria-label": `Security and tokens of ${fn.name}`,
            onclick: () => openFunction(namespace, fn),
          })),
      ));
    list.append(
      el("article", { class: "namespace", "aria-label": `Namespace ${namespace.name}` },
        el("h3", {}, el("span", { text: namespace.name }), " ",
          el("span", { class: `badge status-${namespace.status}`, text: namespace.status })),
        el("p", { class: "hint" }, "ID ", el("code", { text: namespace.id })),
        rows.length
          ? el("div", { class: "table-wrap" },
              el("table", { class: "stack" },
                el("thead", {}, el("tr", {},
                  ...["Function", "Privacy", "Status", "URL"].map((title) => el("th", { scope: "col", text: title })),
                  el("th", { scope: "col" }, el("span", { class: "visually-hidden", text: "Actions" })))),
                el("tbody", {}, ...rows)))
          : el("p", { class: "empty", text: "No function in this namespace." }),
      ));
  }
  $("namespaces").hidden = false;
}

function setBreadcrumb(parts) {
  $("breadcrumb").replaceChildren(
    ...["Serverless Functions", ...parts].map((part, index, all) =>
      el("li", index === all.length - 1 && all.length > 1 ? { "aria-current": "page" } : {}, part)),
  );
}

// ---- Function: Security ----------------------------------------------------------------------

async function openFunction(namespace, fn) {
  state.namespace = namespace;
  state.fn = fn;
  setBreadcrumb([namespace.name, fn.name, "Security"]);
  $("function-title").textContent = fn.name;
  const facts = [
    ["Namespace", namespace.name],
    ["Privacy", fn.privacy],
    ["Status", fn.status],
    ["Region", fn.region],
    ["Runtime", fn.runtime],
    ["URL", `https://${fn.domainName}`, "wide"],
  ].filter(([, value]) => value);
  if (isLocal()) facts.push(["Called locally at", callUrl(fn), "wide"]);
  $("function-facts").replaceChildren(
    ...facts.map(([term, value, wide]) => el("div", { class: wide }, el("dt", { text: term }), el("dd", { text: value }))),
  );
  $("invoke-url").replaceChildren("Calls ", el("code", { text: callUrl(fn) }));
  clearError($("token-error"));
  clearError($("tokens-error"));
  clearError($("invoke-error"));
  $("invoke-result").hidden = true;
  $("function").hidden = false;
  $("function-title").setAttribute("tabindex", "-1");
  $("function-title").focus();
  await refreshTokens();
}

async function refreshTokens() {
  const { client, fn, namespace } = state;
  if (!client || !fn) return;
  clearError($("tokens-error"));
  try {
    const [own, shared] = await Promise.all([
      client.listAllTokens({ functionId: fn.id, orderBy: "created_at_asc" }),
      client.listAllTokens({ namespaceId: namespace.id, orderBy: "created_at_asc" }),
    ]);
    const tokens = [...new Map([...own, ...shared].map((token) => [token.id, token])).values()];
    renderTokens(tokens, sessionKeys());
  } catch (error) {
    showError($("tokens-error"), error);
  }
}

/** The live IAM API keys made in this session for the open function's project, as table rows. */
function sessionKeys() {
  return [...state.session]
    .filter(([, entry]) => entry.key && !entry.deleted && entry.key.projectId === state.namespace?.projectId)
    .map(([accessKey, entry]) => ({ accessKey, description: entry.description, expiresAt: entry.key.expiresAt, status: "ready" }));
}

function renderTokens(tokens, keys = []) {
  const body = $("tokens-body");
  const now = new Date();
  const plural = (n, word) => `${n} ${word}${n === 1 ? "" : "s"}`;
  $("tokens-status").textContent = keys.length
    ? `${plural(tokens.length, "token")}, ${plural(keys.length, "IAM API key")} made in this session.`
    : `${plural(tokens.length, "token")}.`;
  if (tokens.length + keys.length === 0) {
    body.replaceChildren(el("tr", {}, el("td", { colspan: "5", class: "empty", text: "No token yet." })));
    return;
  }
  body.replaceChildren(...[...keys, ...tokens].map((token) => {
    const expiresAt = token.expiresAt ? new Date(token.expiresAt) : null;
    const expired = expiresAt && expiresAt <= now;
    const name = token.description || "(no description)";
    const kind = token.accessKey ? "API key" : "token";
    const remove = el("button", {
      type: "button", class: "danger small", text: "Delete",
      "aria-label": `Delete ${kind} ${name}`,
    });
    remove.addEventListener("click", () => confirmDelete(token, name, remove));
    return el("tr", token.accessKey ? { "data-access-key": token.accessKey } : { "data-token-id": token.id },
      el("td", { "data-label": "Description" }, el("span", { class: token.description ? "" : "muted", text: name })),
      el("td", { "data-label": "Scope", text: token.accessKey ? "Project (IAM API key)" : scopeOf(token) }),
      el("td", { "data-label": "Status" }, el("span", { class: `badge status-${token.status}`, text: token.status })),
      el("td", { "data-label": "Expires" }, el("div", {},
        el("span", { class: "date", text: formatDate(expiresAt) }),
        expiresAt ? el("span", { class: expired ? "relative expired" : "relative", text: relativeExpiry(expiresAt, now) }) : null)),
      el("td", { class: "row-actions" }, remove),
    );
  }));
}

async function generateToken(event) {
  event.preventDefault();
  const form = $("token-form");
  await busy($("generate-button"), $("token-error"), async () => {
    const { client, fn, namespace } = state;
    const noExpiry = form.noExpiry.checked;
    if (!noExpiry && !form.expiresAt.value) {
      throw new FormError("Choose an expiration date, or tick “No expiration date”.");
    }
    const description = form.description.value.trim();
    const expiresAt = noExpiry ? undefined : new Date(form.expiresAt.value);
    if (form.kind.value === "key") {
      // Application + FunctionsPrivateAccess policy on the project + API key, in one call.
      const key = await client.createFunctionAccessKey({
        projectId: namespace.projectId,
        description: description || undefined,
        expiresAt,
      });
      state.session.set(key.accessKey, {
        token: key.secretKey,
        description: description || "(no description)",
        deleted: false,
        key: { expiresAt: key.expiresAt, projectId: namespace.projectId },
      });
      renderSessionTokens(key.accessKey);
      form.description.value = "";
      showToken(key.secretKey, "API key secret");
      await refreshTokens();
      return;
    }
    const scope = form.scope.value === "namespace" ? { namespaceId: namespace.id } : { functionId: fn.id };
    const token = await client.createToken({
      ...scope,
      description: description || undefined,
      expiresAt,
    });
    state.session.set(token.id, { token: token.token, description: description || "(no description)", deleted: false });
    renderSessionTokens(token.id);
    form.description.value = "";
    showToken(token.token, "token");
    await refreshTokens();
    // The API answers "creating" at first; show it "ready" once it is.
    try {
      await client.waitForToken(token.id, { timeoutMs: 15000 });
    } finally {
      await refreshTokens();
    }
  });
}

/** Shows a secret once; `kind` is "token" or "API key secret". */
function showToken(secret, kind) {
  const dialog = $("token-dialog");
  $("token-dialog-title").textContent = `Copy your ${kind}`;
  $("token-value-label").textContent = kind[0].toUpperCase() + kind.slice(1);
  for (const span of dialog.querySelectorAll(".secret-kind")) span.textContent = kind;
  $("token-value").value = secret;
  $("copy-status").textContent = "";
  dialog.showModal();
  $("token-value").select();
}

async function copyToken() {
  const status = $("copy-status");
  await busy($("copy-token"), null, async () => {
    try {
      await navigator.clipboard.writeText($("token-value").value);
      status.textContent = "Copied to the clipboard.";
    } catch (error) {
      $("token-value").select();
      status.textContent = `Could not copy (${describeError(error)}). The secret is selected: copy it with Ctrl+C.`;
    }
  });
}

function confirmDelete(token, name, button) {
  const dialog = $("delete-dialog");
  const kind = token.accessKey ? "API key" : "token";
  $("delete-dialog-title").textContent = `Delete this ${kind}?`;
  $("confirm-delete").textContent = `Delete ${kind}`;
  for (const span of dialog.querySelectorAll(".delete-kind")) span.textContent = kind;
  $("delete-description").textContent = name;
  dialog.returnValue = "";
  dialog.showModal();
  dialog.addEventListener("close", async () => {
    if (dialog.returnValue !== "delete") {
      button.focus();
      return;
    }
    await busy(button, $("tokens-error"), async () => {
      // An API key goes with the application and policy made for it.
      if (token.accessKey) await state.client.deleteFunctionAccessKey(token.accessKey);
      else await state.client.deleteToken(token.id);
      const mine = state.session.get(token.accessKey ?? token.id);
      if (mine) {
        mine.deleted = true;
        renderSessionTokens();
      }
    });
    await refreshTokens();
    $("tokens-title").setAttribute("tabindex", "-1");
    $("tokens-title").focus();
  }, { once: true });
}

// ---- Invoke -------------------------------------------------------------------------------------

function renderSessionTokens(selectId) {
  const select = $("invoke-token");
  const current = selectId ?? select.value;
  const options = [...state.session].map(([id, { description, deleted, key }]) =>
    el("option", { value: id, text: `${description}${key ? " (IAM API key)" : ""}${deleted ? " (deleted)" : ""}` }));
  select.replaceChildren(
    options.length
      ? el("optgroup", { label: "Generated in this session" }, ...options)
      : el("option", { value: "", disabled: true, text: "Generate a credential first, or paste one" }),
    el("option", { value: "paste", text: "Paste a token…" }),
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

function chosenToken() {
  const form = $("invoke-form");
  if (form.token.value === "paste") {
    const pasted = form.pastedToken.value.trim();
    if (!pasted) throw new FormError("Paste a token first.");
    return { secret: pasted, label: "a pasted token" };
  }
  const mine = state.session.get(form.token.value);
  if (!mine) throw new FormError("Pick a token or API key generated in this session, or paste one.");
  const kind = mine.key ? "IAM API key" : "token";
  return { secret: mine.token, label: `${kind} “${mine.description}”${mine.deleted ? " (deleted)" : ""}` };
}

async function invoke(withToken) {
  const buttons = [$("call-without-token"), $("call-with-token")];
  await busy(buttons, $("invoke-error"), async () => {
    const { path, init } = requestParts();
    const url = callUrl(state.fn);
    let call;
    let label;
    if (withToken) {
      const { secret, label: which } = chosenToken();
      const fn = new state.pkg.PrivateFunction({ url, token: secret });
      call = () => fn.fetch(path, init);
      label = `with ${which}`;
    } else {
      // Without a token there is nothing for the package to add: a plain fetch is what a stranger sends.
      call = () => fetch(`${trimSlash(url)}${path}`, init);
      label = "without token";
    }
    const started = performance.now();
    const response = await call();
    const text = await response.text();
    const elapsed = performance.now() - started;
    showResult(response.status, elapsed, label, text);
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

// ---- Start --------------------------------------------------------------------------------------

function defaultExpiry() {
  const date = new Date(Date.now() + 7 * 24 * 3600e3);
  const pad = (n) => String(n).padStart(2, "0");
  return `${date.getFullYear()}-${pad(date.getMonth() + 1)}-${pad(date.getDate())}T${pad(date.getHours())}:${pad(date.getMinutes())}`;
}

function wire() {
  $("connect-form").addEventListener("submit", connect);
  $("reveal-key").addEventListener("click", () => {
    const input = $("secret-key");
    const show = input.type === "password";
    input.type = show ? "text" : "password";
    $("reveal-key").setAttribute("aria-pressed", String(show));
    $("reveal-key").textContent = show ? "Hide" : "Show";
  });
  $("token-form").addEventListener("submit", generateToken);
  // An IAM API key covers the whole project: the token scope does not apply to it.
  const showKind = () => {
    const key = $("token-form").kind.value === "key";
    $("scope-key-hint").hidden = !key;
    for (const input of $("token-form").scope) input.disabled = key;
    $("generate-button").textContent = key ? "Generate API key" : "Generate token";
  };
  for (const input of $("token-form").kind) input.addEventListener("change", showKind);
  showKind();
  $("token-no-expiry").addEventListener("change", (event) => {
    $("token-expiry").disabled = event.target.checked;
  });
  $("token-expiry").value = defaultExpiry();
  $("copy-token").addEventListener("click", copyToken);
  // The secret leaves the page once the dialog closes; only the Invoke select keeps it for this session.
  $("token-dialog").addEventListener("close", () => {
    $("token-value").value = "";
  });
  $("invoke-token").addEventListener("change", () => {
    $("pasted-token-field").hidden = $("invoke-token").value !== "paste";
  });
  $("invoke-form").addEventListener("submit", (event) => {
    event.preventDefault();
    invoke(true);
  });
  $("call-without-token").addEventListener("click", () => invoke(false));
}

async function start() {
  wire();
  const [emulator, pkg] = await Promise.all([
    loadEmulatorInfo(),
    loadPackage().catch((error) => {
      state.pkgError = new Error(`could not load the package from /pkg/index.js (${describeError(error)}). Run make build.`);
      showError($("connect-error"), state.pkgError);
      return null;
    }),
  ]);
  state.pkg = pkg;
  state.emulator = emulator;
  if (emulator) {
    startActivity();
    const form = $("connect-form");
    form.apiUrl.value = emulator.api_url;
    form.secretKey.value = emulator.secret_key;
    if (![...form.region.options].some((option) => option.value === emulator.region)) {
      form.region.append(el("option", { value: emulator.region, text: emulator.region }));
    }
    form.region.value = emulator.region;
    $("mode").textContent = "Local emulator";
    $("mode").hidden = false;
  }
  document.body.dataset.ready = "true";
}

start();
