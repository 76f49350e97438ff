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
