// The demo page: Connect → namespaces and functions → a function's Security (IAM API keys first,
// legacy tokens, Migrate) and Invoke, all through the scw-functions-auth package served at /pkg/.
import { $, el, busy, showError, clearError } from "./ui.js";
import { startActivity } from "./activity.js";
import { apiRefusal, describeError, isBlockedFetch, plural } from "./format.js";
import { refreshCredentials } from "./credentials.js";
import { wireDialogs } from "./dialogs.js";
import { wireGenerate } from "./generate.js";
import { callUrl, resetInvoke, wireInvoke } from "./invoke.js";
import { wireRotate } from "./keys.js";
import { resetMigrate, wireMigrate } from "./migrate.js";
import { isLocal, state } from "./store.js";

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
    const namespaces = await client.listNamespaces().catch((error) => {
      throw isBlockedFetch(error) ? new Error(apiRefusal(error, apiUrl)) : error;
    });
    const functions = await client.listFunctions({});
    state.client = client;
    state.apiUrl = apiUrl;
    renderNamespaces(namespaces, functions);
    status.textContent = `Connected to ${apiUrl} (${form.region.value}): ${plural(namespaces.length, "namespace")}.`;
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
            "aria-label": `Security and credentials of ${fn.name}`,
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

// ---- Function ---------------------------------------------------------------------------------

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
  for (const id of ["credential-error", "keys-error", "tokens-error"]) clearError($(id));
  resetInvoke();
  resetMigrate();
  $("function").hidden = false;
  $("function-title").setAttribute("tabindex", "-1");
  $("function-title").focus();
  await refreshCredentials();
}

// ---- Start --------------------------------------------------------------------------------------

function wire() {
  $("connect-form").addEventListener("submit", connect);
  $("reveal-key").addEventListener("click", () => {
    const input = $("secret-key");
    const show = input.type === "password";
    input.type = show ? "text" : "password";
    $("reveal-key").setAttribute("aria-pressed", String(show));
    $("reveal-key").textContent = show ? "Hide" : "Show";
  });
  wireDialogs();
  wireGenerate();
  wireInvoke();
  wireMigrate();
  wireRotate();
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
  // The emulator serves the API on the page's own origin, whichever name the page was opened with
  // (127.0.0.1 or localhost): calling it by another name would be a call to another origin.
  state.emulator = emulator && { ...emulator, api_url: location.origin };
  if (emulator) {
    startActivity();
    const form = $("connect-form");
    form.apiUrl.value = state.emulator.api_url;
    form.secretKey.value = emulator.secret_key;
    if (![...form.region.options].some((option) => option.value === emulator.region)) {
      form.region.append(el("option", { value: emulator.region, text: emulator.region }));
    }
    form.region.value = emulator.region;
    $("mode").textContent = "Local emulator";
    $("mode").hidden = false;
    // The emulator's console: its own key is filled in, and the page says how it goes on Scaleway.
    $("console-notice").hidden = false;
    $("connect-hint").hidden = true;
    $("secret-key-hint").textContent = "The emulator's secret key. Never type a Scaleway secret key into a web page.";
  }
  document.body.dataset.ready = "true";
}

start();
