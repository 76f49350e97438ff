// IAM propagation, as the emulator reports it (GET /emulator/propagation). A new key may be refused
// now and then until every IAM instance knows it (up to about two minutes on Scaleway); the
// Security list shows such a key as propagating until the moment the emulator gives.
import { isLocal, state } from "./store.js";

/** When each propagating IAM API key is admitted everywhere, by access key; empty off the emulator. */
export async function propagating() {
  if (!isLocal()) return new Map();
  const response = await fetch("/emulator/propagation", {
    headers: { Accept: "application/json", "X-Auth-Token": state.emulator.secret_key },
  });
  if (!response.ok) throw new Error(`the emulator did not say which keys are propagating (${response.status})`);
  const { api_keys: keys } = await response.json();
  return new Map(keys.filter((key) => key.status === "propagating")
    .map((key) => [key.access_key, new Date(key.admitted_at)]));
}
