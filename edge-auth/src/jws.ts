// Strict compact-JWS parsing: three canonical base64url segments, a JSON-object header and payload.
import { deny, type Denial } from "./errors.ts";

/** Tokens longer than this are rejected before any parsing. Cognito tokens are 1–2 KB. */
export const maxTokenLength = 8192;

export type JsonObject = Record<string, unknown>;

/** A compact JWS whose structure is sound; nothing about it is trusted yet. */
export interface ParsedJws {
  readonly header: JsonObject;
  /** `<header>.<payload>` as sent: the bytes the signature covers. */
  readonly signingInput: string;
  readonly payloadSegment: string;
  readonly signature: Buffer;
}

// Exactly three non-empty segments of the base64url alphabet: no padding, whitespace or other characters.
const compactJwsPattern = /^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$/;

const utf8 = new TextDecoder("utf-8", { fatal: true });

function sextet(code: number): number {
  if (code >= 65 && code <= 90) return code - 65; // A-Z
  if (code >= 97 && code <= 122) return code - 71; // a-z
  if (code >= 48 && code <= 57) return code + 4; // 0-9
  return code === 45 ? 62 : 63; // "-" or "_": the pattern allows nothing else
}

/**
 * A segment is canonical when it is the only encoding of its bytes: a length that is not 1 mod 4, and zero
 * bits left over in the last character. Lenient decoders accept other spellings of the same signature.
 */
function isCanonical(segment: string): boolean {
  const rest = segment.length % 4;
  if (rest === 0) return true;
  if (rest === 1) return false;
  const unusedBits = rest === 2 ? 0x0f : 0x03;
  return (sextet(segment.charCodeAt(segment.length - 1)) & unusedBits) === 0;
}

/** Decodes a canonical base64url segment as a UTF-8 JSON object, or returns undefined. */
export function decodeJsonSegment(segment: string): JsonObject | undefined {
  if (!isCanonical(segment)) return undefined;
  let value: unknown;
  try {
    value = JSON.parse(utf8.decode(Buffer.from(segment, "base64url")));
  } catch {
    return undefined;
  }
  return typeof value === "object" && value !== null && !Array.isArray(value) ? (value as JsonObject) : undefined;
}

export type ParseOutcome = { readonly ok: true; readonly jws: ParsedJws } | Denial;

/** Parses the structure and the header. The payload is decoded only after the signature verifies. */
export function parseCompactJws(token: string): ParseOutcome {
  if (token.length > maxTokenLength) return deny("token_too_large");
  if (!compactJwsPattern.test(token)) return deny("malformed");
  const firstDot = token.indexOf(".");
  const secondDot = token.indexOf(".", firstDot + 1);
  const signatureSegment = token.slice(secondDot + 1);
  const header = decodeJsonSegment(token.slice(0, firstDot));
  if (header === undefined || !isCanonical(signatureSegment)) return deny("malformed");
  return {
    ok: true,
    jws: {
      header,
      signingInput: token.slice(0, secondDot),
      payloadSegment: token.slice(firstDot + 1, secondDot),
      signature: Buffer.from(signatureSegment, "base64url"),
    },
  };
}

// Members that would let a token name its own key. They are never read; their presence alone denies.
const keyMaterialMembers = ["jku", "jwk", "x5u", "x5c"] as const;

export type HeaderOutcome = { readonly ok: true; readonly kid: string } | Denial;

/** Checks the protected header: RS256 only, no critical extensions, no embedded keys, a string kid. */
export function checkHeader(header: JsonObject): HeaderOutcome {
  if (header.alg !== "RS256") return deny("alg_not_allowed");
  if (Object.hasOwn(header, "crit")) return deny("crit_not_supported");
  for (const member of keyMaterialMembers) {
    if (Object.hasOwn(header, member)) return deny("header_key_material");
  }
  const kid = header.kid;
  if (typeof kid !== "string") return deny("kid_missing");
  return { ok: true, kid };
}
