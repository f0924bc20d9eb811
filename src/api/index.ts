// The SecuredContentBucket and SecuredContentClass APIs: schemas, inferred types, names and the parsers the controller uses.
export * from "./constants.ts";
export type { CelRule, KubernetesValidation } from "./cel-rule.ts";
export * from "./spec.ts";
export * from "./status.ts";
export * from "./secured-content-bucket.ts";
export * from "./secured-content-class.ts";
export * from "./parse.ts";
export { managedCachePolicies, managedCachePolicyIds, type ManagedCachePolicy } from "./rules.ts";
