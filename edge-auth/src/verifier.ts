// Token verification: strict parse, header rules, a synchronous RS256 check on a pre-imported key, then claims.
import { verifySignature } from "./builtins.ts";
import { checkClaims, type ClaimPolicy } from "./claims.ts";
import { deny, type Denial } from "./errors.ts";
import { checkHeader, decodeJsonSegment, parseCompactJws, type JsonObject, type ParsedJws } from "./jws.ts";
import type { KeyStore, VerificationKey } from "./keys.ts";

export type VerifyOutcome = { readonly ok: true; readonly claims: JsonObject } | Denial;

export interface Verifier {
  /** Synchronous when the kid is known (the hot path); a promise only while an unknown kid is looked up. */
  verify(token: string): VerifyOutcome | Promise<VerifyOutcome>;
}

export function createVerifier(policy: ClaimPolicy, keys: KeyStore, now: () => number): Verifier {
  function verifyWithKey(jws: ParsedJws, key: VerificationKey): VerifyOutcome {
    // RS256 signatures are exactly as long as the modulus (RFC 8017 §8.2.2); shorter spellings are refused.
    if (jws.signature.length !== key.signatureBytes) return deny("bad_signature");
    let valid: boolean;
    try {
      valid = verifySignature("sha256", Buffer.from(jws.signingInput, "latin1"), key.key, jws.signature);
    } catch {
      valid = false;
    }
    if (!valid) return deny("bad_signature");
    const claims = decodeJsonSegment(jws.payloadSegment);
    if (claims === undefined) return deny("malformed");
    const reason = checkClaims(claims, policy, Math.floor(now() / 1000));
    return reason === undefined ? { ok: true, claims } : deny(reason);
  }

  async function verifyWithFetchedKey(jws: ParsedJws, kid: string): Promise<VerifyOutcome> {
    await keys.refreshFor(kid);
    const key = keys.get(kid);
    return key === undefined ? deny("unknown_kid") : verifyWithKey(jws, key);
  }

  return {
    verify: (token) => {
      const parsed = parseCompactJws(token);
      if (!parsed.ok) return parsed;
      const header = checkHeader(parsed.jws.header);
      if (!header.ok) return header;
      const key = keys.get(header.kid);
      return key === undefined ? verifyWithFetchedKey(parsed.jws, header.kid) : verifyWithKey(parsed.jws, key);
    },
  };
}
