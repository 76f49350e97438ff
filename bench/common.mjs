// Shared helpers of bench/: the emulator, statistics, formatting.
import { spawn } from "node:child_process";
import { createInterface } from "node:readline";
import { fileURLToPath } from "node:url";
import path from "node:path";

export const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
/** The package measured: $BENCH_PKG (bench/run.sh points it at a snapshot of pkg/, so that a rebuild
 *  during the run cannot mix two builds), else pkg/. */
export const pkgDir = process.env.BENCH_PKG ? path.resolve(process.env.BENCH_PKG) : path.join(root, "pkg");

/** Starts target/release/scw-emulator (or $EMULATOR_BIN) on a free loopback port; stderr to /dev/null. */
export function startEmulator(args = []) {
  const bin = process.env.EMULATOR_BIN || path.join(root, "target/release/scw-emulator");
  const child = spawn(bin, ["--host", "127.0.0.1", "--port", "0", ...args], {
    cwd: root,
    stdio: ["ignore", "pipe", "ignore"],
  });
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill("SIGKILL");
      reject(new Error("scw-emulator not ready after 30 s"));
    }, 30_000);
    child.once("error", reject);
    child.once("exit", (code) => reject(new Error(`scw-emulator exited with ${code}`)));
    createInterface({ input: child.stdout }).once("line", (line) => {
      clearTimeout(timer);
      child.removeAllListeners("exit");
      resolve({
        ...JSON.parse(line),
        stop: () =>
          new Promise((done) => {
            if (child.exitCode !== null || child.signalCode !== null) return done();
            const kill = setTimeout(() => child.kill("SIGKILL"), 5000);
            child.once("exit", () => (clearTimeout(kill), done()));
            child.kill("SIGTERM");
          }),
      });
    });
  });
}

/** Sorted copy; quantile by nearest rank. */
export function quantile(samples, q) {
  const s = [...samples].sort((a, b) => a - b);
  if (s.length === 0) return NaN;
  return s[Math.min(s.length - 1, Math.max(0, Math.ceil(q * s.length) - 1))];
}
export const median = (s) => quantile(s, 0.5);
export const p99 = (s) => quantile(s, 0.99);

export function summarize(samples) {
  return { n: samples.length, median: median(samples), p99: p99(samples) };
}

/**
 * Times `fn` for each contender, `n` calls each, after `warmup` calls each: one call of every
 * contender in turn, the first of each turn rotating, so that the drift of a shared machine hits
 * every contender alike (batches of one contender would each see their own phase of it).
 * Returns { name: samples[] } in milliseconds.
 */
export async function interleaved(contenders, { n, warmup = 50 }) {
  const names = Object.keys(contenders);
  const samples = Object.fromEntries(names.map((k) => [k, []]));
  for (const k of names) for (let i = 0; i < warmup; i++) await contenders[k]();
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < names.length; j++) {
      const k = names[(i + j) % names.length];
      const t0 = performance.now();
      await contenders[k]();
      samples[k].push(performance.now() - t0);
    }
  }
  return samples;
}

export const ms = (v) => (Number.isFinite(v) ? (v >= 100 ? v.toFixed(0) : v >= 10 ? v.toFixed(1) : v.toFixed(3)) + " ms" : "n/a");
export const kb = (b) => (b / 1000).toFixed(1) + " KB";
export const ratio = (a, b) => (Number.isFinite(a / b) ? (a / b).toFixed(2) + "x" : "n/a");
