// Admission of a SecuredContentBucket by its class: a pure function of the resource, the classes and its
// namespace's labels. It runs before any AWS call; a refusal names the class and the rule that refused, never
// another tenant's resource.
import {
  defaultClassAnnotation,
  type OwnerConsent,
  type SecuredContentBucket,
  type SecuredContentBucketSpec,
  type SecuredContentClassSpec,
} from "../api/index.ts";
import { isUnderDomain, matchesPattern } from "./patterns.ts";
import { selectorMatches } from "./selector.ts";

/** A class as admission sees it: its spec, or why it cannot be used. */
export interface ClassEntry {
  readonly name: string;
  readonly annotations?: Readonly<Record<string, string>> | undefined;
  /** Undefined when the class does not parse; `invalid` then says why. */
  readonly spec: SecuredContentClassSpec | undefined;
  readonly invalid?: string;
}

export interface AdmissionInput {
  /** The resource as parsed (with the parser's defaults). */
  readonly resource: SecuredContentBucket;
  /** The resource as stored, to tell a field the user set from one the parser defaulted. */
  readonly raw: unknown;
  readonly classes: readonly ClassEntry[];
  /** The labels of the resource's namespace; undefined when the namespace is not known. */
  readonly namespaceLabels: Readonly<Record<string, string>> | undefined;
}

export const refusalReasons = {
  noClass: "NoClass",
  classNotFound: "ClassNotFound",
  classNotAccepted: "ClassNotAccepted",
  notAllowed: "NotAllowed",
} as const;

export type RefusalReason = (typeof refusalReasons)[keyof typeof refusalReasons];

export type Admission =
  | {
      readonly admitted: true;
      readonly className: string;
      /** The resource's spec with the class's defaults filled into the fields it leaves out. */
      readonly spec: SecuredContentBucketSpec;
      readonly ownerConsent: OwnerConsent;
      /** The AWS identity the class names; undefined for the operator's own. */
      readonly aws: SecuredContentClassSpec["aws"];
    }
  | {
      readonly admitted: false;
      readonly reason: RefusalReason;
      readonly message: string;
      /** The class the resource resolved to, if it resolved to one. */
      readonly className?: string;
    };

export function isDefaultClass(entry: Pick<ClassEntry, "annotations">): boolean {
  return entry.annotations?.[defaultClassAnnotation] === "true";
}

type Resolved = { readonly entry: ClassEntry } | { readonly reason: RefusalReason; readonly message: string };

/** The class a resource uses: the one it names, else the one default class. */
export function resolveClass(className: string | undefined, classes: readonly ClassEntry[]): Resolved {
  if (className !== undefined) {
    const entry = classes.find((candidate) => candidate.name === className);
    if (entry === undefined) {
      return { reason: refusalReasons.classNotFound, message: `SecuredContentClass ${className} does not exist; ask the platform team which class to use` };
    }
    return { entry };
  }
  const defaults = classes.filter(isDefaultClass);
  const [only, ...others] = defaults;
  if (only === undefined) {
    return {
      reason: refusalReasons.noClass,
      message: `spec.className is not set and no SecuredContentClass is annotated ${defaultClassAnnotation}: "true"; set spec.className to a class the platform team provides`,
    };
  }
  if (others.length > 0) {
    return {
      reason: refusalReasons.noClass,
      message:
        `spec.className is not set and ${String(defaults.length)} SecuredContentClasses are annotated as the default ` +
        `(${defaults.map((entry) => entry.name).join(", ")}); set spec.className, or the platform team keeps one default`,
    };
  }
  return { entry: only };
}

/** Admits the resource, or says which rule of which class refuses it. */
export function admit(input: AdmissionInput): Admission {
  const { resource } = input;
  const resolved = resolveClass(resource.spec.className, input.classes);
  if ("reason" in resolved) return { admitted: false, reason: resolved.reason, message: resolved.message };
  const { entry } = resolved;
  if (entry.spec === undefined) {
    return {
      admitted: false,
      reason: refusalReasons.classNotAccepted,
      className: entry.name,
      message: `SecuredContentClass ${entry.name} is not valid (${entry.invalid ?? "see its Accepted condition"}); the platform team must fix it`,
    };
  }
  const broken = brokenRule(entry.name, entry.spec, resource, input.namespaceLabels);
  if (broken !== undefined) return { admitted: false, reason: refusalReasons.notAllowed, className: entry.name, message: broken };
  return { admitted: true, className: entry.name, spec: withClassDefaults(resource.spec, entry.spec, input.raw), ownerConsent: entry.spec.buckets.ownerConsent, aws: entry.spec.aws };
}

/** The first rule of the class the resource breaks, as a message, or undefined when it breaks none. */
export function brokenRule(
  className: string,
  classSpec: SecuredContentClassSpec,
  resource: SecuredContentBucket,
  namespaceLabels: Readonly<Record<string, string>> | undefined,
): string | undefined {
  const { spec } = resource;
  const namespace = resource.metadata.namespace;
  const { namespaces, buckets, userPools, domains } = classSpec;
  if (namespaces.from === "Selector" && (namespaceLabels === undefined || namespaces.selector === undefined || !selectorMatches(namespaces.selector, namespaceLabels))) {
    return `class ${className} does not allow namespace ${namespace}: its labels do not match the class's namespace selector`;
  }
  if (!buckets.namePatterns.some((pattern) => matchesPattern(pattern, spec.bucket.name))) {
    return `class ${className} does not allow bucket ${spec.bucket.name}: it allows buckets named ${buckets.namePatterns.join(", ")}`;
  }
  if (!userPools.some((pattern) => matchesPattern(pattern, spec.auth.userPoolId))) {
    return `class ${className} does not allow user pool ${spec.auth.userPoolId}`;
  }
  for (const alias of spec.distribution.aliases) {
    const wildcard = alias.startsWith("*.");
    if (wildcard && !domains.allowWildcardAliases) return `class ${className} does not allow wildcard aliases such as ${alias}`;
    const name = wildcard ? alias.slice(2) : alias;
    if (!domains.aliasSuffixes.some((suffix) => isUnderDomain(name, suffix))) {
      return domains.aliasSuffixes.length === 0
        ? `class ${className} does not allow aliases (${alias})`
        : `class ${className} does not allow alias ${alias}: aliases must be under ${domains.aliasSuffixes.join(", ")}`;
    }
  }
  const certificate = spec.distribution.acmCertificateArn;
  if (certificate !== undefined && !domains.certificateArns.includes(certificate)) {
    return `class ${className} does not allow certificate ${certificate}`;
  }
  return undefined;
}

/** Whether the stored object has a value at `path` (the API server does not default the fields a class can). */
function isSet(raw: unknown, path: readonly string[]): boolean {
  let node: unknown = raw;
  for (const key of path) {
    if (typeof node !== "object" || node === null || !Object.hasOwn(node, key)) return false;
    node = (node as Record<string, unknown>)[key];
  }
  return node !== undefined && node !== null;
}

/** The spec with the class's defaults in the optional fields the stored object leaves out. */
export function withClassDefaults(spec: SecuredContentBucketSpec, classSpec: SecuredContentClassSpec, raw: unknown): SecuredContentBucketSpec {
  const defaults = classSpec.defaults;
  if (defaults === undefined) return spec;
  const distribution = { ...spec.distribution };
  if (defaults.priceClass !== undefined && !isSet(raw, ["spec", "distribution", "priceClass"])) distribution.priceClass = defaults.priceClass;
  if (defaults.webAclArn !== undefined && distribution.webAclArn === undefined) distribution.webAclArn = defaults.webAclArn;
  if (defaults.logging !== undefined && distribution.logging === undefined) distribution.logging = { ...defaults.logging };
  const deletionPolicy = defaults.deletionPolicy !== undefined && !isSet(raw, ["spec", "deletionPolicy"]) ? defaults.deletionPolicy : spec.deletionPolicy;
  return { ...spec, distribution, deletionPolicy };
}
