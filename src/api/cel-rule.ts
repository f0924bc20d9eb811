// A validation rule written once and enforced twice: as CEL by the API server, and in TypeScript by the parser.
import type { z } from "zod";

/**
 * One `x-kubernetes-validations` entry plus the same rule as a TypeScript predicate, so admission and the
 * controller's own parse can never disagree. Transition rules (those reading `oldSelf`) have no predicate:
 * only the API server sees the old object.
 */
export interface CelRule<T> {
  /** CEL expression evaluated by the API server with `self` bound to the field. */
  readonly rule: string;
  /** Shown after the field path, e.g. `spec.bucket.name: Invalid value: "string": <message>`. */
  readonly message: string;
  /** Where the error points, relative to `self`, e.g. `.acmCertificateArn`. */
  readonly fieldPath?: string;
  /** The same rule in TypeScript; absent for transition rules. */
  readonly holds?: (value: T) => boolean;
}

/** The JSON the CRD carries for a rule. */
export interface KubernetesValidation {
  readonly rule: string;
  readonly message: string;
  readonly fieldPath?: string;
}

const celQuotable = /^[^'\\\n]*$/;

function quoted(literal: string): string {
  // Rules stay readable by never needing escapes, in CEL or in the YAML around it.
  if (!celQuotable.test(literal)) throw new Error(`CEL literal ${literal} must not contain quotes, backslashes or newlines`);
  return `'${literal}'`;
}

/** The value must match an RE2-compatible pattern (also valid as a JavaScript RegExp). */
export function mustMatch(pattern: string, message: string): CelRule<string> {
  const regex = new RegExp(pattern, "u");
  return { rule: `self.matches(${quoted(pattern)})`, message, holds: (value) => regex.test(value) };
}

/** The value must not match the pattern. */
export function mustNotMatch(pattern: string, message: string): CelRule<string> {
  const regex = new RegExp(pattern, "u");
  return { rule: `!self.matches(${quoted(pattern)})`, message, holds: (value) => !regex.test(value) };
}

/** The value must not start with any of the prefixes. */
export function mustNotStartWith(prefixes: readonly string[], message: string): CelRule<string> {
  return {
    rule: prefixes.map((prefix) => `!self.startsWith(${quoted(prefix)})`).join(" && "),
    message,
    holds: (value) => prefixes.every((prefix) => !value.startsWith(prefix)),
  };
}

/** The value must not end with any of the suffixes. */
export function mustNotEndWith(suffixes: readonly string[], message: string): CelRule<string> {
  return {
    rule: suffixes.map((suffix) => `!self.endsWith(${quoted(suffix)})`).join(" && "),
    message,
    holds: (value) => suffixes.every((suffix) => !value.endsWith(suffix)),
  };
}

/** A transition rule: once set, the field never changes. */
export function immutable(message: string): CelRule<unknown> {
  return { rule: "self == oldSelf", message };
}

function zodPath(fieldPath: string | undefined): string[] | undefined {
  return fieldPath?.split(".").filter((segment) => segment !== "");
}

/** Attaches the rules to a schema: as refinements for parsing, and as metadata for the CRD generator. */
export function withRules<T extends z.ZodType>(schema: T, rules: readonly CelRule<z.output<T>>[]): T {
  let checked = schema;
  for (const { holds, message, fieldPath } of rules) {
    if (holds === undefined) continue;
    const path = zodPath(fieldPath);
    checked = checked.refine(holds, path === undefined ? { error: message } : { error: message, path });
  }
  const added = rules.map(({ rule, message, fieldPath }): KubernetesValidation =>
    fieldPath === undefined ? { rule, message } : { rule, message, fieldPath },
  );
  // Metadata merges shallowly, so rules attached earlier (to a shared base schema) are carried over by hand.
  const earlier: unknown = schema.meta()?.["x-kubernetes-validations"];
  const validations = Array.isArray(earlier) ? [...(earlier as KubernetesValidation[]), ...added] : added;
  return checked.meta({ "x-kubernetes-validations": validations });
}
