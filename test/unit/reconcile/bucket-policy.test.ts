import { describe, expect, it } from "vitest";
import {
  cloudFrontReadStatement,
  desiredBucketPolicy,
  InvalidPolicyError,
  otherReaders,
  parsePolicy,
  policiesEquivalent,
  policyRefusal,
  policyStillPublic,
  policyWithoutStatement,
  sourceArnOf,
  type RefusalFacts,
  type Statement,
} from "../../../src/reconcile/bucket/policy-document.ts";
import { isPublicStatement } from "../../../src/reconcile/bucket/public-policy.ts";

const grant = { sid: "SecuredContentCloudFrontReadabc", bucket: "courses", distributionArn: "arn:aws:cloudfront::123456789012:distribution/E1" };
const publicRead: Statement = { Sid: "PublicRead", Effect: "Allow", Principal: "*", Action: "s3:GetObject", Resource: "arn:aws:s3:::courses/*" };
const adminAccess: Statement = {
  Sid: "Admins",
  Effect: "Allow",
  Principal: { AWS: "arn:aws:iam::123456789012:role/admin" },
  Action: ["s3:*"],
  Resource: ["arn:aws:s3:::courses", "arn:aws:s3:::courses/*"],
};

describe("isPublicStatement", () => {
  it.each([
    ["Principal *", publicRead, true],
    ['Principal {"AWS": "*"}', { ...publicRead, Principal: { AWS: "*" } }, true],
    ["AWS list containing *", { ...publicRead, Principal: { AWS: ["arn:aws:iam::1:root", "*"] } }, true],
    ["NotPrincipal with Allow", { Effect: "Allow", NotPrincipal: { AWS: "arn:aws:iam::1:root" }, Action: "s3:GetObject" }, true],
    ["a condition on a wildcard value", { ...publicRead, Condition: { StringLike: { "aws:SourceArn": "arn:aws:cloudfront::*" } } }, true],
    ["a wildcard pinned by aws:SourceAccount", { ...publicRead, Condition: { StringEquals: { "aws:SourceAccount": "123456789012" } } }, false],
    ["a named role", adminAccess, false],
    ["a service principal", cloudFrontReadStatement(grant), false],
    ["a Deny to everyone", { ...publicRead, Effect: "Deny" }, false],
  ] as const)("%s → public: %s", (_label, statement, expected) => {
    expect(isPublicStatement(statement as Statement)).toBe(expected);
  });
});

describe("desiredBucketPolicy", () => {
  it("adds the CloudFront statement, drops public statements and keeps the rest", () => {
    const current = parsePolicy(JSON.stringify({ Version: "2012-10-17", Statement: [publicRead, adminAccess] }));
    const { policy, removedPublic } = desiredBucketPolicy(current, grant);
    expect(policy.Statement).toEqual([adminAccess, cloudFrontReadStatement(grant)]);
    expect(removedPublic).toEqual([publicRead]);
  });

  it("keeps a statement limited to an office network by aws:SourceIp, which S3 does not consider public", () => {
    const office: Statement = { ...publicRead, Sid: "OfficeRead", Condition: { IpAddress: { "aws:SourceIp": "203.0.113.0/24" } } };
    const { policy, removedPublic } = desiredBucketPolicy({ Statement: [office, publicRead] }, grant);
    expect(policy.Statement).toEqual([office, cloudFrontReadStatement(grant)]);
    expect(removedPublic).toEqual([publicRead]);
  });

  it("removes a statement whose only condition is negated, which S3 would refuse under BlockPublicPolicy", () => {
    const notOurVpce: Statement = { ...publicRead, Sid: "NotFromVpce", Condition: { StringNotEquals: { "aws:SourceVpce": "vpce-1a2b3c4d" } } };
    const { policy, removedPublic } = desiredBucketPolicy({ Statement: [adminAccess, notOurVpce] }, grant);
    expect(policy.Statement).toEqual([adminAccess, cloudFrontReadStatement(grant)]);
    expect(removedPublic).toEqual([notOurVpce]);
  });

  it("starts a policy when the bucket has none", () => {
    const { policy } = desiredBucketPolicy(undefined, grant);
    expect(policy).toEqual({ Version: "2012-10-17", Statement: [cloudFrontReadStatement(grant)] });
  });

  it("replaces a stale statement of ours in place, e.g. after the distribution was recreated", () => {
    const stale = cloudFrontReadStatement({ ...grant, distributionArn: "arn:aws:cloudfront::123456789012:distribution/EOLD" });
    const current = { Version: "2012-10-17", Statement: [stale, adminAccess] };
    expect(desiredBucketPolicy(current, grant).policy.Statement).toEqual([cloudFrontReadStatement(grant), adminAccess]);
  });

  it("is a fixed point: the desired policy, read back as S3 might format it, needs no change", () => {
    const { policy } = desiredBucketPolicy({ Statement: [adminAccess] }, grant);
    const asReturned = JSON.parse(JSON.stringify(policy).replace('"Action":"s3:GetObject"', '"Action":["s3:GetObject"]')) as unknown;
    const reparsed = parsePolicy(JSON.stringify(asReturned));
    expect(policiesEquivalent(reparsed, policy)).toBe(true);
    expect(policiesEquivalent(desiredBucketPolicy(reparsed, grant).policy, reparsed)).toBe(true);
  });
});

describe("policiesEquivalent", () => {
  it("ignores list order and string-vs-list, but not a different ARN", () => {
    const a = { Version: "2012-10-17", Statement: [{ ...adminAccess, Action: ["s3:GetObject", "s3:ListBucket"] }] };
    const b = { Version: "2012-10-17", Statement: [{ ...adminAccess, Action: ["s3:ListBucket", "s3:GetObject"] }] };
    expect(policiesEquivalent(a, b)).toBe(true);
    const ours = { Statement: [cloudFrontReadStatement(grant)] };
    const other = { Statement: [cloudFrontReadStatement({ ...grant, distributionArn: "arn:aws:cloudfront::123456789012:distribution/E2" })] };
    expect(policiesEquivalent(ours, other)).toBe(false);
  });
});

describe("policyWithoutStatement", () => {
  it("removes only our statement, and returns undefined when nothing is left", () => {
    const ours = cloudFrontReadStatement(grant);
    expect(policyWithoutStatement({ Statement: [adminAccess, ours] }, grant.sid)).toEqual({ Statement: [adminAccess] });
    expect(policyWithoutStatement({ Statement: [ours] }, grant.sid)).toBeUndefined();
  });
});

describe("parsePolicy", () => {
  it("accepts a single statement object and rejects garbage with a typed error", () => {
    expect(parsePolicy(JSON.stringify({ Statement: publicRead })).Statement).toEqual([publicRead]);
    expect(() => parsePolicy("{not json")).toThrow(InvalidPolicyError);
    expect(() => parsePolicy(JSON.stringify({ Statement: [{ Effect: "Maybe" }] }))).toThrow(/unexpected shape/);
  });
});

describe("policyRefusal: a 403 AccessDenied from PutBucketPolicy", () => {
  const office: Statement = { ...publicRead, Sid: "OfficeRead", Condition: { IpAddress: { "aws:SourceIp": "203.0.113.0/24" } } };
  const ours = cloudFrontReadStatement(grant);
  const facts = (overrides: Partial<RefusalFacts>): RefusalFacts => ({
    bucket: "courses",
    attempted: [office, ours],
    stored: [office],
    blockPublicPolicy: true,
    storedPolicyPublic: true,
    ...overrides,
  });

  it("is Block Public Access refusing a statement S3 judges public although the rule keeps it, when S3 calls the current policy public", () => {
    const refusal = policyRefusal(facts({}));
    expect(refusal?.kind).toBe("public");
    expect(refusal?.message).toContain("S3 refused the policy for bucket courses");
    expect(refusal?.message).toContain('"OfficeRead" (it grants to Principal "*", but IpAddress aws:SourceIp limits it');
    expect(refusal?.message).not.toContain(grant.sid);
  });

  it("names a public statement by the rule, with its position in the current policy when it has no Sid", () => {
    const anonymousRead: Statement = { Effect: "Allow", Principal: "*", Action: "s3:GetObject", Resource: "arn:aws:s3:::courses/*" };
    const refusal = policyRefusal(facts({ attempted: [adminAccess, anonymousRead, ours], stored: [anonymousRead], storedPolicyPublic: undefined }));
    expect(refusal).toEqual({ kind: "public", message: expect.stringContaining("by S3's rule these statements are public: statement 1 (no Sid)") as string });
  });

  it("is IAM when BlockPublicPolicy is off", () => {
    expect(policyRefusal(facts({ blockPublicPolicy: false }))).toBeUndefined();
  });

  it("is IAM when the policy grants to fixed principals only", () => {
    expect(policyRefusal(facts({ attempted: [adminAccess, ours], stored: [adminAccess] }))).toBeUndefined();
  });

  it("is IAM when S3 judges the current policy, which holds the kept statements, not public", () => {
    expect(policyRefusal(facts({ storedPolicyPublic: false }))).toBeUndefined();
  });

  it("is uncertain when S3's verdict may be about a public statement being removed", () => {
    const refusal = policyRefusal(facts({ stored: [office, publicRead] }));
    expect(refusal?.kind).toBe("uncertain");
    expect(refusal?.message).toContain('"OfficeRead"');
  });
});

describe("policyStillPublic", () => {
  it("names the statements that rely on a condition", () => {
    const office: Statement = { ...publicRead, Sid: "OfficeRead", Condition: { IpAddress: { "aws:SourceIp": "203.0.113.0/24" } } };
    const message = policyStillPublic("courses", [office, adminAccess, cloudFrontReadStatement(grant)]);
    expect(message).toContain("S3 reports the policy of bucket courses as public");
    expect(message).toContain('"OfficeRead"');
    expect(message).not.toContain('"Admins"');
  });
});

describe("other readers", () => {
  const retained = cloudFrontReadStatement({ ...grant, sid: "SecuredContentCloudFrontReadold", distributionArn: "arn:aws:cloudfront::123456789012:distribution/EOLD" });
  const listOnly: Statement = { Sid: "ListOnly", Effect: "Allow", Principal: { AWS: "arn:aws:iam::123456789012:role/ci" }, Action: "s3:ListBucket", Resource: "arn:aws:s3:::courses" };
  const notWrite: Statement = { Effect: "Allow", Principal: { AWS: "arn:aws:iam::123456789012:role/ops" }, NotAction: "s3:Put*", Resource: "arn:aws:s3:::courses/*" };

  it("names, by Sid or position, every other statement that lets someone read objects, and never ours", () => {
    const policy = { Statement: [cloudFrontReadStatement(grant), retained, adminAccess, listOnly, notWrite, { ...adminAccess, Sid: "Denied", Effect: "Deny" as const }] };
    expect(otherReaders(policy, grant.sid)).toEqual(['"SecuredContentCloudFrontReadold"', '"Admins"', "statement 5 (no Sid)"]);
    expect(otherReaders({ Statement: [cloudFrontReadStatement(grant), listOnly] }, grant.sid)).toEqual([]);
  });

  it("reads the distribution a CloudFront grant is limited to", () => {
    expect(sourceArnOf(retained)).toBe("arn:aws:cloudfront::123456789012:distribution/EOLD");
    expect(sourceArnOf(adminAccess)).toBeUndefined();
  });

  it("replaces the statement the resource wrote under its old Sid only when it grants this very distribution", () => {
    const old = { ...cloudFrontReadStatement(grant), Sid: "SecuredContentCloudFrontReadlegacy" };
    const migrated = desiredBucketPolicy({ Statement: [old] }, { ...grant, replaces: old.Sid });
    expect(migrated.policy.Statement.map((s) => s.Sid)).toEqual([grant.sid]);
    const someoneElses = { ...retained, Sid: "SecuredContentCloudFrontReadlegacy" };
    const kept = desiredBucketPolicy({ Statement: [someoneElses] }, { ...grant, replaces: someoneElses.Sid });
    expect(kept.policy.Statement.map((s) => s.Sid)).toEqual([someoneElses.Sid, grant.sid]);
  });
});
