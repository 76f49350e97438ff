// Node has no fetch-style server: this serves proxy.js with node:http, streaming both bodies.
// PORT (default 8787) and the settings of proxy.js come from the environment.
import { createServer } from "node:http";
import { Readable } from "node:stream";
import { pipeline } from "node:stream/promises";
import worker from "./proxy.js";

createServer(async (incoming, outgoing) => {
  const method = incoming.method ?? "GET";
  // The request's signal aborts when the caller goes away before its answer is sent, as in
  // Workers, Deno and Bun: the proxy then aborts its call to the function.
  const gone = new AbortController();
  outgoing.on("close", () => outgoing.writableFinished || gone.abort());
  const request = new Request(`http://${incoming.headers.host}${incoming.url}`, {
    method,
    headers: Object.entries(incoming.headers).flatMap(([name, value]) => [value].flat().map((v) => [name, v])),
    body: method === "GET" || method === "HEAD" ? undefined : Readable.toWeb(incoming),
    duplex: "half",
    signal: gone.signal,
  });
  const response = await worker.fetch(request);
  outgoing.writeHead(response.status, [...response.headers].flat());
  // Unlike pipe, pipeline cancels the function's answer when the caller goes away during it.
  if (response.body) await pipeline(Readable.fromWeb(response.body), outgoing).catch(() => {});
  else outgoing.end();
}).listen(Number(process.env.PORT ?? 8787), "127.0.0.1");
