// Verification keys: imported once at cold start from the baked JWKS, with a guarded fallback fetch for unknown kids.
import type { KeyObject } from "node:crypto";
import { createPublicKey } from "./builtins.ts";
import { maxJwksBytes, maxJwksKeys, minModulusBits, rsaPublicExponent } from "./limits.ts";

/** A key ready for `crypto.verify`, with the signature length RS256 requires for it. */
export interface VerificationKey {
  readonly key: KeyObject;
  readonly signatureBytes: number;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/** The modulus size of a key of at least 2048 bits with the public exponent 65537; undefined for any other key. */
function acceptedModulusBits(key: KeyObject): number | undefined {
  const details = key.asymmetricKeyDetails;
  const bits = details?.modulusLength;
  return bits !== undefined && bits >= minModulusBits && details?.publicExponent === BigInt(rsaPublicExponent) ? bits : undefined;
}

/**
 * Imports one JWKS member when it is an RSA signing key usable with RS256: at least 2048 bits and the public
 * exponent 65537; otherwise returns undefined. Only n and e are read: nothing else in a JWK can change what it
 * verifies. The exponent is not a detail: under e=1 the PKCS#1 v1.5 encoding of a token's hash is its own
 * signature, so whoever can place such a key in a JWKS signs anything without a private key. Cognito's keys
 * all use 65537.
 */
export function importRsaJwk(jwk: unknown): { kid: string; verificationKey: VerificationKey } | undefined {
  if (!isRecord(jwk)) return undefined;
  const { kty, kid, alg, use, n, e } = jwk;
  if (kty !== "RSA" || typeof kid !== "string" || kid === "" || typeof n !== "string" || typeof e !== "string") return undefined;
  if ((alg !== undefined && alg !== "RS256") || (use !== undefined && use !== "sig")) return undefined;
  let key: KeyObject;
  try {
    key = createPublicKey({ key: { kty: "RSA", n, e }, format: "jwk" });
  } catch {
    return undefined;
  }
  const bits = acceptedModulusBits(key);
  if (bits === undefined) return undefined;
  return { kid, verificationKey: { key, signatureBytes: Math.ceil(bits / 8) } };
}

/** The part of `fetch` the key store uses, so tests can inject one. The global fetch fits. */
export type FetchLike = (
  url: string,
  init: { signal: AbortSignal; redirect: "error"; headers: Record<string, string> },
) => Promise<{ ok: boolean; status: number; body: ReadableStream<Uint8Array> | null }>;

export interface KeyStoreOptions {
  /** Where to look for a kid that is not baked in. Without it, unknown kids are simply denied. */
  readonly jwksUri?: string | undefined;
  readonly fetch: FetchLike;
  /** Milliseconds since the epoch; the same clock as the claim checks. */
  readonly now: () => number;
  /** Abort a fallback fetch after this long (≤ 1.5 s: the viewer is waiting). */
  readonly timeoutMs: number;
  /** No new fallback fetch within this long after the previous one started, whatever its outcome. */
  readonly cooldownMs: number;
  /** How long a fetched key is trusted after the fetch that returned it. Baked keys never expire. */
  readonly fetchedKeyTtlMs: number;
  /** Called once per fallback fetch with a static outcome code; never with response bodies. */
  readonly onFetch?: (outcome: JwksFetchOutcome) => void;
}

export type JwksFetchOutcome = "added_keys" | "no_new_keys" | "http_error" | "invalid_body" | "network_error";

export interface KeyStore {
  /** The key for a kid, synchronously: the hot path. A fetched key past its TTL is no longer returned. */
  get(kid: string): VerificationKey | undefined;
  /**
   * Refetches jwksUri unless a fetch is already running (then joins it) or the cooldown has not passed (then
   * resolves at once). Never rejects. Resolves to whether the kid is known afterwards.
   */
  refreshFor(kid: string): Promise<boolean>;
}

// Bounds on what a fallback response may add: Cognito pools publish two keys.
const maxFetchedKeys = maxJwksKeys;

/**
 * Reads a response body, giving up as soon as it passes `maxBytes`: the bytes are counted as they arrive and the
 * stream is cancelled, so an endless or huge answer costs at most the limit (plus one chunk), never its size.
 * Resolves to undefined when over the limit.
 */
async function readCapped(body: ReadableStream<Uint8Array> | null, maxBytes: number): Promise<string | undefined> {
  if (body === null) return "";
  const reader = body.getReader();
  const chunks: Uint8Array[] = [];
  let total = 0;
  // Ends at the end of the body, past the limit, or when the fetch's timeout aborts the stream (read rejects).
  for (let read = await reader.read(); !read.done; read = await reader.read()) {
    total += read.value.byteLength;
    if (total > maxBytes) {
      reader.cancel().catch(() => undefined);
      return undefined;
    }
    chunks.push(read.value);
  }
  return Buffer.concat(chunks).toString("utf8");
}

interface FetchedKey {
  readonly key: VerificationKey;
  readonly expiresAt: number;
}

/** Builds the store from the baked keys. Throws when a baked key does not import: the config is then unusable. */
export function createKeyStore(bakedKeys: readonly unknown[], options: KeyStoreOptions): KeyStore {
  const baked = new Map<string, VerificationKey>();
  for (const jwk of bakedKeys) {
    const imported = importRsaJwk(jwk);
    if (imported === undefined) throw new Error("config.json has a JWKS member that is not a usable RS256 key");
    baked.set(imported.kid, imported.verificationKey);
  }
  // What the last successful fallback fetch returned, each key trusted until its expiry. Replaced as a whole by the
  // next successful fetch, so a key the pool has withdrawn goes too.
  let fetched = new Map<string, FetchedKey>();
  let inFlight: Promise<void> | undefined;
  let lastFetchStartedAt = Number.NEGATIVE_INFINITY;

  function report(outcome: JwksFetchOutcome): void {
    try {
      options.onFetch?.(outcome);
    } catch {
      // Reporting must never break verification.
    }
  }

  function fetchedKey(kid: string): VerificationKey | undefined {
    const entry = fetched.get(kid);
    return entry !== undefined && options.now() < entry.expiresAt ? entry.key : undefined;
  }

  async function fetchAndAdd(url: string): Promise<JwksFetchOutcome> {
    let body: string | undefined;
    try {
      const response = await options.fetch(url, {
        signal: AbortSignal.timeout(options.timeoutMs),
        redirect: "error",
        headers: { accept: "application/json" },
      });
      if (!response.ok) {
        response.body?.cancel().catch(() => undefined);
        return "http_error";
      }
      body = await readCapped(response.body, maxJwksBytes);
    } catch {
      return "network_error";
    }
    if (body === undefined) return "invalid_body";
    let parsed: unknown;
    try {
      parsed = JSON.parse(body);
    } catch {
      return "invalid_body";
    }
    if (!isRecord(parsed) || !Array.isArray(parsed.keys)) return "invalid_body";
    const expiresAt = options.now() + options.fetchedKeyTtlMs;
    const next = new Map<string, FetchedKey>();
    let added = 0;
    for (const jwk of parsed.keys) {
      if (next.size >= maxFetchedKeys) break;
      const imported = importRsaJwk(jwk);
      // A baked key is never replaced by a fetched one.
      if (imported === undefined || baked.has(imported.kid) || next.has(imported.kid)) continue;
      if (fetchedKey(imported.kid) === undefined) added += 1;
      next.set(imported.kid, { key: imported.verificationKey, expiresAt });
    }
    fetched = next;
    return added > 0 ? "added_keys" : "no_new_keys";
  }

  function startFetch(url: string): Promise<void> {
    const started = options.now();
    if (started - lastFetchStartedAt < options.cooldownMs) return Promise.resolve();
    lastFetchStartedAt = started;
    inFlight = fetchAndAdd(url)
      .catch((): JwksFetchOutcome => "network_error")
      .then((outcome) => {
        report(outcome);
      })
      .finally(() => {
        inFlight = undefined;
      });
    return inFlight;
  }

  return {
    get: (kid) => baked.get(kid) ?? fetchedKey(kid),
    refreshFor: async (kid) => {
      const url = options.jwksUri;
      if (url === undefined) return false;
      await (inFlight ?? startFetch(url));
      return fetchedKey(kid) !== undefined || baked.has(kid);
    },
  };
}
