// Making and rotating IAM API keys. Every key gets an expiry: organisations may require one, and a
// key that never expires is what leaks for years.
import { $, busy, clearError, readExpiry } from "./ui.js";
import { defaultExpiry } from "./format.js";
import { showSecret } from "./dialogs.js";
import { state, session } from "./store.js";

function remember(key, description) {
  session.remember(key.accessKey, { secret: key.secretKey, description: description || "(no description)", kind: "key" });
  showSecret(key.secretKey, "API key secret");
}

/** Application + FunctionsPrivateAccess policy on the open function's project + API key, in one call. */
export async function makeKey({ description, expiresAt }) {
  const key = await state.client.createFunctionAccessKey({
    projectId: state.namespace.projectId,
    description: description || undefined,
    expiresAt,
  });
  remember(key, description);
  return key;
}

/**
 * Asks for the new key's expiry and whether to delete the old key, rotates, and shows the new
 * secret once. Resolves when the dialog is done, rotated or not.
 */
export function rotateKey(listed) {
  const dialog = $("rotate-dialog");
  const form = $("rotate-form");
  $("rotate-description").textContent = listed.description || "(no description)";
  form.expiresAt.value = defaultExpiry();
  form.deleteOld.checked = false;
  clearError($("rotate-error"));
  dialog.showModal();
  return new Promise((resolve) => {
    const submit = async (event) => {
      event.preventDefault();
      const rotated = await busy($("rotate-button"), $("rotate-error"), async () => {
        const deleteOld = form.deleteOld.checked;
        const key = await state.client.rotateFunctionAccessKey(listed.accessKey, {
          expiresAt: readExpiry(form.expiresAt),
          deleteOld,
        });
        if (deleteOld) session.markDeleted(listed.accessKey);
        return key;
      });
      if (!rotated) return;
      dialog.close();
      remember(rotated, listed.description);
    };
    form.addEventListener("submit", submit);
    dialog.addEventListener("close", () => {
      form.removeEventListener("submit", submit);
      resolve();
    }, { once: true });
  });
}

export function wireRotate() {
  // A button, not a submit: Enter in the expiry field must rotate, not cancel.
  $("rotate-cancel").addEventListener("click", () => $("rotate-dialog").close());
}
