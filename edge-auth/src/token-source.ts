// Finds the token a request presents: an Authorization Bearer header, or the Cognito/Amplify token cookies; and
// takes the Cognito cookies off the request forwarded to the origin.
import type { TokenSource, TokenUse } from "./config.ts";
import { deny, type Denial } from "./errors.ts";
import type { CloudFrontHeader, CloudFrontHeaders } from "./event.ts";
import { maxTokenLength } from "./jws.ts";

export interface TokenSourceSettings {
  readonly tokenSources: readonly TokenSource[];
  readonly clientIds: readonly string[];
  readonly tokenUse: TokenUse;
}

/**
 * The token to verify. `alternates` (cookies only) are the tokens of other configured app clients, in config
 * order, tried when `token` is refused.
 */
export type ExtractOutcome =
  | { readonly ok: true; readonly token: string; readonly alternates?: readonly string[]; readonly source: TokenSource }
  | Denial;

const cookiePrefix = "CognitoIdentityServiceProvider.";
const cookieSuffix = { id: ".idToken", access: ".accessToken" } as const satisfies Record<TokenUse, string>;
const lastAuthUserName = "LastAuthUser";
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

function decodeCookieComponent(text: string): string {
  try {
    return decodeURIComponent(text);
  } catch {
    return text;
  }
}

/** RFC 6265 §4.1.1 lets a cookie value be wrapped in DQUOTEs, which are not part of the value. */
function unquote(value: string): string {
  return value.length >= 2 && value.startsWith('"') && value.endsWith('"') ? value.slice(1, -1) : value;
}

/** Reads `name=value` pairs from every Cookie header entry. */
function* cookiePairs(headers: CloudFrontHeaders): Generator<[string, string]> {
  for (const entry of headers.cookie ?? []) {
    for (const pair of entry.value.split(";")) {
      const equals = pair.indexOf("=");
      if (equals > 0) yield [pair.slice(0, equals).trim(), unquote(pair.slice(equals + 1).trim())];
    }
  }
}

/** What the cookies say for one app client: its users' token cookies and its LastAuthUser. */
interface ClientCookies {
  readonly tokens: Map<string, string>;
  lastAuthUser?: string;
}

/** The configured client a Cognito cookie name belongs to, and the rest of the name after `<clientId>.`. */
function splitCookieName(name: string, clientIds: readonly string[]): [clientId: string, rest: string] | undefined {
  for (const clientId of clientIds) {
    const prefix = `${cookiePrefix}${clientId}.`;
    if (name.startsWith(prefix)) return [clientId, name.slice(prefix.length)];
  }
  return undefined;
}

/** Records one cookie of a client; false when it repeats one already seen (which of the two counts is unknown). */
function recordCookie(client: ClientCookies, rest: string, value: string, suffix: string): boolean {
  if (rest === lastAuthUserName) {
    if (client.lastAuthUser !== undefined) return false;
    client.lastAuthUser = decodeCookieComponent(value);
    return true;
  }
  if (rest.length <= suffix.length || !rest.endsWith(suffix)) return true;
  const user = decodeCookieComponent(rest.slice(0, rest.length - suffix.length));
  if (client.tokens.has(user)) return false;
  client.tokens.set(user, value);
  return true;
}

/**
 * Amplify stores `CognitoIdentityServiceProvider.<clientId>.<user>.idToken` (or `.accessToken`) and, beside it,
 * `CognitoIdentityServiceProvider.<clientId>.LastAuthUser`. Per client: one token cookie is the token; with
 * several (several users signed in on one browser), LastAuthUser picks one, and otherwise the request is
 * ambiguous. A repeated token cookie or LastAuthUser is refused. Across clients, each client's token is a
 * candidate, in config order. Client ids have no dots, so the user is whatever lies between the client id and
 * the suffix.
 */
function fromCookies(headers: CloudFrontHeaders, settings: TokenSourceSettings): ExtractOutcome | undefined {
  const suffix = cookieSuffix[settings.tokenUse];
  const clients = new Map<string, ClientCookies>();
  for (const [name, value] of cookiePairs(headers)) {
    const split = name.startsWith(cookiePrefix) ? splitCookieName(name, settings.clientIds) : undefined;
    if (split === undefined) continue;
    const [clientId, rest] = split;
    let client = clients.get(clientId);
    if (client === undefined) {
      client = { tokens: new Map() };
      clients.set(clientId, client);
    }
    if (!recordCookie(client, rest, value, suffix)) return deny("duplicate_cookie");
  }
  const tokens: string[] = [];
  for (const clientId of settings.clientIds) {
    const client = clients.get(clientId);
    if (client === undefined || client.tokens.size === 0) continue;
    const [only, ...others] = client.tokens.values();
    const token = others.length === 0 ? only : client.tokens.get(client.lastAuthUser ?? "");
    if (token === undefined) return deny("ambiguous_token");
    if (token.length > maxTokenLength) return deny("token_too_large");
    tokens.push(token);
  }
  const [token, ...alternates] = tokens;
  if (token === undefined) return undefined;
  return alternates.length === 0 ? { ok: true, token, source: "cookie" } : { ok: true, token, alternates, source: "cookie" };
}

/**
 * The Cookie header entries without any Cognito/Amplify cookie (every name under `CognitoIdentityServiceProvider.`,
 * whatever the client: tokens, refresh token, LastAuthUser, device data), for the request forwarded to the
 * origin. Entries without one are kept as they are; entries left empty are dropped.
 */
export function withoutCognitoCookies(entries: readonly CloudFrontHeader[]): CloudFrontHeader[] {
  const kept: CloudFrontHeader[] = [];
  for (const entry of entries) {
    if (!entry.value.includes(cookiePrefix)) {
      kept.push(entry);
      continue;
    }
    const pairs = entry.value
      .split(";")
      .map((pair) => pair.trim())
      .filter((pair) => pair !== "" && !pair.startsWith(cookiePrefix));
    if (pairs.length > 0) kept.push({ ...entry, value: pairs.join("; ") });
  }
  return kept;
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
