// Turns API objects and errors into the words the page shows. No DOM here.

const relative = new Intl.RelativeTimeFormat("en", { numeric: "auto" });
const dateTime = new Intl.DateTimeFormat("en", { dateStyle: "medium", timeStyle: "short" });

const UNITS = [
  ["year", 365 * 24 * 3600e3],
  ["month", 30 * 24 * 3600e3],
  ["day", 24 * 3600e3],
  ["hour", 3600e3],
  ["minute", 60e3],
];

/** "expires in 3 days", "expired" or "never expires". */
export function relativeExpiry(expiresAt, now = new Date()) {
  if (!expiresAt) return "never expires";
  const ms = expiresAt.getTime() - now.getTime();
  if (ms <= 0) return "expired";
  for (const [unit, size] of UNITS) {
    if (ms >= size) return `expires ${relative.format(Math.round(ms / size), unit)}`;
  }
  return "expires in less than a minute";
}

/** A credential expiring sooner than this is flagged: a week leaves time to rotate or replace it. */
const SOON_MS = 7 * 24 * 3600e3;

/** "never", "expired", "soon" (within SOON_MS) or "later". */
export function expiryState(expiresAt, now = new Date()) {
  if (!expiresAt) return "never";
  const ms = expiresAt.getTime() - now.getTime();
  if (ms <= 0) return "expired";
  return ms <= SOON_MS ? "soon" : "later";
}

/** "1 token", "2 tokens". */
export const plural = (n, word) => `${n} ${word}${n === 1 ? "" : "s"}`;

/** One warning about the keys and tokens expiring within SOON_MS or already expired; "" when none. */
export function expiryWarning(keys, tokens, now = new Date()) {
  const tally = (state) => [
    [keys.filter((key) => expiryState(key.expiresAt, now) === state).length, "IAM API key"],
    [tokens.filter((token) => expiryState(token.expiresAt, now) === state).length, "legacy token"],
  ];
  const sentence = (state, one, many, rest) => {
    const parts = tally(state).filter(([n]) => n > 0);
    const total = parts.reduce((sum, [n]) => sum + n, 0);
    if (!total) return "";
    return `${parts.map(([n, word]) => plural(n, word)).join(" and ")} ${total === 1 ? one : many}${rest}.`;
  };
  const [[soonKeys], [soonTokens]] = tally("soon");
  const advice = [soonKeys && "rotate the keys", soonTokens && "replace the tokens with keys"].filter(Boolean).join(", ");
  return [
    sentence("soon", "expires", "expire", ` within 7 days: ${advice}`),
    sentence("expired", "has", "have", " expired"),
  ].filter(Boolean).join(" ");
}

/** How long a new key or token stays valid unless the user changes it. */
const DEFAULT_VALIDITY_MS = 30 * 24 * 3600e3;

/** The expiration date the forms offer first, as a datetime-local value. */
export function defaultExpiry(now = new Date()) {
  return toDateTimeLocal(new Date(now.getTime() + DEFAULT_VALIDITY_MS));
}

/** The value a datetime-local input shows for `date`, in the browser's time zone. */
export function toDateTimeLocal(date) {
  const pad = (n) => String(n).padStart(2, "0");
  return `${date.getFullYear()}-${pad(date.getMonth() + 1)}-${pad(date.getDate())}T${pad(date.getHours())}:${pad(date.getMinutes())}`;
}

export function formatDate(date) {
  return date ? dateTime.format(date) : "No expiration date";
}

export function scopeOf(token) {
  return token.functionId ? "Function" : "Namespace";
}

/**
 * One line naming the error class and what went wrong, e.g.
 * "DeniedAuthenticationError (401 denied_authentication): authentication is denied".
 * Errors that are not the package's (a TypeError from fetch) keep their own name.
 */
export function describeError(error) {
  if (!(error instanceof Object)) return `Error: ${String(error)}`;
  const name = error.name || error.constructor?.name || "Error";
  const context = [error.status, error.type].filter((part) => part !== undefined && part !== null && part !== "" && part !== 0);
  const message = error.message || "no message";
  const field = error.field && !message.includes(error.field) ? ` [${error.field}]` : "";
  const details = Array.isArray(error.details)
    ? error.details
        .map((detail) => detail?.help_message ?? detail?.helpMessage ?? detail?.argumentName ?? detail?.argument_name)
        .filter(Boolean)
    : [];
  const extra = details.length ? ` (${details.join("; ")})` : "";
  const where = context.length ? ` (${context.join(" ")})` : "";
  return `${name}${where}${field}: ${message}${extra}`;
}

/** The body of a response, pretty-printed when it is JSON. */
export function prettyBody(text) {
  try {
    return JSON.stringify(JSON.parse(text), null, 2);
  } catch {
    return text;
  }
}

export function statusText(status) {
  const words = { 200: "OK", 201: "Created", 204: "No Content", 400: "Bad Request", 401: "Unauthorized",
    403: "Forbidden", 404: "Not Found", 405: "Method Not Allowed", 429: "Too Many Requests",
    500: "Internal Server Error", 502: "Bad Gateway", 503: "Service Unavailable" };
  return words[status] ? `${status} ${words[status]}` : String(status);
}

/**
 * Why a browser sends a CORS preflight before a call to another origin ("with an X-Auth-Token
 * header"), or null for a "simple" call, which it sends as is.
 */
export function preflightCause({ method, headers }, withCredential) {
  if (withCredential) return "with an X-Auth-Token header";
  if (!["GET", "HEAD", "POST"].includes(method)) return `with the method ${method}`;
  const type = headers["Content-Type"];
  return type && type !== "text/plain" ? "with a JSON body" : null;
}

/**
 * Why a page got no answer from a private function on another origin: its preflight (`preflight`,
 * from preflightCause) was refused, or a simple call's refusal came without CORS headers.
 * `activity`: whether the emulator's Activity panel shows the refused call.
 */
export function crossOriginRefusal(preflight, activity) {
  const seen = (words) => (activity ? ` (${words} in Activity)` : "");
  if (preflight) {
    return `The browser blocked this call. A call to another origin ${preflight} is preceded by a CORS preflight: an OPTIONS request, which never carries a credential. ` +
      `The gateway refuses it with 403, as Scaleway's does${seen("“no credential”")}, so the call itself was never sent. ` +
      "Call the function through a proxy that holds its key, or from a server.";
  }
  return `The browser hid the answer. The call went out without a credential and the gateway refused it${seen("403")}; ` +
    "the answer has no CORS headers, so this page may not read it.";
}

/** A fetch the browser gave no answer to (CORS, or nothing listening): a TypeError, or the package's NetworkError. */
export const isBlockedFetch = (error) => error?.name === "TypeError" || error?.name === "NetworkError";

/** Why a page cannot reach the API at `apiUrl`, with the browser's own error first. */
export function apiRefusal(error, apiUrl) {
  return `${describeError(error)}. The browser got no answer from ${apiUrl}: Scaleway's API answers no page on another origin (it sends no CORS headers). ` +
    "Manage keys and functions from a server instead (FunctionsClient in Node, Deno or Bun).";
}
