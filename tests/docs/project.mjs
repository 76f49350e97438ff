// A throwaway project with the packed package installed, as a user's project has it: pkg/ packed by
// npm, the tarball installed into a fresh folder beside the devDependencies of tests/docs/project/.
import { cpSync, mkdtempSync, realpathSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { run } from "../runtimes/helpers.mjs";
import { root } from "./markdown.mjs";

/** Makes the project; `remove()` deletes it. */
export async function throwawayProject() {
  // Its real path: tools report the files they read by it.
  const dir = realpathSync(mkdtempSync(path.join(tmpdir(), "scw-docs-")));
  cpSync(path.join(root, "tests/docs/project"), dir, { recursive: true });
  const tarball = (await run("npm", ["pack", "--silent", "--pack-destination", dir], { cwd: path.join(root, "pkg") })).trim();
  await run("npm", ["install", "--no-audit", "--no-fund", "--loglevel=error", `./${tarball}`], {
    cwd: dir,
    timeoutMs: 180_000,
  });
  return { dir, tarball: path.join(dir, tarball), remove: () => rmSync(dir, { recursive: true, force: true }) };
}
