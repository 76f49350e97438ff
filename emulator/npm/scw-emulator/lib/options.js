// startEmulator's options and the emulator's command-line flags, both ways.
import { EmulatorError } from "./error.js";

/** `corsOrigin` → `--cors-origin`. */
export const flagOf = (option) => "--" + option.replace(/[A-Z]/g, (c) => "-" + c.toLowerCase());

/** `--cors-origin` → `corsOrigin`. */
export const optionOf = (flag) => flag.replace(/^--/, "").replace(/-([a-z0-9])/g, (_, c) => c.toUpperCase());

/** `api_url` → `apiUrl`: the emulator's JSON keys as JavaScript names. */
export const camelKeys = (object) =>
  Object.fromEntries(Object.entries(object).map(([key, value]) => [key.replace(/_([a-z0-9])/g, (_, c) => c.toUpperCase()), value]));

const scalar = (value) => typeof value === "string" || (typeof value === "number" && Number.isFinite(value));

/**
 * The command-line arguments for these options. Any camelCase name becomes its flag, so that every
 * flag of the binary is an option without a list here to keep up: `true` is the flag alone,
 * `false`, `null` and `undefined` leave it out, a string or number is its value (`--flag=value`,
 * the form every flag takes, including those whose value is optional) and an array repeats the
 * flag. Which flags exist and which values they take is the binary's to say.
 */
export function toArguments(options) {
  const args = [];
  for (const [option, value] of Object.entries(options)) {
    if (!/^[a-z][a-zA-Z0-9]*$/.test(option)) {
      throw new EmulatorError(
        `unknown option ${JSON.stringify(option)}: options are the emulator's flags in camelCase, e.g. corsOrigin for --cors-origin`,
        { option },
      );
    }
    const flag = flagOf(option);
    if (value === undefined || value === null || value === false) continue;
    if (value === true) args.push(flag);
    else if (scalar(value)) args.push(`${flag}=${value}`);
    else if (Array.isArray(value) && value.every(scalar)) args.push(...value.map((v) => `${flag}=${v}`));
    else {
      throw new EmulatorError(
        `option ${option} (${flag}) must be a string, a number, a boolean or an array of strings or numbers`,
        { option },
      );
    }
  }
  return args;
}

/**
 * The option that a refusal of the command-line parser names (`error: unexpected argument
 * '--foo-bar' found`, `error: invalid value 'x' for '--port <PORT>'`), if any.
 */
export function refusedOption(message) {
  const flag = /^error: .*?'(--[a-z0-9-]+)/m.exec(message)?.[1];
  return flag && optionOf(flag);
}
