// The generated SecuredContentClass CRD: cluster-scoped, short name scbclass, and what crds/ holds.
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { securedContentClassCrd } from "../../../tools/crd/crd.ts";
import { classCrdFilePath, classCrdFileRelativePath, renderClassCrdYaml } from "../../../tools/crd/render.ts";

interface Crd {
  metadata: { name: string };
  spec: { scope: string; names: Record<string, unknown>; versions: { subresources: unknown; additionalPrinterColumns: { name: string; priority?: number }[] }[] };
}

const crd = securedContentClassCrd() as unknown as Crd;

describe("the SecuredContentClass CRD", () => {
  it("names the API securedcontentclasses.securedcontent.io, cluster-scoped, short name scbclass, with a status subresource", () => {
    expect(crd.metadata.name).toBe("securedcontentclasses.securedcontent.io");
    expect(crd.spec.scope).toBe("Cluster");
    expect(crd.spec.names).toMatchObject({ kind: "SecuredContentClass", plural: "securedcontentclasses", shortNames: ["scbclass"] });
    expect(crd.spec.versions[0]?.subresources).toEqual({ status: {} });
  });

  it("shows Accepted, Consent, Resources and Age in kubectl get", () => {
    const columns = crd.spec.versions[0]?.additionalPrinterColumns.filter((column) => column.priority === undefined) ?? [];
    expect(columns.map((column) => column.name)).toEqual(["Accepted", "Consent", "Resources", "Age"]);
  });

  it(`is what ${classCrdFileRelativePath} holds (run \`make crds\` when this fails)`, () => {
    expect(readFileSync(classCrdFilePath, "utf8") === renderClassCrdYaml(), `${classCrdFileRelativePath} is stale: run \`make crds\``).toBe(true);
  });
});
