// "Generate a credential": an IAM API key first, a legacy token when asked. Keys always get an
// expiry; only a legacy token may be made without one.
import { $, busy, readExpiry } from "./ui.js";
import { defaultExpiry } from "./format.js";
import { showSecret } from "./dialogs.js";
import { makeKey } from "./keys.js";
import { refreshCredentials } from "./credentials.js";
import { state, session } from "./store.js";

const form = () => $("credential-form");

async function makeToken({ description, expiresAt }) {
  const { client, fn, namespace } = state;
  const scope = form().scope.value === "namespace" ? { namespaceId: namespace.id } : { functionId: fn.id };
  // Creation may be refused (Scaleway disables it during 2026): the API's error shows under the form.
  const token = await client.createToken({ ...scope, description: description || undefined, expiresAt });
  session.remember(token.id, { secret: token.token, description: description || "(no description)", kind: "token" });
  showSecret(token.token, "token");
  return token;
}

async function generate(event) {
  event.preventDefault();
  const fields = form();
  await busy($("generate-button"), $("credential-error"), async () => {
    const key = fields.kind.value === "key";
    const description = fields.description.value.trim();
    const expiresAt = key || !fields.noExpiry.checked ? readExpiry(fields.expiresAt) : undefined;
    const made = key ? await makeKey({ description, expiresAt }) : await makeToken({ description, expiresAt });
    fields.description.value = "";
    await refreshCredentials();
    if (key) return;
    // The API answers "creating" at first; the list shows "ready" once it is.
    try {
      await state.client.waitForToken(made.id, { timeoutMs: 15000 });
    } finally {
      await refreshCredentials();
    }
  });
}

/** The form shows what applies to the chosen kind: a key covers the project and always expires. */
function showKind() {
  const fields = form();
  const key = fields.kind.value === "key";
  $("scope-field").hidden = key;
  $("scope-key-hint").hidden = !key;
  $("no-expiry-choice").hidden = key;
  $("expiry-hint").hidden = !key;
  fields.expiresAt.disabled = !key && fields.noExpiry.checked;
  $("generate-button").textContent = key ? "Generate API key" : "Generate token";
}

export function wireGenerate() {
  const fields = form();
  fields.addEventListener("submit", generate);
  for (const input of fields.kind) input.addEventListener("change", showKind);
  fields.noExpiry.addEventListener("change", showKind);
  fields.expiresAt.value = defaultExpiry();
  showKind();
}
