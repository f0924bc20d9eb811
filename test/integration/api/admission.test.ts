// The CRD's CEL rules against a real kube-apiserver: bad specs are rejected at admission, with the parser's message.
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { parseSecuredContentBucket } from "../../../src/api/parse.ts";
import { kubectl } from "../../harness/kubectl.ts";
import { exampleBucket, invalidSpecCases, minimalSpec, storedBucket } from "../../unit/api/spec-cases.ts";
import { createNamespace, deleteNamespace, escapeRegExp, installCrd, kubectlWith, rejection } from "./kube.ts";

const namespace = "api-admission";

function bucketWith(name: string, spec: Record<string, unknown>) {
  return { ...exampleBucket(), metadata: { name, namespace }, spec };
}

describe("admission of SecuredContentBuckets", () => {
  const env = inject("harness");

  beforeAll(async () => {
    await installCrd(env);
    await createNamespace(env, namespace);
  });

  afterAll(async () => {
    await deleteNamespace(env, namespace);
  });

  it("accepts a minimal spec", async () => {
    const admitted = await kubectlWith(env, ["create", "--dry-run=server", "-o", "json"], bucketWith("minimal", minimalSpec()));
    expect(JSON.parse(admitted)).toMatchObject({ metadata: { name: "minimal", namespace }, spec: minimalSpec() });
  });

  it.each(invalidSpecCases)("rejects $name with the same message as the parser", async ({ spec, path, message }) => {
    const resource = bucketWith("invalid", spec(minimalSpec()));
    const error = await rejection(kubectlWith(env, ["create", "--dry-run=server"], resource));
    expect(error).toMatch(new RegExp(`${escapeRegExp(path)}: Invalid value: [^\\n]*${escapeRegExp(message)}`));

    const parsed = parseSecuredContentBucket(storedBucket(resource));
    expect(parsed.ok ? [] : parsed.error.issues).toContainEqual({ path, message });
  });

  it("rejects a bucket name over 63 characters by its length limit, as the parser does", async () => {
    const spec = { ...minimalSpec(), bucket: { name: "a".repeat(64), region: "us-east-1" } };
    const resource = bucketWith("too-long", spec);
    expect(await rejection(kubectlWith(env, ["create", "--dry-run=server"], resource))).toMatch(
      /spec\.bucket\.name: Too long: may not be more than 63 bytes/,
    );
    const parsed = parseSecuredContentBucket(storedBucket(resource));
    expect(parsed.ok ? [] : parsed.error.issues).toContainEqual({ path: "spec.bucket.name", message: "must be 3 to 63 characters long" });
  });

  it("rejects duplicate client ids, as the parser does", async () => {
    const spec = minimalSpec();
    const resource = bucketWith("duplicates", { ...spec, auth: { ...(spec.auth as object), clientIds: ["abc", "abc"] } });
    expect(await rejection(kubectlWith(env, ["create", "--dry-run=server"], resource))).toMatch(/spec\.auth\.clientIds\[1\]: Duplicate value: "abc"/);
    const parsed = parseSecuredContentBucket(storedBucket(resource));
    expect(parsed.ok ? [] : parsed.error.issues).toContainEqual({ path: "spec.auth.clientIds", message: "must not contain duplicates" });
  });

  describe("of changes to an existing SecuredContentBucket", () => {
    beforeAll(async () => {
      await kubectlWith(env, ["create"], bucketWith("courses", minimalSpec()));
    });

    it("rejects a new bucket name", async () => {
      const patch = JSON.stringify({ spec: { bucket: { name: "other-courses-content" } } });
      const error = await rejection(kubectl(env, ["patch", "scb", "courses", "-n", namespace, "--type=merge", "-p", patch]));
      expect(error).toMatch(/spec\.bucket\.name: Invalid value: .*is immutable: a SecuredContentBucket always secures the same bucket/);
    });

    it("rejects a new bucket region", async () => {
      const patch = JSON.stringify({ spec: { bucket: { region: "eu-west-1" } } });
      const error = await rejection(kubectl(env, ["patch", "scb", "courses", "-n", namespace, "--type=merge", "-p", patch]));
      expect(error).toMatch(/spec\.bucket\.region: Invalid value: .*is immutable: it must stay the region the bucket lives in/);
    });

    it("accepts changes to every other field", async () => {
      const patch = JSON.stringify({
        spec: {
          auth: { userPoolId: "eu-west-1_XyZ987", requiredGroups: ["paid-students", "staff"], tokenUse: "access" },
          distribution: { priceClass: "PriceClass_All", cachePolicy: "CachingDisabled" },
          deletionPolicy: "Retain",
        },
      });
      await kubectl(env, ["patch", "scb", "courses", "-n", namespace, "--type=merge", "-p", patch]);
      const stored = JSON.parse(await kubectl(env, ["get", "scb", "courses", "-n", namespace, "-o", "json"])) as {
        metadata: { generation: number };
        spec: { auth: { requiredGroups: string[] }; deletionPolicy: string };
      };
      expect(stored.spec.auth.requiredGroups).toEqual(["paid-students", "staff"]);
      expect(stored.spec.deletionPolicy).toBe("Retain");
      expect(stored.metadata.generation).toBe(2);
    });
  });

  it("keeps conditions keyed by type: a second Ready condition is rejected", async () => {
    await kubectlWith(env, ["create"], bucketWith("conditions", minimalSpec()));
    const condition = { type: "Ready", status: "False", reason: "Reconciling", message: "", lastTransitionTime: "2025-01-01T00:00:00Z" };
    const patch = JSON.stringify({ status: { conditions: [condition, { ...condition, status: "True" }] } });
    const error = await rejection(
      kubectl(env, ["patch", "scb", "conditions", "-n", namespace, "--subresource=status", "--type=merge", "-p", patch]),
    );
    expect(error).toMatch(/status\.conditions\[1\]: Duplicate value/);
  });

  it("rejects a condition reason that is not CamelCase, as metav1.Condition does", async () => {
    await kubectlWith(env, ["create"], bucketWith("reasons", minimalSpec()));
    const condition = { type: "Ready", status: "False", reason: "not ready", message: "", lastTransitionTime: "2025-01-01T00:00:00Z" };
    const patch = JSON.stringify({ status: { conditions: [condition] } });
    const error = await rejection(
      kubectl(env, ["patch", "scb", "reasons", "-n", namespace, "--subresource=status", "--type=merge", "-p", patch]),
    );
    expect(error).toMatch(/status\.conditions\[0\]\.reason: Invalid value: "not ready"/);
  });
});
