// What the page's modules share: the connection, the open function, and the secrets made in this
// page session (the only place a secret exists once its dialog closes: the API never shows it again).

/** A URL without its trailing slashes, to join paths to it. */
export const trimSlash = (url) => String(url).replace(/\/+$/, "");

export const state = {
  pkg: null,
  pkgError: null, // why /pkg/index.js did not load, shown again on every Connect
  client: null,
  apiUrl: "",
  emulator: null, // the emulator's /emulator/info when the page is served by it
  namespace: null,
  fn: null,
};

/** Whether the page is connected to the emulator that serves it. */
export function isLocal() {
  return Boolean(state.emulator) && trimSlash(state.apiUrl) === trimSlash(state.emulator.api_url);
}

/**
 * Secrets by token id or access key: `{ secret, description, kind: "key" | "token", deleted }`.
 * Fires "change" so that the Invoke panel lists what can be called with.
 */
class Session extends EventTarget {
  #entries = new Map();

  remember(id, entry) {
    this.#entries.set(id, { ...entry, deleted: false });
    this.dispatchEvent(new CustomEvent("change", { detail: { selected: id } }));
  }

  markDeleted(id) {
    const entry = this.#entries.get(id);
    if (!entry) return;
    entry.deleted = true;
    this.dispatchEvent(new CustomEvent("change", { detail: {} }));
  }

  get(id) {
    return this.#entries.get(id);
  }

  entries() {
    return [...this.#entries];
  }
}

export const session = new Session();

/** Fires "listed" with `{ keys, tokens }` each time the Security lists are read again. */
export const credentialsEvents = new EventTarget();
