/**
 * Options of `startEmulator`: the emulator's command-line flags in camelCase (`corsOrigin` for
 * `--cors-origin`), plus `seed` and `readyTimeoutMs`. `true` passes a flag alone and `false` leaves
 * it out, a string or number is its value, an array repeats it. The flags listed here are typed;
 * any other flag of the binary is taken as well and checked by the binary.
 */
export interface EmulatorOptions {
  /** Port to listen on; default 0: a free port, read back from `apiUrl`. */
  port?: number;
  /** Address to listen on; default `127.0.0.1`. */
  host?: string;
  /** The world to start from (and to reset to): a seed file's path or a seed object. */
  seed?: string | Seed;
  /** Keeps state in this file (plus `FILE.journal`) across restarts. */
  state?: string;
  /** Directory served at `/`; default `www`, skipped when missing. */
  www?: string;
  /** Directory served at `/pkg/`; default `pkg`, skipped when missing. */
  pkg?: string;
  /** How long a new token stays `creating` and a deleted one `deleting`, in milliseconds. */
  tokenDelayMs?: number;
  /** A local `http://` server that admitted function calls are proxied to instead of echoed. */
  upstream?: string;
  /** Browser origins (`http(s)://host[:port]`) allowed to call the API; none: no CORS, like Scaleway. */
  corsOrigin?: string | readonly string[];
  /** `allow`: the gateway answers CORS preflights of private functions itself. */
  gatewayPreflight?: "refuse" | "allow";
  /** `production`: Scaleway's 2026 switches at once; a switch given as well wins over it. */
  profile?: "local" | "production";
  /** `refuse`: CreateToken is refused, as Scaleway does once JWT tokens are retired. */
  legacyTokenCreation?: "allow" | "refuse";
  /**
   * Refuses CreateAPIKey without `expiresAt`, like organisations that require key expiry. Under
   * `profile: "production"`, where it is on, the string `"false"` turns it off.
   */
  requireKeyExpiry?: boolean | "true" | "false";
  /** How long a new API key, policy or rule takes to be admitted everywhere: `120s`, `2m`; `0` is off. */
  iamPropagation?: string;
  /** Longest validity of a new API key: `90d`, `12h`, `30m`, `3600s`. */
  maxKeyValidity?: string;
  /** Size of new namespace RSA keys, 2048 (default) to 4096. */
  rsaBits?: number;
  /** The API's secret key (a UUID); default the seed's, else a random one. */
  secretKey?: string;
  /** Enables `/emulator/faults` (fault injection). */
  faults?: boolean;
  /** How long to wait for the emulator to be ready, in milliseconds; default 60000. */
  readyTimeoutMs?: number;
  /** Any other flag of the emulator, in camelCase. */
  [flag: string]: unknown;
}

/** A running emulator: its ready line, and what a test suite does with it. */
export interface Emulator {
  /** The API's base URL, e.g. `http://127.0.0.1:41234`. */
  apiUrl: string;
  /** The secret key the API accepts (`X-Auth-Token`). */
  secretKey: string;
  /** The region of the first namespace, e.g. `fr-par`. */
  region: string;
  projectId: string;
  /** The first namespace's id; `null` when the seed has none. */
  namespaceId: string | null;
  /** The first namespace's first function's id; `null` when it has none. */
  functionId: string | null;
  /** That function's URL through the emulator's gateway; `null` when there is none. */
  functionUrl: string | null;
  /** Puts every record back as it was at start-up. */
  reset(): Promise<void>;
  /** The last 500 requests, oldest first, each with the reason the gateway refused it, if it did. */
  requests(): Promise<EmulatorRequest[]>;
  /** Stops the emulator (SIGTERM, then SIGKILL after 5 s) and resolves once it has exited. */
  stop(): Promise<void>;
}

/** One request in the emulator's log. Never a query string, a header, a body or a secret. */
export interface EmulatorRequest {
  at: Date;
  method: string;
  path: string;
  status: number;
  latencyMs: number;
  /** Why the gateway refused a function call. */
  reason?: "missing" | "malformed" | "bad_signature" | "expired" | "revoked" | "other_scope" | "no_policy";
}

/**
 * Starts an emulator and resolves once it is ready. It ends with this process, even when the
 * process is killed. Rejects with an `EmulatorError`: a bad option or a flag the binary refuses
 * (named in `option`), the emulator's own message when it exits (a port in use, a bad seed), or
 * no binary for this platform.
 */
export function startEmulator(options?: EmulatorOptions): Promise<Emulator>;

/** Why the emulator did not start, or a request to it failed because it had exited. */
export class EmulatorError extends Error {
  name: "EmulatorError";
  /** The option at fault, in camelCase. */
  option?: string;
  /** The emulator's exit code, when it exited. */
  exitCode?: number | null;
}

/** A seed: the world the emulator starts from. Ids not given are random. */
export interface Seed {
  secret_key?: string;
  project_id?: string;
  organization_id?: string;
  namespaces?: SeedNamespace[];
  applications?: { id?: string; name: string; description?: string }[];
  policies?: { id?: string; name: string; application_id: string; rules: SeedRule[] }[];
  api_keys?: {
    access_key?: string;
    secret_key: string;
    application_id: string;
    description?: string;
    /** RFC 3339. */
    expires_at?: string | null;
  }[];
  tokens?: {
    id?: string;
    function_id?: string;
    namespace_id?: string;
    description?: string;
    /** RFC 3339. */
    expires_at?: string | null;
  }[];
}

/** What namespaces and functions share in a seed. */
export interface SeedSettings {
  description?: string;
  tags?: string[];
  environment_variables?: Record<string, string>;
  /** Names only: a secret's value is never kept. */
  secret_environment_variables?: string[];
}

export interface SeedNamespace extends SeedSettings {
  id?: string;
  name: string;
  region?: "fr-par" | "nl-ams" | "pl-waw";
  functions?: SeedFunction[];
}

export interface SeedFunction extends SeedSettings {
  id?: string;
  name: string;
  privacy: "private" | "public";
  runtime?: string;
  /** A local `http://` server that admitted calls go to, instead of the echo. */
  upstream?: string;
}

/** A policy rule: exactly one of `project_ids` and `organization_id`. */
export interface SeedRule {
  permission_set_names: string[];
  project_ids?: string[];
  organization_id?: string;
}
