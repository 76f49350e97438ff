// The host side of the wasm shared by every part (src/host/mod.rs, src/surface/guard.rs): the
// failures the host reports, JSON reading, pauses between attempts, and the guard that turns a
// panic into an error. PrivateFunction's and FunctionProxy's side is in host-call.js (the API
// client's requests are built with gloo-net). Every failure rejects with a HostFailure, whose
// `kind` the wasm maps to an error class.
import { makeError } from "./errors.js";

/** Why a host call failed: `kind` is timeout, aborted, network, init or headers. */
export class HostFailure {
  constructor(kind, message) {
    this.kind = kind;
    this.message = message;
  }
}

/** The failure of an aborted or failed operation: the signal's reason first, else the error's message. */
export function failure(error, signal) {
  if (signal?.aborted) {
    return signal.reason?.name == "TimeoutError"
      ? new HostFailure("timeout", "the operation timed out")
      : new HostFailure("aborted", "the operation was aborted");
  }
  return new HostFailure("network", String(error?.message ?? "fetch failed"));
}

/** Resolves after `ms`; rejects with the signal's failure when it aborts first. */
export function sleep(ms, signal) {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(failure(undefined, signal));
    const stop = () => {
      clearTimeout(timer);
      reject(failure(undefined, signal));
    };
    const timer = setTimeout(() => {
      signal?.removeEventListener("abort", stop);
      resolve();
    }, ms);
    signal?.addEventListener("abort", stop, { once: true });
  });
}

/** The JSON object of `text`, undefined when it is not one. */
function jsonObject(text) {
  try {
    const json = JSON.parse(text);
    if (json !== null && typeof json == "object" && !Array.isArray(json)) return json;
  } catch {}
}

/** The JSON object of a JWT's claims segment (base64url, padding optional), undefined when it is not one. */
export function jwtClaims(segment) {
  try {
    const bytes = Uint8Array.from(atob(segment.replace(/-/g, "+").replace(/_/g, "/")), (c) => c.charCodeAt(0));
    return jsonObject(new TextDecoder("utf-8", { fatal: true }).decode(bytes));
  } catch {}
}

/** The message of the panic that aborted the current call, until `guard` reports it. */
let panic;

/** Remembers a panic's message (the wasm's panic hook calls this just before it aborts). */
export function panicked(message) {
  panic = message;
}

/**
 * Runs `body`, a call into the wasm. A panic aborts it with a trap (a JS exception): caught here,
 * it becomes the ScwError naming the panic, which is returned rather than thrown.
 */
export function guard(body) {
  try {
    body();
  } catch (error) {
    const message = panic ?? String(error?.message ?? error);
    panic = undefined;
    return makeError("ScwError", `scw-functions-auth panicked: ${message}. This is a bug: please report it.`, { type: "panic" });
  }
}
