// The Security lists: the project's IAM API keys and the legacy tokens that open the function, with
// their expiry (a warning within 7 days), and each row's rotate and delete actions.
import { $, el, busy, showError, clearError } from "./ui.js";
import { expiryState, expiryWarning, formatDate, plural, relativeExpiry, scopeOf } from "./format.js";
import { confirmAction } from "./dialogs.js";
import { rotateKey } from "./keys.js";
import { propagating } from "./propagation.js";
import { state, session, credentialsEvents } from "./store.js";

/** Reads one list; a failure shows under its own table, so that the other list still shows. */
async function read(errorTarget, list) {
  clearError(errorTarget);
  try {
    return await list();
  } catch (error) {
    showError(errorTarget, error);
    return null;
  }
}

/** The next redraw, when a key stops propagating. */
let admittedTimer;

/** Lists keys and tokens again and redraws both tables, the expiry warning and the Migrate step. */
export async function refreshCredentials() {
  const { client, fn, namespace } = state;
  if (!client || !fn) return;
  const [keys, tokens] = await Promise.all([
    read($("keys-error"), async () => {
      const [listed, until] = await Promise.all([
        client.listFunctionAccessKeys({ projectId: namespace.projectId }),
        propagating(),
      ]);
      return listed.map((key) => ({ ...key, propagatingUntil: until.get(key.accessKey) }));
    }),
    read($("tokens-error"), async () => {
      // Both a function token and a namespace token open the function.
      const [own, shared] = await Promise.all([
        client.listAllTokens({ functionId: fn.id, orderBy: "created_at_asc" }),
        client.listAllTokens({ namespaceId: namespace.id, orderBy: "created_at_asc" }),
      ]);
      return [...own, ...shared];
    }),
  ]);
  const now = new Date();
  if (keys) renderKeys(keys, now);
  if (tokens) renderTokens(tokens, now);
  const warning = expiryWarning(keys ?? [], tokens ?? [], now);
  $("expiry-warning").textContent = warning;
  $("expiry-warning").hidden = !warning;
  credentialsEvents.dispatchEvent(new CustomEvent("listed", { detail: { keys: keys ?? [], tokens: tokens ?? [] } }));
}

function expiryCell(expiresAt, now) {
  const when = expiryState(expiresAt, now);
  return el("div", {},
    el("span", { class: "date", text: formatDate(expiresAt) }),
    when === "soon" || when === "later" ? el("span", { class: "relative", text: relativeExpiry(expiresAt, now) }) : null,
    when === "soon" ? el("span", { class: "badge soon", text: "Expires soon" }) : null,
    when === "expired" ? el("span", { class: "badge expired", text: "Expired" }) : null);
}

const described = (description) =>
  el("span", { class: description ? "" : "muted", text: description || "(no description)" });

function actionButton(text, label, className, onclick) {
  const button = el("button", { type: "button", class: `${className} small`, text, "aria-label": label });
  button.addEventListener("click", () => onclick(button));
  return button;
}

/** Draws a list as a table: `columns`, then an actions column named for screen readers only. */
function renderTable(name, columns, rows, empty) {
  $(`${name}-list`).replaceChildren(
    el("table", { id: `${name}-table`, class: "credentials", "aria-labelledby": `${name}-title` },
      el("thead", {}, el("tr", {},
        ...columns.map((title) => el("th", { scope: "col", text: title })),
        el("th", { scope: "col" }, el("span", { class: "visually-hidden", text: "Actions" })))),
      el("tbody", { id: `${name}-body` }, ...(rows.length
        ? rows
        : [el("tr", {}, el("td", { colspan: String(columns.length + 1), class: "empty", text: empty }))]))));
}

/** A key IAM may still refuse now and then, and until when. */
function propagatingNote(until, now) {
  if (!(until > now)) return null;
  return el("span", { class: "propagation" },
    el("span", { class: "badge propagating", text: "Propagating" }),
    el("span", { class: "relative", text: `calls may be refused until ${until.toLocaleTimeString()}` }));
}

/** Lists the keys again once the first of those propagating is admitted everywhere. */
function redrawWhenAdmitted(keys, now) {
  clearTimeout(admittedTimer);
  const next = Math.min(...keys.map((key) => key.propagatingUntil?.getTime() ?? Infinity).filter((at) => at > now.getTime()));
  if (Number.isFinite(next)) admittedTimer = setTimeout(refreshCredentials, next - now.getTime());
}

function renderKeys(keys, now) {
  $("keys-status").textContent = `${plural(keys.length, "IAM API key")} for this project: each opens every private function of the project.`;
  redrawWhenAdmitted(keys, now);
  renderTable("keys", ["Description", "Access key", "Expires"], keys.map((key) => {
    const name = key.description || "(no description)";
    return el("tr", { "data-access-key": key.accessKey },
      el("td", { "data-label": "Description" }, described(key.description), propagatingNote(key.propagatingUntil, now)),
      el("td", { "data-label": "Access key" }, el("code", { text: key.accessKey })),
      el("td", { "data-label": "Expires" }, expiryCell(key.expiresAt, now)),
      el("td", { class: "row-actions" },
        actionButton("Rotate", `Rotate API key ${name}`, "secondary", async (button) => {
          await rotateKey(key);
          await refreshCredentials();
          returnFocus(button, $("keys-title"));
        }),
        actionButton("Delete", `Delete API key ${name}`, "danger", (button) => remove({
          id: key.accessKey, kind: "API key", name, button, heading: $("keys-title"), errorTarget: $("keys-error"),
          // The key goes with the application and policy made for it.
          deleteIt: () => state.client.deleteFunctionAccessKey(key.accessKey),
        }))));
  }), "No IAM API key for this project yet.");
}

function renderTokens(tokens, now) {
  $("tokens-status").textContent = `${plural(tokens.length, "legacy token")} ${tokens.length === 1 ? "opens" : "open"} this function.`;
  renderTable("tokens", ["Description", "Scope", "Status", "Expires"], tokens.map((token) => {
    const name = token.description || "(no description)";
    return el("tr", { "data-token-id": token.id },
      el("td", { "data-label": "Description" }, described(token.description)),
      el("td", { "data-label": "Scope", text: scopeOf(token) }),
      el("td", { "data-label": "Status" }, el("span", { class: `badge status-${token.status}`, text: token.status })),
      el("td", { "data-label": "Expires" }, expiryCell(token.expiresAt, now)),
      el("td", { class: "row-actions" },
        actionButton("Delete", `Delete token ${name}`, "danger", (button) => remove({
          id: token.id, kind: "token", name, button, heading: $("tokens-title"), errorTarget: $("tokens-error"),
          deleteIt: () => state.client.deleteToken(token.id),
        }))));
  }), "No legacy token opens this function.");
}

async function remove({ id, kind, name, button, heading, errorTarget, deleteIt }) {
  const confirmed = await confirmAction({
    title: `Delete this ${kind}?`,
    message: `You are about to delete the ${kind} “${name}”.`,
    subject: `this ${kind}`,
    action: `Delete ${kind}`,
  });
  if (!confirmed) {
    button.focus();
    return;
  }
  await busy(button, errorTarget, async () => {
    await deleteIt();
    session.markDeleted(id);
  });
  await refreshCredentials();
  returnFocus(button, heading);
}

/**
 * Puts focus back on `button`, or on `heading` when the redraw removed the button, once no dialog
 * is open (a rotation's new secret may still be on screen).
 */
function returnFocus(button, heading) {
  const open = document.querySelector("dialog[open]");
  if (open) {
    open.addEventListener("close", () => returnFocus(button, heading), { once: true });
    return;
  }
  const target = button.isConnected ? button : heading;
  if (target === heading) heading.setAttribute("tabindex", "-1");
  target.focus();
}
