// The viewer-request handler: answer a CORS preflight, or find the token, verify it, forward or deny. Fails
// closed; nothing escapes.
import type { EdgeConfig } from "./config.ts";
import { createCors, isPreflight, type Cors } from "./cors.ts";
import { denialStatus, type DenialReason } from "./errors.ts";
import type { CloudFrontRequest, CloudFrontRequestEvent, CloudFrontResultResponse } from "./event.ts";
import { createKeyStore, type FetchLike, type JwksFetchOutcome } from "./keys.ts";
import { denialResponse, forwardedRequest, preflightResponse } from "./responses.ts";
import { extractToken } from "./token-source.ts";
import { createVerifier, type Verifier, type VerifyOutcome } from "./verifier.ts";

export type ViewerRequestHandler = (
  event: CloudFrontRequestEvent,
) => Promise<CloudFrontRequest | CloudFrontResultResponse>;

/** One structured log entry. Entries never hold a token, a cookie or an error message (those can quote input). */
export type LogEntry =
  | {
      readonly level: "warn";
      readonly msg: "request denied";
      readonly reason: DenialReason;
      readonly status: number;
      readonly source?: string;
      readonly method?: string;
      readonly uri?: string;
      readonly error?: string;
    }
  | { readonly level: "info" | "warn"; readonly msg: "jwks fallback fetch"; readonly outcome: JwksFetchOutcome }
  | { readonly level: "error"; readonly msg: "config unusable, denying every request"; readonly error: string };

export interface HandlerOptions {
  /** Milliseconds since the epoch. Tests move it to expire tokens. */
  readonly now?: () => number;
  /** Used only for the unknown-kid fallback. */
  readonly fetch?: FetchLike;
  readonly log?: (entry: LogEntry) => void;
  /** Fallback fetch timeout; capped at 1,500 ms. */
  readonly jwksTimeoutMs?: number;
  /** Minimum time between two fallback fetches. */
  readonly jwksCooldownMs?: number;
  /** How long a key from a fallback fetch is trusted. */
  readonly fetchedKeyTtlMs?: number;
}

export const maxJwksTimeoutMs = 1500;
export const defaultJwksCooldownMs = 60_000;
/**
 * A fetched key is trusted for 10 minutes, then fetched again when a token still needs it. The fallback only
 * bridges a rotation until the operator re-bakes the JWKS (within its full resync, 10 minutes by default, plus
 * the edge's replication), so a key the pool withdraws stops being trusted within the same order of time.
 */
export const defaultFetchedKeyTtlMs = 600_000;
const maxLoggedUriLength = 256;

function writeJsonLine(entry: LogEntry): void {
  console.log(JSON.stringify(entry));
}

function safeLog(log: (entry: LogEntry) => void, entry: LogEntry): void {
  try {
    log(entry);
  } catch {
    // A broken logger must not turn a denial into an exception.
  }
}

function errorName(error: unknown): string {
  return error instanceof Error ? error.name : typeof error;
}

interface DenialContext {
  readonly request?: CloudFrontRequest | undefined;
  readonly source?: string | undefined;
  readonly error?: string | undefined;
}

function isPreflightDenial(reason: DenialReason): boolean {
  return reason === "origin_not_allowed" || reason === "preflight_not_allowed";
}

function createDenier(log: (entry: LogEntry) => void, cors?: Cors) {
  return (reason: DenialReason, context: DenialContext): CloudFrontResultResponse => {
    const status = denialStatus[reason];
    const { request, source, error } = context;
    const method = typeof request?.method === "string" ? request.method : undefined;
    const uri = typeof request?.uri === "string" ? request.uri.slice(0, maxLoggedUriLength) : undefined;
    safeLog(log, {
      level: "warn",
      msg: "request denied",
      reason,
      status,
      ...(source === undefined ? {} : { source }),
      ...(method === undefined ? {} : { method }),
      ...(uri === undefined ? {} : { uri }),
      ...(error === undefined ? {} : { error }),
    });
    if (cors === undefined) return denialResponse(status);
    // A refused preflight carries no CORS headers: the browser then refuses the request it was asking about.
    if (isPreflightDenial(reason)) return denialResponse(status, { headers: cors.varyHeaders(), challenge: false });
    const headers = request === undefined ? cors.varyHeaders() : cors.responseHeaders(request.headers);
    return denialResponse(status, { headers });
  };
}

/**
 * Verifies the token, then, while it is refused, the alternates (other app clients' cookies) in order: the first
 * that passes is accepted. When none does, the first refusal is reported, unless a later token was valid
 * but without a required group: then the viewer is signed in, and 403 says more than 401.
 */
async function verifyCandidates(verifier: Verifier, token: string, alternates: readonly string[]): Promise<VerifyOutcome> {
  let outcome = await verifier.verify(token);
  for (const alternate of alternates) {
    if (outcome.ok) break;
    const next = await verifier.verify(alternate);
    if (next.ok || (next.reason === "not_in_group" && outcome.reason !== "not_in_group")) outcome = next;
  }
  return outcome;
}

/**
 * Builds the handler for one config. Keys are imported here, once (cold start); a key that does not import
 * throws, and the caller then serves `createUnavailableHandler` instead.
 */
export function createHandler(config: EdgeConfig, options: HandlerOptions = {}): ViewerRequestHandler {
  const now = options.now ?? Date.now;
  const log = options.log ?? writeJsonLine;
  const keys = createKeyStore(config.jwks.keys, {
    jwksUri: config.jwksUri,
    fetch: options.fetch ?? fetch,
    now,
    timeoutMs: Math.min(options.jwksTimeoutMs ?? maxJwksTimeoutMs, maxJwksTimeoutMs),
    cooldownMs: options.jwksCooldownMs ?? defaultJwksCooldownMs,
    fetchedKeyTtlMs: options.fetchedKeyTtlMs ?? defaultFetchedKeyTtlMs,
    onFetch: (outcome) => {
      safeLog(log, { level: outcome === "added_keys" ? "info" : "warn", msg: "jwks fallback fetch", outcome });
    },
  });
  const verifier = createVerifier(config, keys, now);
  const cors = createCors(config.cors);
  const denied = createDenier(log, cors);

  return async (event) => {
    let request: CloudFrontRequest | undefined;
    let source: string | undefined;
    try {
      request = event.Records[0]?.cf.request;
      if (request === undefined) return denied("internal_error", { error: "no request in event" });
      if (isPreflight(request)) {
        // Answered here, never forwarded; a token on a preflight is not looked at (browsers never send one).
        const preflight = cors.preflight(request.headers);
        return preflight.ok ? preflightResponse(preflight.headers) : denied(preflight.reason, { request });
      }
      const extracted = extractToken(request.headers, config);
      if (!extracted.ok) return denied(extracted.reason, { request });
      source = extracted.source;
      const { token, alternates } = extracted;
      const outcome = alternates === undefined ? await verifier.verify(token) : await verifyCandidates(verifier, token, alternates);
      if (!outcome.ok) return denied(outcome.reason, { request, source });
      return forwardedRequest(request);
    } catch (error) {
      return denied("internal_error", { request, source, error: errorName(error) });
    }
  };
}

/** The handler served when config.json cannot be used: every request is denied with 500, and it says why once. */
export function createUnavailableHandler(cause: unknown, log: (entry: LogEntry) => void = writeJsonLine): ViewerRequestHandler {
  safeLog(log, { level: "error", msg: "config unusable, denying every request", error: cause instanceof Error ? cause.message : String(cause) });
  const denied = createDenier(log);
  return (event) => {
    let request: CloudFrontRequest | undefined;
    try {
      request = event.Records[0]?.cf.request;
    } catch {
      request = undefined;
    }
    return Promise.resolve(denied("internal_error", { request }));
  };
}
