// The generated CRD on a real kube-apiserver: it installs, documents itself, defaults, and prints useful columns.
// The first describe's cases run in order: later ones read the objects earlier ones created, and the status
// one of them wrote.
import { readFileSync } from "node:fs";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { securedContentBucketCrd } from "../../../tools/crd/crd.ts";
import { crdFilePath, toYaml } from "../../../tools/crd/render.ts";
import { parseSecuredContentBucket } from "../../../src/api/parse.ts";
import { kubectl } from "../../harness/kubectl.ts";
import { waitFor } from "../../harness/wait.ts";
import { exampleBucket, minimalSpec, storedBucket } from "../../unit/api/spec-cases.ts";
import { createNamespace, deleteNamespace, installCrd, kubectlWith } from "./kube.ts";

const namespace = "api-crd";

const deployedStatus = {
  observedGeneration: 1,
  url: "https://d111111abcdef8.cloudfront.net",
  distribution: {
    id: "E2QWRUHAPOMQZL",
    arn: "arn:aws:cloudfront::123456789012:distribution/E2QWRUHAPOMQZL",
    domainName: "d111111abcdef8.cloudfront.net",
    status: "Deployed",
  },
  conditions: [
    { type: "Ready", status: "True", reason: "Deployed", message: "served through CloudFront", lastTransitionTime: "2025-01-01T00:00:00Z", observedGeneration: 1 },
    { type: "Reconciling", status: "False", reason: "Deployed", message: "", lastTransitionTime: "2025-01-01T00:00:00Z", observedGeneration: 1 },
  ],
};

describe("the generated CRD on a real API server", { concurrent: false, shuffle: false }, () => {
  const env = inject("harness");
  const example = { ...exampleBucket(), metadata: { name: "courses", namespace } };

  beforeAll(async () => {
    await installCrd(env);
    await createNamespace(env, namespace);
  });

  afterAll(async () => {
    await deleteNamespace(env, namespace);
  });

  it("is read by kubectl's own YAML parser as exactly the generated object", async () => {
    const read = await kubectl(env, ["create", "--dry-run=client", "-o", "json", "-f", crdFilePath]);
    expect(JSON.parse(read)).toEqual(securedContentBucketCrd());
  });

  it("is Established with accepted names", async () => {
    const crd = JSON.parse(await kubectl(env, ["get", "crd", "securedcontentbuckets.securedcontent.io", "-o", "json"])) as {
      status: { conditions: { type: string; status: string }[]; acceptedNames: { shortNames: string[] } };
    };
    expect(crd.status.conditions).toEqual(expect.arrayContaining([
      expect.objectContaining({ type: "Established", status: "True" }),
      expect.objectContaining({ type: "NamesAccepted", status: "True" }),
    ]));
    expect(crd.status.acceptedNames.shortNames).toEqual(["scb"]);
  });

  it("documents its fields in kubectl explain", async () => {
    // The OpenAPI document is published shortly after the CRD is established.
    const auth = await waitFor(() => kubectl(env, ["explain", "scb.spec.auth"]), { what: "kubectl explain", timeoutMs: 30_000, intervalMs: 500 });
    expect(auth).toContain("Who may read the content");
    expect(auth).toMatch(/clientIds\s+<\[\]string> -required-/);
    expect(auth).toMatch(/tokenUse\s+<string>\s+enum: id, access/);
    expect(await kubectl(env, ["explain", "scb.spec.bucket.name"])).toContain("Immutable");
    expect(await kubectl(env, ["explain", "scb.status.conditions.reason"])).toContain("CamelCase");
  });

  it("accepts the example and applies the same defaults as the parser", async () => {
    await kubectlWith(env, ["create"], { ...example, spec: minimalSpec(), metadata: { name: "minimal", namespace } });
    const stored = JSON.parse(await kubectl(env, ["get", "scb", "minimal", "-n", namespace, "-o", "json"])) as Record<string, unknown> & {
      spec: Record<string, unknown>;
    };
    expect(stored.spec).toMatchObject({
      auth: { tokenUse: "id", tokenSources: ["authorizationHeader", "cookie"] },
      distribution: { aliases: [], cachePolicy: "CachingOptimized", compress: true },
    });
    // A class's defaults can fill these, so the API server leaves them out and the parser defaults what is left.
    expect(stored.spec["distribution"]).not.toHaveProperty("priceClass");
    expect(stored.spec).not.toHaveProperty("deletionPolicy");
    // Until the operator writes a status, the API server's default says nothing was observed yet (kstatus: InProgress).
    expect(stored["status"]).toEqual({ observedGeneration: -1 });
    const fromServer = parseSecuredContentBucket(stored);
    const fromParser = parseSecuredContentBucket(storedBucket({ ...example, spec: minimalSpec() }));
    expect(fromServer.ok && fromParser.ok).toBe(true);
    if (fromServer.ok && fromParser.ok) expect(fromServer.value.spec).toEqual(fromParser.value.spec);
  });

  it("shows READY, BUCKET, DOMAIN and AGE in kubectl get, filled from the status", async () => {
    await kubectlWith(env, ["create"], example);
    const before = await kubectl(env, ["get", "scb", "courses", "-n", namespace]);
    expect(before).toMatch(/^NAME\s+READY\s+BUCKET\s+DOMAIN\s+AGE\n/);
    expect(before).toMatch(/\ncourses\s+simple-aws-courses-content\s+\d+s\n/);

    const patch = JSON.stringify({ status: deployedStatus });
    await kubectl(env, ["patch", "scb", "courses", "-n", namespace, "--subresource=status", "--type=merge", "-p", patch]);
    const after = await kubectl(env, ["get", "scb", "courses", "-n", namespace]);
    expect(after).toMatch(/\ncourses\s+True\s+simple-aws-courses-content\s+d111111abcdef8\.cloudfront\.net\s+\d+s\n/);
    const wide = await kubectl(env, ["get", "scb", "courses", "-n", namespace, "-o", "wide"]);
    expect(wide).toMatch(/^NAME\s+READY\s+REASON\s+BUCKET\s+REGION\s+DOMAIN\s+AGE\n/);
    expect(wide).toMatch(/\ncourses\s+True\s+Deployed\s+simple-aws-courses-content\s+us-east-1\s+/);
  });

  it("serves the Ready condition to kubectl wait, and the status parses", async () => {
    await kubectl(env, ["wait", "--for=condition=Ready", "scb/courses", "-n", namespace, "--timeout=10s"]);
    const stored: unknown = JSON.parse(await kubectl(env, ["get", "scb", "courses", "-n", namespace, "-o", "json"]));
    const parsed = parseSecuredContentBucket(stored);
    expect(parsed.ok && parsed.value.status).toEqual(deployedStatus);
  });

  it("finds SecuredContentBuckets by bucket name with a field selector", async () => {
    const byBucket = async (bucket: string): Promise<string[]> => {
      const listed = await kubectl(env, [
        "get", "scb", "--all-namespaces", "--field-selector", `spec.bucket.name=${bucket}`,
        "-o", "jsonpath={range .items[*]}{.metadata.namespace}/{.metadata.name}{\"\\n\"}{end}",
      ]);
      // Other test files share this API server and may use the example's bucket name in their own namespaces.
      return listed.split("\n").filter((line) => line.startsWith(`${namespace}/`)).sort();
    };
    expect(await byBucket("simple-aws-courses-content")).toEqual([`${namespace}/courses`, `${namespace}/minimal`]);
    expect(await byBucket("some-other-bucket")).toEqual([]);
  });

  it("lists SecuredContentBuckets under the securedcontent category", async () => {
    expect(await kubectl(env, ["get", "securedcontent", "-n", namespace, "-o", "name"])).toContain("securedcontentbucket.securedcontent.io/courses");
  });
});

describe("the CRD's YAML writer, read by kubectl", () => {
  const env = inject("harness");

  it("writes strings that Go's YAML 1.1 reader keeps as strings", async () => {
    const tricky = [
      "yes", "No", "on", "OFF", "y", "n", "true", "null", "~", "", "0777", "0x1F", "1_000", "1e3", "12:30:00",
      "2025-01-01", ".inf", "-", "a: b", "a #b", "*x", "&x", "!x", "%x", "@x", "`x", "<<", "=", "{}", "[]", "'q'",
      "\"q\"", " lead", "trail ", "two\nlines", "tab\tx", "caf\u00e9", "0o17", "0b101", "+12", "1:20", ".NaN", "---",
      ...readFileSync(crdFilePath, "utf8").split("\n").slice(0, 5),
    ];
    const data = Object.fromEntries(tricky.map((value, index) => [`k${index}`, value]));
    const configMap = { apiVersion: "v1", kind: "ConfigMap", metadata: { name: "tricky" }, data };
    const read = await kubectl(env, ["create", "--dry-run=client", "-o", "json", "-f", "-"], { input: toYaml(configMap) });
    expect((JSON.parse(read) as { data: unknown }).data).toEqual(data);
  });
});
