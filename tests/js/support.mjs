// Shared by the JS tests: the built package (as a user gets it) and an emulator per test file.
import { after, before } from "node:test";
import { startEmulator } from "../support/emulator.mjs";

export * as lib from "../../pkg/index.node.js";

/** Starts one emulator for the calling test file and stops it after; resolves to its ready line. */
export function useEmulator(args = []) {
  const ready = {};
  before(async () => Object.assign(ready, await startEmulator(args)));
  after(() => ready.stop?.());
  return ready;
}

/** A UUID that the emulator does not know. */
export const UNKNOWN = "00000000-0000-4000-8000-000000000000";
