// The package's own work in one PrivateFunction.fetch, apart from the network, and what a call
// costs the process against a real socket. 1 KB POSTs, PrivateFunction.fetch against a plain fetch
// with the same header, alternated:
// 1. with the global fetch replaced by a stub that answers a fresh Response on the next turn of the
//    event loop: the difference of the medians is what the package adds to a call (reading init,
//    the headers with X-Auth-Token, the panic guard, the promise);
// 2. against a Node HTTP server in another process on loopback: wall time and CPU time of this
//    process (every thread) per call, in alternated batches, and the synchronous part of a call
//    (until its promise is returned, fetch's own synchronous work included).
// Usage: node bench/own-cost.mjs   (needs pkg/)
import { spawn } from "node:child_process";
import { once } from "node:events";
import path from "node:path";
import { pathToFileURL } from "node:url";
import { interleaved, summarize, pkgDir } from "./common.mjs";

const { PrivateFunction } = await import(pathToFileURL(path.join(pkgDir, "index.node.js")).href);

const body = "x".repeat(1024);
const us = (ms) => `${(ms * 1000).toFixed(1)} µs`;

/** Time spent in the synchronous part of each contender (until its promise is returned). */
const sync = {};

/** `call()`, its synchronous part added to `sync[name]`. */
function timed(name, call) {
  const start = performance.now();
  const answer = call();
  const spent = (sync[name] ??= { ms: 0, n: 0 });
  Object.assign(spent, { ms: spent.ms + performance.now() - start, n: spent.n + 1 });
  return answer;
}

/** The two contenders against `url`, each reading its answer to the end. */
function contenders(url) {
  const fn = new PrivateFunction({ url, token: "a-credential" });
  const realFetch = globalThis.fetch;
  return {
    "PrivateFunction.fetch": async () =>
      (await timed("PrivateFunction.fetch", () => fn.fetch("/echo", { method: "POST", body }))).text(),
    "plain fetch": async () => {
      const init = { method: "POST", body, headers: { "x-auth-token": "a-credential" } };
      return (await timed("plain fetch", () => realFetch(`${url}/echo`, init))).text();
    },
  };
}

async function stubbed() {
  const realFetch = globalThis.fetch;
  globalThis.fetch = () => new Promise((resolve) => setImmediate(() => resolve(new Response("ok"))));
  try {
    const samples = await interleaved(contenders("https://function.example"), { n: 20_000, warmup: 2_000 });
    const [pkg, plain] = [summarize(samples["PrivateFunction.fetch"]), summarize(samples["plain fetch"])];
    console.log(`1 KB POST to a stub fetch, n=${pkg.n}, median (p99):`);
    console.log(`  PrivateFunction.fetch   ${us(pkg.median)} (${us(pkg.p99)})`);
    console.log(`  plain fetch             ${us(plain.median)} (${us(plain.p99)})`);
    console.log(`  the package's own work  ${us(pkg.median - plain.median)} a call`);
  } finally {
    globalThis.fetch = realFetch;
  }
}

async function loopback() {
  const server = spawn(process.execPath, ["-e", `
    require("node:http").createServer((req, res) => req.resume().on("end", () => res.end("ok")))
      .listen(0, "127.0.0.1", function () { console.log(this.address().port); });`], { stdio: ["ignore", "pipe", "inherit"] });
  try {
    const [port] = await once(server.stdout, "data");
    const calls = contenders(`http://127.0.0.1:${Number(port)}`);
    const spent = Object.fromEntries(Object.keys(calls).map((name) => [name, { wall: 0, cpu: 0, n: 0 }]));
    for (const call of Object.values(calls)) for (let i = 0; i < 500; i++) await call();
    for (const name of Object.keys(sync)) delete sync[name];
    for (let round = 0; round < 40; round++) {
      for (const [name, call] of Object.entries(calls)) {
        const [cpu, wall] = [process.cpuUsage(), performance.now()];
        for (let i = 0; i < 150; i++) await call();
        const used = process.cpuUsage(cpu);
        Object.assign(spent[name], {
          wall: spent[name].wall + performance.now() - wall,
          cpu: spent[name].cpu + (used.user + used.system) / 1000,
          n: spent[name].n + 150,
        });
      }
    }
    console.log("1 KB POST to a Node server on loopback, alternated batches, mean a call:");
    for (const [name, { wall, cpu, n }] of Object.entries(spent)) {
      const { ms, n: calls } = sync[name];
      console.log(`  ${name.padEnd(22)}  wall ${us(wall / n)}, CPU of this process ${us(cpu / n)}, until the promise ${us(ms / calls)}`);
    }
  } finally {
    server.kill();
  }
}

await stubbed();
await loopback();
