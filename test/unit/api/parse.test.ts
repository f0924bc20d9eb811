// The parser the controller runs on every CR: defaults, typed results, and InvalidSpec errors naming each field.
import { describe, expect, it } from "vitest";
import { InvalidSpecError, parseSecuredContentBucket } from "../../../src/api/parse.ts";
import { exampleBucket, invalidSpecCases, minimalSpec, storedBucket } from "./spec-cases.ts";

function withSpec(spec: Record<string, unknown>) {
  return storedBucket({ ...exampleBucket(), spec });
}

describe("parseSecuredContentBucket", () => {
  it("accepts the example and types it", () => {
    const result = parseSecuredContentBucket(storedBucket());
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    expect(result.value.metadata).toMatchObject({ name: "courses", namespace: "learning", generation: 1 });
    expect(result.value.spec.bucket).toEqual({ name: "simple-aws-courses-content", region: "us-east-1" });
    expect(result.value.spec.auth.requiredGroups).toEqual(["paid-students"]);
    expect(result.value.spec.export?.configMapName).toBe("courses-content");
  });

  it("fills in every default of a minimal spec", () => {
    const result = parseSecuredContentBucket(withSpec(minimalSpec()));
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    expect(result.value.spec.auth.tokenUse).toBe("id");
    expect(result.value.spec.auth.tokenSources).toEqual(["authorizationHeader", "cookie"]);
    expect(result.value.spec.distribution).toEqual({
      priceClass: "PriceClass_100",
      aliases: [],
      cachePolicy: "CachingOptimized",
      compress: true,
    });
    expect(result.value.spec.deletionPolicy).toBe("Delete");
    expect(result.value.spec.export).toBeUndefined();
  });

  it("keeps values that differ from the defaults", () => {
    const spec = {
      ...minimalSpec(),
      auth: { ...(minimalSpec().auth as object), tokenUse: "access", tokenSources: ["cookie"] },
      distribution: {
        priceClass: "PriceClass_All",
        aliases: ["courses.example.com", "*.courses.example.com"],
        acmCertificateArn: "arn:aws:acm:us-east-1:123456789012:certificate/0b1c2d3e-4f5a-6b7c-8d9e-0f1a2b3c4d5e",
        cachePolicy: "658327ea-f89d-4fab-a63d-7e88639e58f6",
        compress: false,
        logging: { bucket: "simple-aws-courses-logs", prefix: "cloudfront/" },
      },
      deletionPolicy: "Retain",
    };
    const result = parseSecuredContentBucket(withSpec(spec));
    expect(result.ok && result.value.spec).toMatchObject(spec);
  });

  it("leaves cors out unless given, and fills in its defaults when it is", () => {
    const without = parseSecuredContentBucket(withSpec(minimalSpec()));
    expect(without.ok && without.value.spec.cors).toBeUndefined();
    const origins = ["https://app.example.com", "https://courses.example.com:8443", "http://localhost:5173", "http://127.0.0.1:3000", "http://[::1]", "https://[::1]:8443"];
    const result = parseSecuredContentBucket(withSpec({ ...minimalSpec(), cors: { allowedOrigins: origins } }));
    expect(result.ok && result.value.spec.cors).toEqual({ allowedOrigins: origins, allowCredentials: false, maxAgeSeconds: 600 });
  });

  it.each([
    ["21 origins", { allowedOrigins: Array.from({ length: 21 }, (_, i) => `https://app${i}.example.com`) }, "spec.cors.allowedOrigins"],
    ["a repeated origin", { allowedOrigins: ["https://app.example.com", "https://app.example.com"] }, "spec.cors.allowedOrigins"],
    ["an origin over 267 characters", { allowedOrigins: [`https://${["a", "b", "c", "d"].map((label) => label.repeat(63)).join(".")}.example.com`] }, "spec.cors.allowedOrigins[0]"],
    ["a max age over a day", { allowedOrigins: ["https://app.example.com"], maxAgeSeconds: 86_401 }, "spec.cors.maxAgeSeconds"],
    ["a negative max age", { allowedOrigins: ["https://app.example.com"], maxAgeSeconds: -1 }, "spec.cors.maxAgeSeconds"],
    ["a fractional max age", { allowedOrigins: ["https://app.example.com"], maxAgeSeconds: 1.5 }, "spec.cors.maxAgeSeconds"],
    ["no allowedOrigins", {}, "spec.cors.allowedOrigins"],
  ])("rejects cors with %s", (_what, cors, path) => {
    const result = parseSecuredContentBucket(withSpec({ ...minimalSpec(), cors }));
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.error.issues.map((issue) => issue.path)).toContain(path);
  });

  it("accepts a status in the shape the operator writes", () => {
    const status = {
      observedGeneration: 1,
      url: "https://d111111abcdef8.cloudfront.net",
      distribution: {
        id: "E2QWRUHAPOMQZL",
        arn: "arn:aws:cloudfront::123456789012:distribution/E2QWRUHAPOMQZL",
        domainName: "d111111abcdef8.cloudfront.net",
        status: "Deployed",
      },
      conditions: [
        { type: "Ready", status: "True", reason: "Deployed", message: "", lastTransitionTime: "2025-01-01T00:00:00Z", observedGeneration: 1 },
      ],
    };
    const result = parseSecuredContentBucket({ ...storedBucket(), status });
    expect(result.ok && result.value.status).toEqual(status);
  });

  it.each(invalidSpecCases)("rejects $name with the admission message", ({ spec, path, message }) => {
    const result = parseSecuredContentBucket(withSpec(spec(minimalSpec())));
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.error.issues).toContainEqual({ path, message });
  });

  it("lists every bad field at once, in a terminal InvalidSpec error", () => {
    const spec = { bucket: { name: "Bad..Name", region: "us-east-1" }, auth: { userPoolId: "nope", clientIds: [], requiredGroups: ["a", "a"] } };
    const result = parseSecuredContentBucket(withSpec(spec));
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.error).toBeInstanceOf(InvalidSpecError);
    expect(result.error).toMatchObject({ code: "InvalidSpec", reason: "InvalidSpec", terminal: true });
    const paths = result.error.issues.map((issue) => issue.path);
    expect(new Set(paths)).toEqual(new Set([
      "spec.bucket.name",
      "spec.auth.userPoolId",
      "spec.auth.clientIds",
      "spec.auth.requiredGroups",
    ]));
    expect(result.error.issues).toContainEqual({ path: "spec.auth.requiredGroups", message: "must not contain duplicates" });
    expect(result.error.message).toContain("spec.auth.userPoolId: must be a Cognito user pool id");
  });

  it("says which required fields are missing", () => {
    const result = parseSecuredContentBucket(withSpec({ bucket: { name: "simple-aws-courses-content" } }));
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.error.issues).toEqual([
      { path: "spec.bucket.region", message: "is required" },
      { path: "spec.auth", message: "is required" },
    ]);
  });

  it("rejects another kind", () => {
    const result = parseSecuredContentBucket({ ...storedBucket(), kind: "ConfigMap" });
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.error.issues.map((issue) => issue.path)).toEqual(["kind"]);
  });

  it("rejects something that is not an object", () => {
    const result = parseSecuredContentBucket("courses");
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.error.issues).toEqual([{ path: "(root)", message: "Invalid input: expected object, received string" }]);
  });

  it("drops fields the API does not define, as the API server prunes them", () => {
    const resource = withSpec({ ...minimalSpec(), surprise: true });
    const result = parseSecuredContentBucket(resource);
    expect(result.ok && "surprise" in result.value.spec).toBe(false);
  });
});
