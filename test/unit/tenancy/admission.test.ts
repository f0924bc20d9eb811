// Admission by class: which class a resource gets, each rule that refuses it (named in the message, without
// naming anyone else's resource), and the class's defaults filled into the fields it leaves out.
import { describe, expect, it } from "vitest";
import { parseSecuredContentBucket, parseSecuredContentClass, type SecuredContentBucket, type SecuredContentClassSpecInput } from "../../../src/api/index.ts";
import { admit, type ClassEntry } from "../../../src/tenancy/admission.ts";

function bucketObject(spec: Record<string, unknown> = {}, distribution: Record<string, unknown> = {}, namespace = "learning") {
  return {
    apiVersion: "securedcontent.io/v1alpha1",
    kind: "SecuredContentBucket",
    metadata: { name: "courses", namespace, uid: "u-1", resourceVersion: "1", generation: 1 },
    spec: {
      bucket: { name: "courses-content", region: "us-east-1" },
      auth: { userPoolId: "us-east-1_Pool1", clientIds: ["client"], requiredGroups: ["paid"] },
      distribution,
      ...spec,
    },
  };
}

function parsed(raw: unknown): SecuredContentBucket {
  const result = parseSecuredContentBucket(raw);
  if (!result.ok) throw result.error;
  return result.value;
}

const baseClass: SecuredContentClassSpecInput = {
  namespaces: { from: "All" },
  buckets: { namePatterns: ["courses-*"] },
  userPools: ["us-east-1_Pool1"],
  domains: {
    aliasSuffixes: ["courses.example.com"],
    certificateArns: ["arn:aws:acm:us-east-1:111122223333:certificate/abc-123"],
  },
};

function classEntry(name: string, spec: SecuredContentClassSpecInput = baseClass, isDefault = false): ClassEntry {
  const result = parseSecuredContentClass({
    metadata: { name, uid: `uid-${name}`, resourceVersion: "1", generation: 1, ...(isDefault ? { annotations: { "securedcontent.io/is-default-class": "true" } } : {}) },
    spec,
  });
  if (!result.ok) throw result.error;
  return { name, annotations: result.value.metadata.annotations, spec: result.value.spec };
}

function run(raw: ReturnType<typeof bucketObject>, classes: readonly ClassEntry[], labels: Record<string, string> | undefined = { team: "learning" }) {
  return admit({ resource: parsed(raw), raw, classes, namespaceLabels: labels });
}

describe("choosing the class", () => {
  it("uses the class named in spec.className", () => {
    const result = run(bucketObject({ className: "courses" }), [classEntry("other", baseClass, true), classEntry("courses")]);
    expect(result).toMatchObject({ admitted: true, className: "courses", ownerConsent: "Required" });
  });

  it("uses the one default class when spec.className is left out", () => {
    expect(run(bucketObject(), [classEntry("plain"), classEntry("platform", baseClass, true)])).toMatchObject({ admitted: true, className: "platform" });
  });

  it("refuses NoClass without a class name and without a default class", () => {
    const result = run(bucketObject(), [classEntry("plain")]);
    expect(result).toMatchObject({ admitted: false, reason: "NoClass" });
    if (!result.admitted) expect(result.message).toContain("spec.className");
  });

  it("refuses NoClass when more than one class claims to be the default, naming them", () => {
    const result = run(bucketObject(), [classEntry("a", baseClass, true), classEntry("b", baseClass, true)]);
    expect(result).toMatchObject({ admitted: false, reason: "NoClass" });
    if (!result.admitted) expect(result.message).toContain("(a, b)");
  });

  it("refuses ClassNotFound for a class that does not exist", () => {
    expect(run(bucketObject({ className: "missing" }), [classEntry("a", baseClass, true)])).toMatchObject({ admitted: false, reason: "ClassNotFound" });
  });

  it("refuses ClassNotAccepted for a class that does not parse", () => {
    const broken: ClassEntry = { name: "broken", spec: undefined, invalid: "spec.userPools: must list at least one user pool" };
    const result = run(bucketObject({ className: "broken" }), [broken]);
    expect(result).toMatchObject({ admitted: false, reason: "ClassNotAccepted", className: "broken" });
  });
});

describe("the class's rules", () => {
  const selectorClass = (from: SecuredContentClassSpecInput["namespaces"]): ClassEntry => classEntry("courses", { ...baseClass, namespaces: from }, true);

  it.each([
    ["matchLabels", { matchLabels: { team: "learning" } }, true],
    ["matchLabels with another value", { matchLabels: { team: "media" } }, false],
    ["In", { matchExpressions: [{ key: "team", operator: "In", values: ["media", "learning"] }] }, true],
    ["NotIn", { matchExpressions: [{ key: "team", operator: "NotIn", values: ["learning"] }] }, false],
    ["Exists", { matchExpressions: [{ key: "team", operator: "Exists" }] }, true],
    ["DoesNotExist", { matchExpressions: [{ key: "team", operator: "DoesNotExist" }] }, false],
  ] as const)("selects namespaces by label: %s", (_name, selector, allowed) => {
    const result = run(bucketObject(), [selectorClass({ from: "Selector", selector: structuredClone(selector) as never })]);
    expect(result.admitted).toBe(allowed);
    if (!result.admitted) expect(result).toMatchObject({ reason: "NotAllowed", message: "class courses does not allow namespace learning: its labels do not match the class's namespace selector" });
  });

  it("refuses a namespace it cannot see the labels of when the class selects by label", () => {
    const raw = bucketObject();
    const classes = [selectorClass({ from: "Selector", selector: { matchLabels: { team: "learning" } } })];
    const result = admit({ resource: parsed(raw), raw, classes, namespaceLabels: undefined });
    expect(result).toMatchObject({ admitted: false, reason: "NotAllowed" });
  });

  it.each([
    ["a bucket outside the patterns", bucketObject({ bucket: { name: "payroll-exports", region: "us-east-1" } }), "class courses does not allow bucket payroll-exports: it allows buckets named courses-*"],
    ["a user pool it does not list", bucketObject({ auth: { userPoolId: "us-east-1_Mine", clientIds: ["c"], requiredGroups: ["g"] } }), "class courses does not allow user pool us-east-1_Mine"],
    [
      "an alias outside its suffixes",
      bucketObject({}, { aliases: ["login.example.com"], acmCertificateArn: "arn:aws:acm:us-east-1:111122223333:certificate/abc-123" }),
      "class courses does not allow alias login.example.com: aliases must be under courses.example.com",
    ],
    [
      "a name that only ends like a suffix",
      bucketObject({}, { aliases: ["evilcourses.example.com"], acmCertificateArn: "arn:aws:acm:us-east-1:111122223333:certificate/abc-123" }),
      "class courses does not allow alias evilcourses.example.com: aliases must be under courses.example.com",
    ],
    [
      "a wildcard alias",
      bucketObject({}, { aliases: ["*.courses.example.com"], acmCertificateArn: "arn:aws:acm:us-east-1:111122223333:certificate/abc-123" }),
      "class courses does not allow wildcard aliases such as *.courses.example.com",
    ],
    [
      "a certificate it does not list",
      bucketObject({}, { aliases: ["www.courses.example.com"], acmCertificateArn: "arn:aws:acm:us-east-1:444455556666:certificate/dead-beef" }),
      "class courses does not allow certificate arn:aws:acm:us-east-1:444455556666:certificate/dead-beef",
    ],
  ])("refuses NotAllowed %s, naming the rule", (_name, raw, message) => {
    expect(run(raw, [classEntry("courses", baseClass, true)])).toEqual({ admitted: false, reason: "NotAllowed", className: "courses", message });
  });

  it("allows aliases under a suffix, and wildcard aliases where the class allows them", () => {
    const certificate = "arn:aws:acm:us-east-1:111122223333:certificate/abc-123";
    const raw = bucketObject({}, { aliases: ["courses.example.com", "www.courses.example.com", "*.courses.example.com"], acmCertificateArn: certificate });
    const wildcards = classEntry("courses", { ...baseClass, domains: { ...baseClass.domains, allowWildcardAliases: true } }, true);
    expect(run(raw, [wildcards]).admitted).toBe(true);
  });

  it("matches user pools by pattern, for development classes", () => {
    const anyPool = classEntry("dev", { ...baseClass, userPools: ["*"] }, true);
    expect(run(bucketObject({ auth: { userPoolId: "eu-west-1_Other", clientIds: ["c"], requiredGroups: ["g"] } }), [anyPool]).admitted).toBe(true);
  });

  it("passes the class's consent setting on", () => {
    const waived = classEntry("platform", { ...baseClass, buckets: { namePatterns: ["*"], ownerConsent: "Waived" } }, true);
    expect(run(bucketObject(), [waived])).toMatchObject({ admitted: true, ownerConsent: "Waived" });
  });
});

describe("the class's defaults", () => {
  const logging = { bucket: "platform-cloudfront-logs", prefix: "courses/" };
  const webAclArn = "arn:aws:wafv2:us-east-1:111122223333:global/webacl/platform/0a1b2c3d";
  const withDefaults = classEntry("platform", { ...baseClass, defaults: { priceClass: "PriceClass_All", webAclArn, logging, deletionPolicy: "Retain" } }, true);

  it("fill the fields the resource leaves out", () => {
    const result = run(bucketObject(), [withDefaults]);
    if (!result.admitted) throw new Error(result.message);
    expect(result.spec.distribution).toMatchObject({ priceClass: "PriceClass_All", webAclArn, logging });
    expect(result.spec.deletionPolicy).toBe("Retain");
  });

  it("never override a field the resource sets, even to the value the parser would default to", () => {
    const ownAcl = "arn:aws:wafv2:us-east-1:111122223333:global/webacl/own/9f8e7d6c";
    const raw = bucketObject({ deletionPolicy: "Delete" }, { priceClass: "PriceClass_100", webAclArn: ownAcl, logging: { bucket: "own-cloudfront-logs" } });
    const result = run(raw, [withDefaults]);
    if (!result.admitted) throw new Error(result.message);
    expect(result.spec.distribution).toMatchObject({ priceClass: "PriceClass_100", webAclArn: ownAcl, logging: { bucket: "own-cloudfront-logs" } });
    expect(result.spec.deletionPolicy).toBe("Delete");
  });

  it("leave the parser's defaults when the class has none", () => {
    const result = run(bucketObject(), [classEntry("plain", baseClass, true)]);
    if (!result.admitted) throw new Error(result.message);
    expect(result.spec.distribution.priceClass).toBe("PriceClass_100");
    expect(result.spec.deletionPolicy).toBe("Delete");
  });
});
