// Parses a SecuredContentBucket read from the API server with the same schema the CRD is generated from.
import type { z } from "zod";
import { type SecuredContentBucket, securedContentBucketSchema } from "./secured-content-bucket.ts";
import { type SecuredContentClass, securedContentClassSchema } from "./secured-content-class.ts";

export interface SpecIssue {
  /** Field path such as `spec.auth.clientIds[0]`. */
  readonly path: string;
  readonly message: string;
}

/**
 * A resource the operator cannot act on. Terminal: retrying gives the same answer until the spec changes.
 * `terminal` and `reason` let the controller treat it like its own TerminalError without importing the API.
 */
export class InvalidSpecError extends Error {
  readonly code = "InvalidSpec";
  readonly reason = "InvalidSpec";
  readonly terminal = true;
  readonly issues: readonly SpecIssue[];

  constructor(issues: readonly SpecIssue[], kind = "SecuredContentBucket") {
    super(`invalid ${kind}: ${issues.map((issue) => `${issue.path}: ${issue.message}`).join("; ")}`);
    this.name = "InvalidSpecError";
    this.issues = issues;
  }
}

export type Parsed<T> = { readonly ok: true; readonly value: T } | { readonly ok: false; readonly error: InvalidSpecError };

export type ParseResult = Parsed<SecuredContentBucket>;

function formatPath(path: readonly PropertyKey[]): string {
  let formatted = "";
  for (const segment of path) {
    if (typeof segment === "number") formatted += `[${segment}]`;
    else formatted += formatted === "" ? String(segment) : `.${String(segment)}`;
  }
  return formatted === "" ? "(root)" : formatted;
}

const requiredMessage: z.core.$ZodErrorMap = (issue) =>
  issue.code === "invalid_type" && issue.input === undefined ? "is required" : undefined;

/** Parses and defaults an object with the schema; every problem is listed, each with its field path. */
function parseWith<T>(schema: z.ZodType<T>, kind: string, obj: unknown): Parsed<T> {
  const result = schema.safeParse(obj, { error: requiredMessage });
  if (result.success) return { ok: true, value: result.data };
  const seen = new Set<string>();
  const issues: SpecIssue[] = [];
  for (const issue of result.error.issues) {
    const specIssue = { path: formatPath(issue.path), message: issue.message };
    const key = `${specIssue.path}\n${specIssue.message}`;
    if (seen.has(key)) continue;
    seen.add(key);
    issues.push(specIssue);
  }
  return { ok: false, error: new InvalidSpecError(issues, kind) };
}

/** Parses and defaults a SecuredContentBucket; every problem is listed, each with its field path. */
export function parseSecuredContentBucket(obj: unknown): ParseResult {
  return parseWith(securedContentBucketSchema, "SecuredContentBucket", obj);
}

/** Parses and defaults a SecuredContentClass. */
export function parseSecuredContentClass(obj: unknown): Parsed<SecuredContentClass> {
  return parseWith(securedContentClassSchema, "SecuredContentClass", obj);
}
