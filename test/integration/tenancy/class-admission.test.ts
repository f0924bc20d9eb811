// SecuredContentClass admission against a real kube-apiserver: a bad class is refused when it is written, with
// the message the operator's parser gives for it, so no class the operator cannot read ever lands.
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { parseSecuredContentClass } from "../../../src/api/parse.ts";
import { kubectl } from "../../harness/kubectl.ts";
import { escapeRegExp, installCrd, kubectlWith, rejection } from "../api/kube.ts";
import { classObject } from "./fixtures.ts";

const valid = (): Record<string, unknown> => ({
  namespaces: { from: "Selector", selector: { matchLabels: { team: "learning" } } },
  buckets: { namePatterns: ["courses-*"] },
  userPools: ["us-east-1_AbCdEf123"],
});

const stored = (object: Record<string, unknown>): Record<string, unknown> => ({
  ...object,
  metadata: { ...(object["metadata"] as object), uid: "uid", resourceVersion: "1", generation: 1 },
});

const cases: { name: string; spec: (spec: Record<string, unknown>) => Record<string, unknown>; path: string; message: string }[] = [
  {
    name: "Selector with an empty selector",
    spec: (spec) => ({ ...spec, namespaces: { from: "Selector", selector: {} } }),
    path: "spec.namespaces.selector",
    message: "must have matchLabels or matchExpressions when from is Selector",
  },
  {
    name: "Selector without a selector",
    spec: (spec) => ({ ...spec, namespaces: { from: "Selector" } }),
    path: "spec.namespaces.selector",
    message: "must have matchLabels or matchExpressions when from is Selector",
  },
  {
    name: "a selector with from: All",
    spec: (spec) => ({ ...spec, namespaces: { from: "All", selector: { matchLabels: { team: "learning" } } } }),
    path: "spec.namespaces.selector",
    message: "is read only when from is Selector",
  },
  {
    name: "In without values",
    spec: (spec) => ({ ...spec, namespaces: { from: "Selector", selector: { matchExpressions: [{ key: "team", operator: "In" }] } } }),
    path: "spec.namespaces.selector.matchExpressions[0].values",
    message: "must list values for In and NotIn",
  },
  {
    name: "a pattern with uppercase and a character class",
    spec: (spec) => ({ ...spec, buckets: { namePatterns: ["Courses-[ab]*"] } }),
    path: "spec.buckets.namePatterns[0]",
    message: "may contain only lowercase letters, digits, dots (.), hyphens (-) and * (any run of characters)",
  },
  {
    name: "a pattern with **",
    spec: (spec) => ({ ...spec, buckets: { namePatterns: ["courses-**"] } }),
    path: "spec.buckets.namePatterns[0]",
    message: "must not contain **",
  },
  {
    name: "no bucket patterns",
    spec: (spec) => ({ ...spec, buckets: { namePatterns: [] } }),
    path: "spec.buckets.namePatterns",
    message: "must list at least one bucket name pattern",
  },
  {
    name: "no user pools",
    spec: (spec) => ({ ...spec, userPools: [] }),
    path: "spec.userPools",
    message: "must list at least one user pool",
  },
  {
    name: "a malformed user pool",
    spec: (spec) => ({ ...spec, userPools: ["not a pool"] }),
    path: "spec.userPools[0]",
    message: "must be a Cognito user pool id",
  },
  {
    name: "a wildcard alias suffix",
    spec: (spec) => ({ ...spec, domains: { aliasSuffixes: ["*.example.com"] } }),
    path: "spec.domains.aliasSuffixes[0]",
    message: "must be a lowercase domain name",
  },
  {
    name: "an external id without a role",
    spec: (spec) => ({ ...spec, aws: { externalId: "tenant-42" } }),
    path: "spec.aws.externalId",
    message: "is only used with roleArn",
  },
  {
    name: "a role without the edge functions' role of its account",
    spec: (spec) => ({ ...spec, aws: { roleArn: "arn:aws:iam::222222222222:role/securedcontent-class-tenant" } }),
    path: "spec.aws.edgeFunctionRoleArn",
    message: "goes with roleArn",
  },
  {
    name: "a role that is not an IAM role ARN",
    spec: (spec) => ({ ...spec, aws: { roleArn: "arn:aws:iam::123456789012:user/someone" } }),
    path: "spec.aws.roleArn",
    message: "must be the ARN of an IAM role",
  },
];

describe("admission of SecuredContentClasses", () => {
  const env = inject("harness");

  beforeAll(async () => {
    await installCrd(env);
  });

  afterAll(async () => {
    await kubectl(env, ["delete", "scbclass", "admission-valid", "--ignore-not-found"]);
  });

  it("accepts a valid class, cluster-scoped, and fills its defaults", async () => {
    const created = JSON.parse(await kubectlWith(env, ["create", "-o", "json"], classObject("admission-valid", valid()))) as {
      metadata: { namespace?: string };
      spec: { buckets: { ownerConsent: string }; domains: unknown };
    };
    expect(created.metadata.namespace).toBeUndefined();
    expect(created.spec.buckets.ownerConsent).toBe("Required");
    expect(created.spec.domains).toEqual({ aliasSuffixes: [], allowWildcardAliases: false, certificateArns: [] });
    expect(parseSecuredContentClass(stored(created as unknown as Record<string, unknown>)).ok).toBe(true);
  });

  it("refuses an unknown field", async () => {
    const object = classObject("unknown-field", { ...valid(), tenants: ["everyone"] });
    expect(await rejection(kubectlWith(env, ["create", "--dry-run=server", "--validate=strict"], object))).toMatch(/unknown field "spec\.tenants"/);
  });

  it.each(cases)("refuses $name with the parser's message", async ({ spec, path, message }) => {
    const object = classObject("invalid", spec(valid()));
    const error = await rejection(kubectlWith(env, ["create", "--dry-run=server"], object));
    expect(error).toMatch(new RegExp(`${escapeRegExp(path)}: Invalid value: [^\\n]*${escapeRegExp(message)}`));
    const parsed = parseSecuredContentClass(stored(object));
    expect(parsed.ok ? [] : parsed.error.issues.map((issue) => `${issue.path}: ${issue.message}`)).toContainEqual(expect.stringContaining(`${path}: ${message}`));
  });
});
