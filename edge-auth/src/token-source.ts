// Finds the one token a request presents: an Authorization Bearer header, or the Cognito/Amplify token cookie.
import type { TokenSource, TokenUse } from "./config.ts";
import { deny, type Denial } from "./errors.ts";
import type { CloudFrontHeaders } from "./event.ts";
import { maxTokenLength } from "./jws.ts";

export interface TokenSourceSettings {
  readonly tokenSources: readonly TokenSource[];
  readonly clientIds: readonly string[];
  readonly tokenUse: TokenUse;
}

export type ExtractOutcome = { readonly ok: true; readonly token: string; readonly source: TokenSource } | Denial;

const cookiePrefix = "CognitoIdentityServiceProvider.";
const cookieSuffix = { id: ".idToken", access: ".accessToken" } as const satisfies Record<TokenUse, string>;
// Room for the scheme and a little slack: anything longer is an oversized token whatever it holds.
const maxCredentialsLength = maxTokenLength + 16;

/**
 * `Authorization: Bearer <token>`. The scheme is case-insensitive (RFC 7235); exactly one space follows it, and
 * the rest is the token verbatim, so the string verified is the string sent.
 */
function fromAuthorizationHeader(value: string): ExtractOutcome {
  if (value.length > maxCredentialsLength) return deny("token_too_large");
  if (value.length < 7 || value.slice(0, 7).toLowerCase() !== "bearer ") return deny("unsupported_scheme");
  const token = value.slice(7);
  return token === "" ? deny("no_token") : { ok: true, token, source: "authorizationHeader" };
}

interface CookieCandidate {
  readonly clientId: string;
  readonly user: string;
  readonly token: string;
}

function decodeCookieComponent(text: string): string {
  try {
    return decodeURIComponent(text);
  } catch {
    return text;
  }
}

/** Reads `name=value` pairs from every Cookie header entry. */
function* cookiePairs(headers: CloudFrontHeaders): Generator<[string, string]> {
  for (const entry of headers.cookie ?? []) {
    for (const pair of entry.value.split(";")) {
      const equals = pair.indexOf("=");
      if (equals > 0) yield [pair.slice(0, equals).trim(), pair.slice(equals + 1).trim()];
    }
  }
}

/**
 * Amplify stores `CognitoIdentityServiceProvider.<clientId>.<user>.idToken` (or `.accessToken`) and, beside it,
 * `CognitoIdentityServiceProvider.<clientId>.LastAuthUser`. With one token cookie, that is the token; with
 * several (several users signed in on one browser), LastAuthUser picks one, and otherwise the request is
 * ambiguous. Client ids have no dots, so the user is whatever lies between the client id and the suffix.
 */
function fromCookies(headers: CloudFrontHeaders, settings: TokenSourceSettings): ExtractOutcome | undefined {
  const suffix = cookieSuffix[settings.tokenUse];
  const candidates: CookieCandidate[] = [];
  const lastAuthUsers = new Map<string, string>();
  for (const [name, value] of cookiePairs(headers)) {
    if (!name.startsWith(cookiePrefix)) continue;
    for (const clientId of settings.clientIds) {
      const prefix = `${cookiePrefix}${clientId}.`;
      if (!name.startsWith(prefix)) continue;
      if (name === `${prefix}LastAuthUser`) lastAuthUsers.set(clientId, decodeCookieComponent(value));
      else if (name.endsWith(suffix) && name.length > prefix.length + suffix.length) {
        const user = decodeCookieComponent(name.slice(prefix.length, name.length - suffix.length));
        candidates.push({ clientId, user, token: value });
      }
    }
  }
  if (candidates.length === 0) return undefined;
  const chosen =
    candidates.length === 1 ? candidates : candidates.filter((c) => lastAuthUsers.get(c.clientId) === c.user);
  const [only, ...others] = chosen;
  if (only === undefined || others.length > 0) return deny("ambiguous_token");
  if (only.token.length > maxTokenLength) return deny("token_too_large");
  return { ok: true, token: only.token, source: "cookie" };
}

/**
 * The enabled sources are tried in a fixed order: a present Authorization header decides (a bad one is not
 * rescued by a cookie), otherwise the cookie.
 */
export function extractToken(headers: CloudFrontHeaders, settings: TokenSourceSettings): ExtractOutcome {
  if (settings.tokenSources.includes("authorizationHeader")) {
    const authorization = headers.authorization;
    if (authorization !== undefined && authorization.length > 0) {
      const [first, ...more] = authorization;
      if (first === undefined || more.length > 0) return deny("ambiguous_token");
      return fromAuthorizationHeader(first.value);
    }
  }
  if (settings.tokenSources.includes("cookie")) {
    const fromCookie = fromCookies(headers, settings);
    if (fromCookie !== undefined) return fromCookie;
  }
  return deny("no_token");
}
