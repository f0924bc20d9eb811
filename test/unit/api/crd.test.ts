// The generated CustomResourceDefinition: what users and tools see, and that crds/ matches the schema.
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { conditionTypes, securedContentBucketResource } from "../../../src/api/constants.ts";
import { securedContentBucketCrd, securedContentBucketOpenApiSchema } from "../../../tools/crd/crd.ts";
import { crdFilePath, crdFileRelativePath, renderCrdYaml } from "../../../tools/crd/render.ts";

interface CrdVersion {
  name: string;
  subresources: unknown;
  additionalPrinterColumns: { name: string; jsonPath: string; priority?: number }[];
}

interface Crd {
  metadata: { name: string };
  spec: { group: string; scope: string; names: Record<string, unknown>; versions: CrdVersion[] };
}

const crd = securedContentBucketCrd() as unknown as Crd;
const [version] = crd.spec.versions;

/** Every `x-kubernetes-validations` rule in the schema, with the field path it sits on. */
function validations(node: unknown, path = ""): { path: string; rule: string }[] {
  if (typeof node !== "object" || node === null) return [];
  const schema = node as Record<string, unknown>;
  const here = ((schema["x-kubernetes-validations"] ?? []) as { rule: string }[]).map(({ rule }) => ({ path, rule }));
  const properties = Object.entries((schema.properties ?? {}) as Record<string, unknown>).flatMap(([name, child]) =>
    validations(child, path === "" ? name : `${path}.${name}`),
  );
  return [...here, ...properties, ...validations(schema.items, `${path}[*]`)];
}

describe("the SecuredContentBucket CRD", () => {
  it("names the API securedcontentbuckets.securedcontent.io, namespaced, short name scb, with a status subresource", () => {
    expect(crd.metadata.name).toBe("securedcontentbuckets.securedcontent.io");
    expect(crd.spec.group).toBe("securedcontent.io");
    expect(crd.spec.scope).toBe("Namespaced");
    expect(crd.spec.names).toMatchObject({ kind: "SecuredContentBucket", plural: "securedcontentbuckets", shortNames: ["scb"] });
    expect(version?.name).toBe(securedContentBucketResource.version);
    expect(version?.subresources).toEqual({ status: {} });
  });

  it("shows Ready, Bucket, Domain and Age in kubectl get", () => {
    const columns = version?.additionalPrinterColumns.filter((column) => column.priority === undefined) ?? [];
    expect(columns.map(({ name, jsonPath }) => [name, jsonPath])).toEqual([
      ["Ready", '.status.conditions[?(@.type=="Ready")].status'],
      ["Bucket", ".spec.bucket.name"],
      ["Domain", ".status.distribution.domainName"],
      ["Age", ".metadata.creationTimestamp"],
    ]);
  });

  it("keys the conditions list by type", () => {
    const status = securedContentBucketOpenApiSchema().properties as Record<string, { properties: Record<string, unknown> }>;
    expect(status.status?.properties.conditions).toMatchObject({
      "x-kubernetes-list-type": "map",
      "x-kubernetes-list-map-keys": ["type"],
      items: { required: expect.arrayContaining(["type", "status", "reason", "message", "lastTransitionTime"]) as unknown },
    });
  });

  it("has the admission rules the README lists (immutable bucket, non-empty client and group lists, pool id, aliases), where they belong", () => {
    const rules = validations(securedContentBucketOpenApiSchema());
    expect(rules).toContainEqual({ path: "spec.bucket.name", rule: "self == oldSelf" });
    expect(rules).toContainEqual({ path: "spec.bucket.region", rule: "self == oldSelf" });
    expect(rules).toContainEqual({ path: "spec.auth.clientIds", rule: "size(self) >= 1" });
    expect(rules).toContainEqual({ path: "spec.auth.requiredGroups", rule: "size(self) >= 1" });
    expect(rules.map((entry) => entry.path)).toEqual(expect.arrayContaining(["spec.auth.userPoolId", "spec.distribution"]));
    expect(rules.filter((entry) => entry.path === "spec.bucket.name")).toHaveLength(8);
  });

  it("checks spec.cors.allowedOrigins at admission: not empty, and seven rules on each origin", () => {
    const rules = validations(securedContentBucketOpenApiSchema());
    expect(rules).toContainEqual({ path: "spec.cors.allowedOrigins", rule: "size(self) >= 1" });
    expect(rules.filter((entry) => entry.path === "spec.cors.allowedOrigins[*]")).toHaveLength(7);
  });

  it("exports the condition types the controller and GitOps tools rely on", () => {
    expect(Object.values(conditionTypes)).toEqual(expect.arrayContaining(["Ready", "Reconciling", "Stalled"]));
  });

  it(`is what ${crdFileRelativePath} holds (run \`make crds\` when this fails)`, () => {
    let checkedIn = "";
    try {
      checkedIn = readFileSync(crdFilePath, "utf8");
    } catch {
      // A missing file fails below with the same advice.
    }
    expect(checkedIn === renderCrdYaml(), `${crdFileRelativePath} is stale: run \`make crds\` and commit the result`).toBe(true);
  });
});
