// A Scaleway Function handler, served locally by Scaleway's own framework
// (@scaleway/serverless-functions). The framework checks no credential: behind scw-emulator's
// gateway, as a private function's upstream, it only sees the calls Scaleway would let through.
import { pathToFileURL } from "node:url";

export function handle(event, context) {
  const name = event.queryStringParameters?.name ?? "world";
  return {
    statusCode: 200,
    headers: { "Content-Type": "application/json" },
    body: JSON.stringify({ message: `Hello, ${name}!`, method: event.httpMethod, path: event.path }),
  };
}

// `node handler.js`: serve it locally, as Scaleway's framework documents (PORT, default 8081).
if (import.meta.url === pathToFileURL(process.argv[1]).href) {
  const { serveHandler } = await import("@scaleway/serverless-functions");
  serveHandler(handle, Number(process.env.PORT ?? 8081));
}
