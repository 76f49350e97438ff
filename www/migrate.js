// The Migrate step: make an IAM API key, switch the callers, then delete the function's legacy
// tokens. Deleting is offered only once the project has a key that has not expired, so that the
// callers have something to switch to.
import { $, busy, clearError, readExpiry } from "./ui.js";
import { defaultExpiry, expiryState, plural } from "./format.js";
import { confirmAction } from "./dialogs.js";
import { makeKey } from "./keys.js";
import { refreshCredentials } from "./credentials.js";
import { state, session, credentialsEvents } from "./store.js";

let functionTokens = [];

function render({ keys, tokens }) {
  // Namespace tokens open the namespace's other functions too: deleting them is a choice made in the list.
  functionTokens = tokens.filter((token) => token.functionId === state.fn.id);
  const shared = tokens.length - functionTokens.length;
  const liveKey = keys.some((key) => expiryState(key.expiresAt) !== "expired");
  const button = $("migrate-delete-button");
  const hint = [
    functionTokens.length
      ? `${plural(functionTokens.length, "legacy token")} of this function ${functionTokens.length === 1 ? "is" : "are"} left.`
      : "No legacy token of this function is left.",
    functionTokens.length && !liveKey ? "Make a key first: the callers need one to switch to." : "",
    shared ? `${plural(shared, "namespace token")} also ${shared === 1 ? "opens" : "open"} it: delete ${shared === 1 ? "it" : "them"} from the list once no function needs ${shared === 1 ? "it" : "them"}.` : "",
  ];
  $("migrate-delete-hint").textContent = hint.filter(Boolean).join(" ");
  button.disabled = functionTokens.length === 0 || !liveKey;
  button.textContent = functionTokens.length ? `Delete ${plural(functionTokens.length, "legacy token")}…` : "Delete legacy tokens…";
}

async function makeMigrationKey(event) {
  event.preventDefault();
  const form = $("migrate-form");
  await busy($("migrate-key-button"), $("migrate-key-error"), async () => {
    await makeKey({ description: form.description.value.trim(), expiresAt: readExpiry(form.expiresAt) });
    await refreshCredentials();
  });
}

async function deleteFunctionTokens() {
  const button = $("migrate-delete-button");
  const doomed = functionTokens;
  const confirmed = await confirmAction({
    title: `Delete ${plural(doomed.length, "legacy token")} of ${state.fn.name}?`,
    message: doomed.length === 1 ? "This token is deleted:" : "These tokens are deleted:",
    items: doomed.map((token) => token.description || `(no description) ${token.id}`),
    subject: doomed.length === 1 ? "it" : "them",
    action: `Delete ${plural(doomed.length, "token")}`,
  });
  if (!confirmed) return;
  $("migrate-status").textContent = "";
  const deleted = await busy(button, $("migrate-delete-error"), async () => {
    for (const token of doomed) {
      await state.client.deleteToken(token.id);
      session.markDeleted(token.id);
    }
    return doomed.length;
  });
  await refreshCredentials();
  if (deleted) $("migrate-status").textContent = `Deleted ${plural(deleted, "legacy token")} of ${state.fn.name}.`;
  $("migrate-delete-title").setAttribute("tabindex", "-1");
  $("migrate-delete-title").focus();
}

/** Starts the step afresh for the function just opened. */
export function resetMigrate() {
  const form = $("migrate-form");
  form.description.value = `Replaces the legacy tokens of ${state.fn.name}`;
  form.expiresAt.value = defaultExpiry();
  $("migrate-status").textContent = "";
  clearError($("migrate-key-error"));
  clearError($("migrate-delete-error"));
}

export function wireMigrate() {
  $("migrate-form").addEventListener("submit", makeMigrationKey);
  $("migrate-delete-button").addEventListener("click", deleteFunctionTokens);
  credentialsEvents.addEventListener("listed", (event) => render(event.detail));
}
