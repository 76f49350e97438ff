// A seed given as an object is written to a file of its own for --seed, readable by this user only
// (it may hold API keys), and removed once the emulator has read it.
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { EmulatorError } from "./error.js";

/** Resolves with `{ path, remove() }` for `seed`, a file path or a seed object. */
export async function seedFile(seed) {
  if (typeof seed === "string") return { path: seed, remove: async () => {} };
  if (seed === null || typeof seed !== "object" || Array.isArray(seed)) {
    throw new EmulatorError("option seed must be a seed file's path or a seed object", { option: "seed" });
  }
  const dir = await mkdtemp(path.join(tmpdir(), "scw-emulator-seed-"));
  const file = path.join(dir, "seed.json");
  await writeFile(file, JSON.stringify(seed), { mode: 0o600 });
  return { path: file, remove: () => rm(dir, { recursive: true, force: true }) };
}
