// The text `make demo` prints once everything is up: where the page, the API and the edge proxy
// are, and what the secret key and the proxy's key are for.

/** `rows` as aligned "label  value" lines; rows without a value are left out. */
function table(rows) {
  const shown = rows.filter(([, value]) => value);
  const width = Math.max(...shown.map(([label]) => label.length));
  return shown.map(([label, value]) => `  ${label.padEnd(width)}  ${value}`);
}

/** The banner for `startDemo`'s result (scripts/demo-stack.mjs). Never shows the proxy key's secret. */
export function banner({ emulator, pageUrl, proxy, key, propagatingUntil }) {
  return [
    "",
    "  scw-functions-auth demo: the Scaleway Functions emulator, and an edge proxy in front of its private function",
    "",
    ...table([
      ["Demo page", pageUrl],
      ["API URL", emulator.api_url],
      ["Secret key", `${emulator.secret_key} (the emulator's own: it opens nothing on Scaleway)`],
      ["Region", emulator.region],
      ["Project", emulator.project_id],
      ["Function URL", emulator.function_url],
      ["Edge proxy", `${proxy.url} (examples/edge-proxy on Node)`],
      ["Proxy's key", `${key.accessKey}, an IAM API key made for it: its secret stays in the proxy`],
      ["Propagating", propagatingUntil && `until ${propagatingUntil.toLocaleTimeString()}: IAM may refuse the new key now and then, as Scaleway's does for up to 2 minutes`],
    ]),
    "",
    "  Open the demo page in a browser: it is the emulator's console, already filled in, and its",
    "  Invoke panel calls the function directly and through the proxy. Ctrl-C stops the emulator and the proxy.",
    "",
  ].join("\n");
}

/** The line printed once the proxy's key is admitted everywhere. */
export const admitted = ({ key }) => `  The proxy's key ${key.accessKey} is now admitted by every IAM instance.\n`;
