// Types of scw-functions-auth (hand-written: they describe what the functions really take and return).

/** A Scaleway region where Serverless Functions run. */
export type Region = "fr-par" | "nl-ams" | "pl-waw";

/** Status of a token; `creating` and `deleting` are transient. */
export type TokenStatus = "unknown" | "ready" | "deleting" | "error" | "creating";

/** A function token. `token` (the secret) is present only in the answer to `createToken`. */
export interface Token {
  id: string;
  /** `region/id`, accepted wherever an id is. */
  regionalId: string;
  region: Region;
  token?: string;
  functionId?: string;
  namespaceId?: string;
  status: TokenStatus;
  description?: string;
  /** Absent when the token never expires. */
  expiresAt?: Date;
}

/** One page of `listTokens`. */
export interface TokenPage {
  tokens: Token[];
  /** How many tokens match the filters, over every page. */
  totalCount: number;
}

/**
 * A Serverless Functions namespace: every field the API sends, keys in camelCase, `*At` fields as
 * Dates, nulls left out (nested objects such as `environmentVariables` keep their own keys).
 */
export interface Namespace {
  id: string;
  name: string;
  projectId: string;
  organizationId: string;
  region: string;
  status: string;
  description?: string;
  errorMessage?: string;
  environmentVariables?: Record<string, string>;
  createdAt?: Date;
  updatedAt?: Date;
  [field: string]: unknown;
}

/** A function (same conversion as Namespace); a private one is called at `https://${domainName}`. */
export interface Function {
  id: string;
  name: string;
  namespaceId: string;
  region: string;
  status: string;
  privacy: "public" | "private" | "unknown_privacy";
  domainName: string;
  runtime: string;
  description?: string;
  errorMessage?: string;
  createdAt?: Date;
  updatedAt?: Date;
  [field: string]: unknown;
}

export interface FunctionsClientOptions {
  /** IAM secret key (a UUID). Keep it in a server or an edge worker, never in a public page. */
  secretKey: string;
  /** Default `fr-par`. */
  region?: Region;
  /** Default `https://api.scaleway.com`; http only for localhost and 127.0.0.1. */
  apiUrl?: string;
  /** Deadline of one call, retries included: its request is aborted then (`TimeoutError`). Default 30000. */
  timeoutMs?: number;
  /** Retries of GET and DELETE on 429, 502, 503, 504 and network failures. Default 2. */
  retries?: number;
}

/** Exactly one of `functionId` and `namespaceId`. */
export type CreateTokenOptions = (
  | { functionId: string; namespaceId?: undefined }
  | { namespaceId: string; functionId?: undefined }
) & CallOptions & {
  description?: string;
  /** A Date or an RFC 3339 string in the future; omitted: the token never expires. */
  expiresAt?: Date | string;
};

export type TokenOrder = "created_at_asc" | "created_at_desc";

/** Options every `FunctionsClient` call takes. */
export interface CallOptions {
  /** Aborts the call (its requests and its pauses between retries or polls) with an `AbortError`. */
  signal?: AbortSignal;
}

export interface ListTokensOptions extends CallOptions {
  functionId?: string;
  namespaceId?: string;
  orderBy?: TokenOrder;
  /** 1-based. */
  page?: number;
  /** 1 to 100. */
  pageSize?: number;
}

export interface WaitOptions extends CallOptions {
  /** Default 60000. */
  timeoutMs?: number;
  /** First pause between two polls (it grows); default 500. */
  intervalMs?: number;
}

export interface CreateFunctionAccessKeyOptions extends CallOptions {
  /** The project whose private functions the key may call (a UUID). */
  projectId: string;
  /** Read from a namespace of the project in the client's region when not given. */
  organizationId?: string;
  description?: string;
  /** Date or RFC 3339 string in the future; absent: the key never expires. */
  expiresAt?: Date | string;
}

/**
 * An IAM API key allowed to call a project's private functions (`FunctionsPrivateAccess`), with
 * the application and policy made for it. `secretKey` is shown only here.
 */
export interface FunctionAccessKey {
  accessKey: string;
  secretKey: string;
  applicationId: string;
  policyId: string;
  /**
   * When IAM made the key, from the API's answer. IAM may refuse a new key for up to about two
   * minutes: store it beside `secretKey` and pass it as `issuedAt`, or pass the whole object as
   * the `token` of `PrivateFunction` and `FunctionProxy`, so that those 403s are retried.
   */
  createdAt: Date;
  /** Absent when the key never expires. */
  expiresAt?: Date;
}

/** Which keys `listFunctionAccessKeys` lists: one project's, or every project's of an organization. */
export type ListFunctionAccessKeysOptions = (
  | { projectId: string; organizationId?: string }
  | { organizationId: string; projectId?: string }
) & CallOptions;

/** A key as `listFunctionAccessKeys` lists it: no secret (IAM shows it only at creation). */
export interface ListedFunctionAccessKey {
  accessKey: string;
  applicationId: string;
  /** The project whose private functions it calls. */
  projectId?: string;
  description?: string;
  createdAt?: Date;
  /** Absent when the key never expires; in the past for an expired key. */
  expiresAt?: Date;
}

/** A key from `rotateFunctionAccessKey`. */
export interface RotatedFunctionAccessKey extends FunctionAccessKey {
  /**
   * Present when `deleteOld` was asked and the old key could not be deleted (or it is unknown
   * whether it was, after a timeout): the new key is made and works, the old one may still work.
   * Delete it later with `deleteFunctionAccessKey`.
   */
  oldKeyError?: ScwError;
}

export interface RotateFunctionAccessKeyOptions extends CallOptions {
  /** Date or RFC 3339 string in the future; absent: the new key never expires. */
  expiresAt?: Date | string;
  /** Delete the old key once the new one exists. Default false: callers switch over first. */
  deleteOld?: boolean;
}

/** Manages Serverless Functions tokens with an IAM secret key. Every method rejects with a `ScwError` subclass. */
export class FunctionsClient {
  /** @throws {ValidationError} when an option is missing or malformed. */
  constructor(options: FunctionsClientOptions);
  /**
   * @deprecated Scaleway is retiring JWT function tokens: creating them is disabled during 2026
   * (reading, listing, deleting and calling with existing tokens keep working). Call private
   * functions with an IAM API key instead: `createFunctionAccessKey`. A refused creation rejects
   * with the API's error (a `ScwError` with its `type` and message).
   */
  createToken(options: CreateTokenOptions): Promise<Token>;
  /** `id` is a UUID or a regional id `fr-par/<uuid>`. */
  getToken(id: string, options?: CallOptions): Promise<Token>;
  listTokens(options?: ListTokensOptions): Promise<TokenPage>;
  listAllTokens(options?: Omit<ListTokensOptions, "page" | "pageSize">): Promise<Token[]>;
  deleteToken(id: string, options?: CallOptions): Promise<Token>;
  /** Polls until the token is neither creating nor deleting; rejects with `TimeoutError` after `timeoutMs`. */
  waitForToken(id: string, options?: WaitOptions): Promise<Token>;
  listNamespaces(options?: CallOptions): Promise<Namespace[]>;
  getNamespace(id: string, options?: CallOptions): Promise<Namespace>;
  listFunctions(options?: { namespaceId?: string } & CallOptions): Promise<Function[]>;
  getFunction(id: string, options?: CallOptions): Promise<Function>;
  /** Application + policy + API key in one call; what was made is deleted again if a later step fails. */
  createFunctionAccessKey(options: CreateFunctionAccessKeyOptions): Promise<FunctionAccessKey>;
  /** The keys `createFunctionAccessKey` made, expired ones included (never their secret). */
  listFunctionAccessKeys(options: ListFunctionAccessKeysOptions): Promise<ListedFunctionAccessKey[]>;
  /**
   * A new key for the same application (same project and description); the old one is deleted only
   * with `deleteOld`. A failed deletion of the old key does not reject, so that the new key's secret
   * is never lost: it is the key's `oldKeyError`.
   */
  rotateFunctionAccessKey(accessKey: string, options?: RotateFunctionAccessKeyOptions): Promise<RotatedFunctionAccessKey>;
  /**
   * Deletes the key, then, when it was its application's last key, the application's policies and
   * the application. A key of an application `createFunctionAccessKey` did not make is refused
   * (`ValidationError` on `accessKey`) before anything is deleted.
   */
  deleteFunctionAccessKey(accessKey: string, options?: CallOptions): Promise<void>;
  free(): void;
}

/**
 * What PrivateFunction and FunctionProxy call with: the function's `url` and exactly one of `token`
 * and `tokenProvider`. A credential whose age is known (a key object as `token`, or a secret with
 * `issuedAt`) has its 403s retried within `propagationWindowMs` of its creation, while IAM
 * propagates the new key, when the request's body can be sent again (not a stream). A credential
 * of unknown age gets its 403 back at once.
 */
export type PrivateFunctionOptions = {
  /** The function, `https://{domain_name}`. */
  url: string;
  /**
   * How long after its creation IAM may refuse a key, in milliseconds: its 403s are retried
   * meanwhile. Default 120000 (Scaleway's two minutes); `0` turns the retries off; at most 600000.
   */
  propagationWindowMs?: number;
} & (
  /** A new key, as `createFunctionAccessKey` or `rotateFunctionAccessKey` gave it. */
  | { token: FunctionAccessKey; issuedAt?: undefined; tokenProvider?: undefined }
  /** A function token or the secret key of an IAM API key (both go in `X-Auth-Token`). */
  | { token: string; issuedAt?: Date; tokenProvider?: undefined }
  | { tokenProvider: () => string | Promise<string>; token?: undefined; issuedAt?: undefined }
);

/**
 * Calls a private function with `X-Auth-Token`. The credential never follows a redirect to another
 * origin: outside browsers redirects are followed by hand, keeping it only on the function's own
 * origin; in browsers, which would send it on to a target they hide from the page, a redirect is
 * not followed and the call rejects with a NetworkError. A caller's own `redirect: "manual"` or
 * `"error"` is obeyed as is.
 */
export class PrivateFunction {
  /** @throws {ValidationError} when the URL or the token is missing or malformed. */
  constructor(options: PrivateFunctionOptions);
  /**
   * Resolves with the runtime's own Response, whatever its status (a 403 is an answer). Rejects
   * with a ValidationError (a path, init or headers that cannot be sent, or a tokenProvider that
   * does not resolve to a token), a NetworkError, a TimeoutError (an `init.signal` that timed out)
   * or an AbortError.
   */
  fetch(path?: string, init?: RequestInit): Promise<Response>;
  free(): void;
}

/** Claims of a function token (`application_claim`, `jti`, `exp`...), as found in the JWT. */
export interface TokenClaims {
  application_claim?: { namespace_id: string; application_id: string }[];
  jti?: string;
  iat?: number;
  nbf?: number;
  exp?: number;
  [claim: string]: unknown;
}

/**
 * Reads a function token's claims and expiry. It does NOT verify the signature.
 * @throws {ValidationError} when the string is not a JWT, or its `exp` claim is not a date in seconds.
 */
export function decodeToken(token: string): DecodedToken;

/** What `decodeToken` reads from a token. */
export interface DecodedToken {
  claims: TokenClaims;
  /** From the `exp` claim; absent when the token never expires. */
  expiresAt?: Date;
}

/** One `details` entry of an API error (fields depend on the error type). */
export interface ErrorDetail {
  argumentName?: string;
  reason?: string;
  helpMessage?: string;
  resource?: string;
  action?: string;
  quota?: number;
  current?: number;
}

/**
 * Base class of every error of the library. `instanceof` works across the package's entries and
 * across two copies of the package in one program.
 */
export class ScwError extends Error {
  constructor(message?: string, fields?: object);
  /** HTTP status, for answers of the API (a refused redirect's too). */
  readonly status?: number;
  /**
   * Scaleway error type (`not_found`, `invalid_arguments`...), or `validation_error`,
   * `network_error`, `redirect_refused` (a NetworkError: the API answered with a redirect, which is
   * never followed), `unexpected_response` (a success whose body is not what the API sends),
   * `timeout`, `aborted`, or `panic` (a bug of the library, reported as a plain ScwError).
   */
  readonly type: string;
  readonly resource?: string;
  readonly resourceId?: string;
  readonly details?: ErrorDetail[];
  readonly method?: string;
  readonly reason?: string;
  readonly currentState?: string;
  readonly helpMessage?: string;
  readonly precondition?: string;
  readonly limit?: number;
  readonly fields?: Record<string, string[]>;
}
export class InvalidArgumentsError extends ScwError {}
export class NotFoundError extends ScwError {}
export class DeniedAuthenticationError extends ScwError {}
export class PermissionsDeniedError extends ScwError {}
export class QuotasExceededError extends ScwError {}
export class TransientStateError extends ScwError {}
export class TooManyRequestsError extends ScwError {}
/** Input refused before any request; `field` names it. */
export class ValidationError extends ScwError {
  readonly field: string;
}
/** No usable answer: the network failed, or the API answered with a redirect (`type` `redirect_refused`). */
export class NetworkError extends ScwError {}
/** `timeoutMs` passed (the request was aborted), or the caller's `AbortSignal.timeout` did. */
export class TimeoutError extends ScwError {}
/** The caller's signal aborted the call (`name` is "AbortError"). */
export class AbortError extends ScwError {}
