// Token mutations for fuzzing: character edits, segment surgery, and other spellings of the same bytes.
import * as fc from "fast-check";

interface MutationFields {
  replace: { readonly at: number; readonly text: string };
  insert: { readonly at: number; readonly text: string };
  delete: { readonly at: number };
  truncate: { readonly at: number };
  append: { readonly text: string };
  prepend: { readonly text: string };
  swapPayload: { readonly donor: number };
  dropSegment: { readonly segment: number };
  duplicateSegment: { readonly segment: number };
  nonCanonicalTail: { readonly bits: number };
  whitespaceInSignature: { readonly at: number; readonly text: string };
  padSignature: object;
}
export type Mutation = { [K in keyof MutationFields]: { readonly kind: K } & MutationFields[K] }[keyof MutationFields];

const charArb = fc.oneof(
  fc.constantFrom("A", "a", "z", "0", "-", "_", "=", "+", "/", " ", "\n", "\t", ".", "é", "\u0000", "%", "\u2028"),
  fc.string({ minLength: 1, maxLength: 3 }),
);

export const mutationArb: fc.Arbitrary<Mutation> = fc.oneof(
  fc.record({ kind: fc.constant("replace"), at: fc.nat(), text: charArb }),
  fc.record({ kind: fc.constant("insert"), at: fc.nat(), text: charArb }),
  fc.record({ kind: fc.constant("delete"), at: fc.nat() }),
  fc.record({ kind: fc.constant("truncate"), at: fc.nat() }),
  fc.record({ kind: fc.constant("append"), text: fc.oneof(charArb, fc.constantFrom(".", "..", ".x", "==", " ", "\r\n")) }),
  fc.record({ kind: fc.constant("prepend"), text: fc.oneof(charArb, fc.constantFrom(".", " ", "\t")) }),
  fc.record({ kind: fc.constant("swapPayload"), donor: fc.nat() }),
  fc.record({ kind: fc.constant("dropSegment"), segment: fc.nat({ max: 2 }) }),
  fc.record({ kind: fc.constant("duplicateSegment"), segment: fc.nat({ max: 2 }) }),
  fc.record({ kind: fc.constant("nonCanonicalTail"), bits: fc.integer({ min: 1, max: 15 }) }),
  fc.record({ kind: fc.constant("whitespaceInSignature"), at: fc.nat(), text: fc.constantFrom(" ", "\n", "\t", "\r\n") }),
  fc.record({ kind: fc.constant("padSignature") }),
);

const alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

type MutationOf<K extends Mutation["kind"]> = MutationFields[K];

interface Parts {
  readonly token: string;
  readonly segments: readonly string[];
  /** Index of the signature's first character. */
  readonly signatureStart: number;
  readonly donors: readonly string[];
}

function position(at: number, length: number): number {
  return at % (length + 1);
}

function nonCanonicalTail({ token, signatureStart }: Parts, bits: number): string {
  // Same decoded bytes, different spelling: keep the used bits of the last character, set unused ones.
  const last = alphabet.indexOf(token.slice(-1));
  const unused = (token.length - signatureStart) % 4 === 2 ? 0x0f : 0x03;
  if (last < 0) return token;
  return token.slice(0, -1) + (alphabet[(last & ~unused) | (bits & unused)] ?? "");
}

const mutators: { [K in Mutation["kind"]]: (parts: Parts, mutation: MutationOf<K>) => string } = {
  replace: ({ token }, { at, text }) => token.slice(0, position(at, token.length)) + text + token.slice(position(at, token.length) + 1),
  insert: ({ token }, { at, text }) => token.slice(0, position(at, token.length)) + text + token.slice(position(at, token.length)),
  delete: ({ token }, { at }) => token.slice(0, position(at, token.length)) + token.slice(position(at, token.length) + 1),
  truncate: ({ token }, { at }) => token.slice(0, position(at, token.length)),
  append: ({ token }, { text }) => token + text,
  prepend: ({ token }, { text }) => text + token,
  swapPayload: ({ segments, donors }, { donor }) =>
    [segments[0], donors[donor % donors.length]?.split(".")[1] ?? "", ...segments.slice(2)].join("."),
  dropSegment: ({ segments }, { segment }) => segments.filter((_, index) => index !== segment).join("."),
  duplicateSegment: ({ segments }, { segment }) => [...segments.slice(0, segment + 1), ...segments.slice(segment)].join("."),
  nonCanonicalTail: (parts, { bits }) => nonCanonicalTail(parts, bits),
  whitespaceInSignature: ({ token, signatureStart }, { at, text }) => {
    const where = signatureStart + (at % Math.max(1, token.length - signatureStart));
    return token.slice(0, where) + text + token.slice(where);
  },
  padSignature: ({ token, signatureStart }) => ((token.length - signatureStart) % 4 === 2 ? `${token}==` : `${token}=`),
};

export function applyMutation(token: string, mutation: Mutation, donors: readonly string[]): string {
  const parts: Parts = { token, segments: token.split("."), signatureStart: token.lastIndexOf(".") + 1, donors };
  const mutate = mutators[mutation.kind] as (parts: Parts, mutation: Mutation) => string;
  return mutate(parts, mutation);
}
