// The Content Delivery example's pure parts: its routes, object keys and URLs, where the address comes from,
// and its configuration.
import { describe, expect, it } from "vitest";
import { parseSecuredContentBucket } from "../../../src/api/index.ts";
import { kstatusConditions, type Progress } from "../../../src/controller/conditions.ts";
import { exportData } from "../../../src/reconcile/address-export.ts";
import { ConfigError, collectionPath, loadConfig } from "../../../examples/content-delivery/src/config.ts";
import { addressFrom, addressFromConfigMap, addressFromSecuredContentBucket, type ContentAddress } from "../../../examples/content-delivery/src/content-address.ts";
import { contentUrl, objectKeySegments, route } from "../../../examples/content-delivery/src/routes.ts";

const ready: ContentAddress = { state: "ready", baseUrl: "https://d111111abcdef8.cloudfront.net" };
const unavailable: ContentAddress = { state: "unavailable", reason: "configmap learning/courses-content does not exist yet" };

const resource = {
  apiVersion: "securedcontent.io/v1alpha1",
  kind: "SecuredContentBucket",
  metadata: { name: "courses", namespace: "learning", uid: "u-1", resourceVersion: "7", generation: 2 },
  spec: {
    bucket: { name: "simple-aws-courses-content", region: "us-east-1" },
    auth: { userPoolId: "us-east-1_AbCdEf123", clientIds: ["abc"], requiredGroups: ["paid-students"] },
    export: { configMapName: "courses-content" },
  },
};

function withStatus(progress: Progress, observedGeneration: number, url?: string): unknown {
  const conditions = kstatusConditions(progress, observedGeneration).map((c) => ({ ...c, lastTransitionTime: "2026-03-01T10:00:00Z" }));
  return { ...resource, status: { observedGeneration, conditions, ...(url === undefined ? {} : { url }) } };
}

describe("route", () => {
  it("answers GET /courses/<key> with the CloudFront URL of that object, as step 7 of the Simple AWS article on Cognito and S3 asks", () => {
    expect(route("GET", "/courses/videos/lesson-1.mp4", ready)).toEqual({ status: 200, body: { url: "https://d111111abcdef8.cloudfront.net/videos/lesson-1.mp4" } });
    expect(route("GET", "/courses/quizzes/week%201.json?lang=en", ready).body).toEqual({ url: "https://d111111abcdef8.cloudfront.net/quizzes/week%201.json" });
  });

  it("answers 503 with the reason and Retry-After until the address is known", () => {
    expect(route("GET", "/courses/videos/lesson-1.mp4", unavailable)).toEqual({
      status: 503,
      body: { error: "the content address is not available yet", reason: unavailable.reason },
      headers: { "retry-after": "10" },
    });
  });

  it("answers 404 for anything but a course object key, and 405 for writes", () => {
    for (const target of ["/", "/courses", "/courses/", "/videos/lesson-1.mp4", "/courses/a//b", "/courses/../secret", "/courses/a/%2E%2E/b", "/courses/%E0%A4%A"]) {
      expect([target, route("GET", target, ready).status]).toEqual([target, 404]);
    }
    expect(route("POST", "/courses/videos/lesson-1.mp4", ready)).toMatchObject({ status: 405, headers: { allow: "GET, HEAD" } });
  });

  it("reports liveness always and readiness only with an address", () => {
    expect(route("GET", "/healthz", unavailable).status).toBe(200);
    expect(route("GET", "/readyz", ready).status).toBe(200);
    expect(route("GET", "/readyz", unavailable)).toMatchObject({ status: 503, body: { reason: unavailable.reason } });
  });
});

describe("object keys and URLs", () => {
  it("decodes each segment once and encodes it once, so keys with spaces, plus signs and Unicode survive", () => {
    expect(objectKeySegments("videos/intro%20%2B%20setup.mp4")).toEqual(["videos", "intro + setup.mp4"]);
    expect(contentUrl("https://d1.cloudfront.net/", ["videos", "intro + setup.mp4", "ñ"])).toBe("https://d1.cloudfront.net/videos/intro%20%2B%20setup.mp4/%C3%B1");
  });

  it("rejects encoded slashes and control characters", () => {
    expect(objectKeySegments("a%2Fb")).toBeUndefined();
    expect(objectKeySegments("a%0Ab")).toBeUndefined();
    expect(objectKeySegments("a%7Fb")).toBeUndefined();
  });
});

describe("the address", () => {
  it("comes from the ConfigMap the operator exports, read through the operator's own builder", () => {
    const parsed = parseSecuredContentBucket(resource);
    if (!parsed.ok) throw parsed.error;
    const data = exportData(parsed.value, {
      url: "https://d111111abcdef8.cloudfront.net",
      domainName: "d111111abcdef8.cloudfront.net",
      distributionId: "E2QWRUHAPOMQZL",
      distributionArn: "arn:aws:cloudfront::123456789012:distribution/E2QWRUHAPOMQZL",
    });
    expect(addressFromConfigMap({ metadata: { name: "courses-content" }, data })).toEqual(ready);
    expect(addressFromConfigMap({ metadata: { name: "courses-content" }, data: { url: "http://plain.example.com", domain: "x" } }).state).toBe("unavailable");
    expect(addressFromConfigMap({ metadata: { name: "courses-content" } }).state).toBe("unavailable");
  });

  it("comes from a SecuredContentBucket only when it is Ready for its current generation", () => {
    const readyProgress: Progress = { state: "ready", reason: "Ready", message: "serving" };
    expect(addressFromSecuredContentBucket(withStatus(readyProgress, 2, "https://d111111abcdef8.cloudfront.net"))).toEqual(ready);
    expect(addressFromSecuredContentBucket(withStatus(readyProgress, 1, "https://d111111abcdef8.cloudfront.net"))).toEqual({
      state: "unavailable",
      reason: "the operator has not reconciled generation 2 yet",
    });
    expect(addressFromSecuredContentBucket(withStatus({ state: "reconciling", reason: "Deploying", message: "CloudFront is deploying" }, 2, "https://d1.cloudfront.net"))).toEqual({
      state: "unavailable",
      reason: "the SecuredContentBucket is not Ready (Deploying: CloudFront is deploying)",
    });
    expect(addressFromSecuredContentBucket(resource)).toEqual({ state: "unavailable", reason: "the operator has not reconciled generation 2 yet" });
  });

  it("is unavailable while the object does not exist", () => {
    expect(addressFrom({ kind: "configmap", name: "courses-content", namespace: "learning" }, undefined)).toEqual(unavailable);
  });
});

describe("loadConfig", () => {
  it("runs in a pod with no settings: the exported ConfigMap, the pod's namespace, the ServiceAccount's token", () => {
    const config = loadConfig({ KUBERNETES_SERVICE_HOST: "10.96.0.1", KUBERNETES_SERVICE_PORT: "443" }, "learning");
    expect(config).toEqual({
      source: { kind: "configmap", name: "courses-content", namespace: "learning" },
      port: 8080,
      host: "0.0.0.0",
      apiServer: new URL("https://10.96.0.1:443"),
      tokenFile: "/var/run/secrets/kubernetes.io/serviceaccount/token",
      caFile: "/var/run/secrets/kubernetes.io/serviceaccount/ca.crt",
    });
    expect(collectionPath(config.source)).toBe("/api/v1/namespaces/learning/configmaps");
  });

  it("runs outside a pod against kubectl proxy, reading a SecuredContentBucket", () => {
    const config = loadConfig({ KUBERNETES_API_URL: "http://127.0.0.1:8001", CONTENT_SOURCE: "scb/courses", CONTENT_NAMESPACE: "learning", PORT: "0" }, undefined);
    expect(config).toMatchObject({ source: { kind: "securedcontentbucket", name: "courses" }, tokenFile: undefined, caFile: undefined, port: 0 });
    expect(collectionPath(config.source)).toBe("/apis/securedcontent.io/v1alpha1/namespaces/learning/securedcontentbuckets");
  });

  it("says what is wrong with a bad setting", () => {
    expect(() => loadConfig({ CONTENT_SOURCE: "secret/x", CONTENT_NAMESPACE: "a", KUBERNETES_API_URL: "http://127.0.0.1:8001" }, undefined)).toThrow(/CONTENT_SOURCE: must be configmap/);
    expect(() => loadConfig({ KUBERNETES_API_URL: "http://127.0.0.1:8001" }, undefined)).toThrow(ConfigError);
    expect(() => loadConfig({ CONTENT_NAMESPACE: "a" }, undefined)).toThrow(/KUBERNETES_API_URL/);
  });
});
