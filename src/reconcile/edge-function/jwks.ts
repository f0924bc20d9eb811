// The Cognito user pool's signing keys, fetched from its well-known JWKS URL (Cognito's own, over https, no
// redirects, unless development allows another) and checked by the edge function's own rules before the
// operator bakes them into the edge function. A short per-URL cache keeps 100 CRs on one pool to one fetch per
// resync, while a full resync (minutes apart) still sees rotated keys.
import { z } from "zod";
import { cognitoIssuer, cognitoJwksUri, rsaKeyProblem, userPoolRegion } from "../../../edge-auth/package/config-schema.ts";
import { maxJwksBytes, maxJwksKeys } from "../../../edge-auth/src/limits.ts";
import { PermanentError, TemporaryError } from "../../errors.ts";
import type { OperatorSettings } from "../common/context.ts";

/** The public members of an RSA signing key: all the edge function needs, and all it is given. */
export interface BakedJwk {
  readonly kty: "RSA";
  readonly kid: string;
  readonly alg?: "RS256";
  readonly use?: "sig";
  readonly n: string;
  readonly e: string;
}

export interface BakedJwks {
  readonly keys: readonly BakedJwk[];
}

/** The JWKS could not be fetched now (network, timeout, 5xx, 429): worth retrying with backoff. */
export class JwksUnavailableError extends TemporaryError {
  readonly url: string;
  constructor(url: string, detail: string, options?: ErrorOptions) {
    super("JwksUnavailable", `cannot fetch the user pool's JWKS from ${url}: ${detail}`, options);
    this.url = url;
  }
}

/** The JWKS is not one the operator will bake: terminal until the pool, the spec or the URL template changes. */
export class JwksInvalidError extends PermanentError {
  readonly url: string;
  constructor(url: string, detail: string, options?: ErrorOptions) {
    super("JwksInvalid", `the user pool's JWKS at ${url} is unusable: ${detail}`, options);
    this.url = url;
  }
}


export interface JwksFetchOptions {
  readonly timeoutMs: number;
  /** Cognito's JWKS is about 1 KB; anything near this limit is not a JWKS. */
  readonly maxBytes: number;
}

export const defaultJwksFetchOptions: JwksFetchOptions = { timeoutMs: 5_000, maxBytes: maxJwksBytes };

/** Fills `{region}` and `{userPoolId}` of COGNITO_JWKS_URL_TEMPLATE. */
export function jwksUrl(template: string, userPoolId: string): string {
  return template.replaceAll("{region}", userPoolRegion(userPoolId)).replaceAll("{userPoolId}", userPoolId);
}

/**
 * The pool's JWKS URL, refused unless it is Cognito's own for that pool (https, `cognito-idp.<region>.amazonaws.com`
 * with the pool's region) or the development setting allows another. Whoever answers it can add signing keys.
 */
export function pinnedJwksUrl(settings: Pick<OperatorSettings, "jwksUrlTemplate" | "allowInsecureJwksUrl">, userPoolId: string): string {
  const url = jwksUrl(settings.jwksUrlTemplate, userPoolId);
  const expected = cognitoJwksUri(cognitoIssuer(userPoolId));
  if (!settings.allowInsecureJwksUrl && url !== expected) {
    throw new JwksInvalidError(url, `it is not Cognito's JWKS URL for the pool (${expected ?? "none: the pool id is not Cognito's"}); set COGNITO_JWKS_URL_TEMPLATE to Cognito's`);
  }
  return url;
}

const jwkSchema = z.looseObject({
  kty: z.string(),
  kid: z.string().min(1, "must not be empty"),
  alg: z.string().optional(),
  use: z.string().optional(),
  n: z.string().optional(),
  e: z.string().optional(),
  d: z.unknown().optional(),
});

const jwksSchema = z.looseObject({ keys: z.array(z.unknown()) });

const base64url = /^[A-Za-z0-9_-]+$/;

type ParsedJwk = z.output<typeof jwkSchema>;

/** Why a key's members rule it out before any import, if they do. */
function memberProblem(jwk: ParsedJwk): string | undefined {
  if (jwk.kty !== "RSA") return `kty is ${jwk.kty}; only RSA keys are accepted`;
  if (jwk.alg !== undefined && jwk.alg !== "RS256") return `alg is ${jwk.alg}; only RS256 is accepted`;
  if (jwk.use !== undefined && jwk.use !== "sig") return `use is ${jwk.use}; only signing keys (sig) are accepted`;
  if (jwk.d !== undefined) return "carries private key material";
  return undefined;
}

/** Checks one key the way the edge function will use it; returns why it is unusable, or its public members. */
function checkKey(jwk: ParsedJwk): BakedJwk | string {
  const problem = memberProblem(jwk);
  if (problem !== undefined) return problem;
  if (jwk.n === undefined || jwk.e === undefined) return "lacks n or e";
  if (!base64url.test(jwk.n) || !base64url.test(jwk.e)) return "has an n or e that is not base64url";
  // The function's own import is the rule: what it would refuse at cold start is never baked.
  const refused = rsaKeyProblem(jwk.n, jwk.e);
  if (refused !== undefined) return refused.problem;
  return { kty: "RSA", kid: jwk.kid, ...(jwk.alg === undefined ? {} : { alg: "RS256" }), ...(jwk.use === undefined ? {} : { use: "sig" }), n: jwk.n, e: jwk.e };
}

/** Validates every key of a parsed JWKS document; one bad key rejects the whole set. */
export function validateJwks(url: string, document: unknown): BakedJwks {
  const parsed = jwksSchema.safeParse(document);
  if (!parsed.success) throw new JwksInvalidError(url, "it is not a JWKS (an object with a keys array)");
  const { keys } = parsed.data;
  if (keys.length === 0) throw new JwksInvalidError(url, "it has no keys");
  if (keys.length > maxJwksKeys) throw new JwksInvalidError(url, `it has ${keys.length} keys; at most ${maxJwksKeys} are baked`);
  const baked: BakedJwk[] = [];
  for (const [index, raw] of keys.entries()) {
    const jwk = jwkSchema.safeParse(raw);
    if (!jwk.success) throw new JwksInvalidError(url, `key ${index} is not a JWK with a string kty and kid`);
    const checked = checkKey(jwk.data);
    if (typeof checked === "string") throw new JwksInvalidError(url, `key ${index} (kid ${jwk.data.kid}) ${checked}`);
    if (baked.some((key) => key.kid === checked.kid)) throw new JwksInvalidError(url, `kid ${checked.kid} appears twice`);
    baked.push(checked);
  }
  return { keys: baked };
}

const retryableStatuses = new Set([408, 425, 429]);

/** Reads at most `maxBytes` of the body; a longer body is cancelled, not buffered. */
async function readLimited(url: string, response: Response, maxBytes: number): Promise<string> {
  const declared = Number(response.headers.get("content-length") ?? Number.NaN);
  if (declared > maxBytes) {
    await response.body?.cancel();
    throw new JwksInvalidError(url, `the response is ${declared} bytes; at most ${maxBytes} are accepted`);
  }
  const reader = response.body?.getReader();
  if (reader === undefined) return "";
  const chunks: Uint8Array[] = [];
  let total = 0;
  for (let read = await reader.read(); !read.done; read = await reader.read()) {
    const chunk: unknown = read.value;
    if (!(chunk instanceof Uint8Array)) throw new JwksUnavailableError(url, "the response body is not bytes");
    total += chunk.length;
    if (total > maxBytes) {
      await reader.cancel();
      throw new JwksInvalidError(url, `the response is over ${maxBytes} bytes`);
    }
    chunks.push(chunk);
  }
  return Buffer.concat(chunks).toString("utf8");
}

/** fetch's own message is "fetch failed"; the reason (refused, a redirect, TLS...) is in its cause. */
function describeFailure(error: unknown): string {
  if (!(error instanceof Error)) return String(error);
  return error.cause instanceof Error ? `${error.message} (${error.cause.message})` : error.message;
}

/** One GET of the JWKS with a timeout and a size limit, parsed and validated. */
export async function fetchJwks(url: string, options: JwksFetchOptions = defaultJwksFetchOptions): Promise<BakedJwks> {
  const timeout = AbortSignal.timeout(options.timeoutMs);
  let text: string;
  try {
    // A redirect is refused, not followed: the keys come from the pinned URL or from nowhere.
    const response = await fetch(url, { signal: timeout, redirect: "error", headers: { accept: "application/json" } });
    if (!response.ok) {
      await response.body?.cancel();
      const detail = `HTTP ${response.status}`;
      if (response.status >= 500 || retryableStatuses.has(response.status)) throw new JwksUnavailableError(url, detail);
      const hint = response.status === 404 ? ": the user pool does not exist, or COGNITO_JWKS_URL_TEMPLATE is wrong" : "";
      throw new JwksInvalidError(url, `${detail}${hint}`);
    }
    text = await readLimited(url, response, options.maxBytes);
  } catch (error) {
    if (error instanceof JwksInvalidError || error instanceof JwksUnavailableError) throw error;
    const detail = timeout.aborted ? `no complete answer within ${options.timeoutMs} ms` : describeFailure(error);
    throw new JwksUnavailableError(url, detail, { cause: error });
  }
  let document: unknown;
  try {
    document = JSON.parse(text);
  } catch {
    throw new JwksInvalidError(url, "the response is not JSON");
  }
  return validateJwks(url, document);
}

export interface JwksCacheOptions {
  /** How long a fetched JWKS is reused; keep it well below FULL_RESYNC_SECONDS so rotations are seen. */
  readonly ttlMs: number;
  readonly fetch: JwksFetchOptions;
  readonly now: () => number;
}

interface CacheEntry {
  readonly jwks: Promise<BakedJwks>;
  /** Set once the fetch succeeded; until then the entry is in flight and shared. */
  fetchedAt?: number;
}

/** JWKS by URL for a short time. Concurrent callers share one fetch; failures are never cached. */
export class JwksCache {
  readonly #options: JwksCacheOptions;
  readonly #entries = new Map<string, CacheEntry>();

  constructor(options: Partial<JwksCacheOptions> = {}) {
    this.#options = { ttlMs: 60_000, fetch: defaultJwksFetchOptions, now: Date.now, ...options };
  }

  /** The JWKS at `url`; `signal` stops this caller waiting, not the fetch other callers share. */
  get(url: string, signal?: AbortSignal): Promise<BakedJwks> {
    const entry = this.#entries.get(url);
    const fresh = entry !== undefined && (entry.fetchedAt === undefined || this.#options.now() - entry.fetchedAt < this.#options.ttlMs);
    const jwks = fresh ? entry.jwks : this.#start(url);
    return signal === undefined ? jwks : abortable(jwks, signal);
  }

  #start(url: string): Promise<BakedJwks> {
    this.#forgetExpired();
    const entry: CacheEntry = {
      jwks: fetchJwks(url, this.#options.fetch).then(
        (jwks) => {
          entry.fetchedAt = this.#options.now();
          return jwks;
        },
        (error: unknown) => {
          if (this.#entries.get(url) === entry) this.#entries.delete(url);
          throw error;
        },
      ),
    };
    this.#entries.set(url, entry);
    return entry.jwks;
  }

  #forgetExpired(): void {
    const now = this.#options.now();
    for (const [url, entry] of this.#entries) {
      if (entry.fetchedAt !== undefined && now - entry.fetchedAt >= this.#options.ttlMs) this.#entries.delete(url);
    }
  }
}

function abortable<T>(promise: Promise<T>, signal: AbortSignal): Promise<T> {
  if (signal.aborted) return Promise.reject(signal.reason as Error);
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => {
      reject(signal.reason as Error);
    };
    signal.addEventListener("abort", onAbort, { once: true });
    promise.then(
      (value) => {
        signal.removeEventListener("abort", onAbort);
        resolve(value);
      },
      (error: unknown) => {
        signal.removeEventListener("abort", onAbort);
        reject(error instanceof Error ? error : new Error(String(error)));
      },
    );
  });
}

/** The operator's one cache: every reconcile of every CR shares it. */
export const sharedJwksCache = new JwksCache();

/** The validated keys of a user pool, from COGNITO_JWKS_URL_TEMPLATE, with the URL they came from. */
export async function userPoolJwks(
  settings: Pick<OperatorSettings, "jwksUrlTemplate" | "allowInsecureJwksUrl">,
  userPoolId: string,
  signal?: AbortSignal,
  cache: JwksCache = sharedJwksCache,
): Promise<{ readonly url: string; readonly jwks: BakedJwks }> {
  const url = pinnedJwksUrl(settings, userPoolId);
  return { url, jwks: await cache.get(url, signal) };
}
