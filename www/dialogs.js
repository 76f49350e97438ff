// The two modal dialogs every credential action shares: a secret shown once with Copy, and an
// irreversible action confirmed. Native <dialog>: focus moves in, Escape cancels, focus goes back.
import { $, el, busy } from "./ui.js";
import { describeError } from "./format.js";

/** Shows a secret once; `kind` is "token" or "API key secret". */
export function showSecret(secret, kind) {
  const dialog = $("token-dialog");
  $("token-dialog-title").textContent = `Copy your ${kind}`;
  $("token-value-label").textContent = kind[0].toUpperCase() + kind.slice(1);
  for (const span of dialog.querySelectorAll(".secret-kind")) span.textContent = kind;
  $("token-value").value = secret;
  $("copy-status").textContent = "";
  dialog.showModal();
  $("token-value").select();
}

async function copySecret() {
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

/**
 * Asks before an irreversible action. `subject` completes "Every caller using … loses access";
 * `items` are listed when there are several. Resolves true when confirmed.
 */
export function confirmAction({ title, message, subject, items = [], action }) {
  const dialog = $("confirm-dialog");
  $("confirm-dialog-title").textContent = title;
  $("confirm-message").textContent = message;
  $("confirm-list").replaceChildren(...items.map((item) => el("li", { text: item })));
  $("confirm-list").hidden = items.length === 0;
  $("confirm-subject").textContent = subject;
  $("confirm-button").textContent = action;
  dialog.returnValue = "";
  dialog.showModal();
  return new Promise((resolve) => {
    dialog.addEventListener("close", () => resolve(dialog.returnValue === "confirm"), { once: true });
  });
}

export function wireDialogs() {
  $("copy-token").addEventListener("click", copySecret);
  // The secret leaves the dialog once it closes; only the session keeps it, for the Invoke panel.
  $("token-dialog").addEventListener("close", () => {
    $("token-value").value = "";
  });
}
