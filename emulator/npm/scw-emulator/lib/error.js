/**
 * Why the emulator did not start: a bad option, a flag the binary refused, its own message on
 * exit (a port in use, a bad seed file), no binary for this platform, or a request to a stopped
 * emulator.
 */
export class EmulatorError extends Error {
  /**
   * @param {string} message
   * @param {{ option?: string, exitCode?: number | null }} [details] the option at fault, in
   *   camelCase as `startEmulator` takes it, and the emulator's exit code when it exited.
   */
  constructor(message, { option, exitCode } = {}) {
    super(message);
    this.name = "EmulatorError";
    if (option !== undefined) this.option = option;
    if (exitCode !== undefined) this.exitCode = exitCode;
  }
}
