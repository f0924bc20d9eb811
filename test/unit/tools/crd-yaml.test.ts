// The CRD's YAML, written by the yaml package: Kubernetes' reader (YAML 1.1 with parts of 1.2) must read back
// exactly the data that was written.
import { loadYaml } from "@kubernetes/client-node";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { parse, parseAllDocuments } from "yaml";
import { securedContentBucketCrd } from "../../../tools/crd/crd.ts";
import { renderCrdYaml, toYaml } from "../../../tools/crd/render.ts";

/** The data as YAML 1.1 and 1.2 readers see it; both must agree with what was written. */
function readBack(yaml: string): { v11: unknown; v12: unknown; jsYaml: unknown } {
  return {
    v11: parse(yaml, { version: "1.1" }),
    v12: parse(yaml, { version: "1.2" }),
    // js-yaml, through client-node; the wrapper keeps client-node's model classes out.
    jsYaml: loadYaml<{ wrapped: unknown }>(`wrapped:\n${yaml.replace(/^(?=.)/gm, "  ")}`).wrapped,
  };
}

function expectReadBack(yaml: string, value: unknown): void {
  expect(readBack(yaml)).toEqual({ v11: value, v12: value, jsYaml: value });
}

describe("the CRD file", () => {
  it.each(["1.1", "1.2"] as const)("is one document that reads back as the CRD under YAML %s", (version) => {
    const documents = parseAllDocuments(renderCrdYaml(), { version });
    expect(documents).toHaveLength(1);
    expect(documents[0]?.errors).toEqual([]);
    expect(documents[0]?.toJS()).toEqual(securedContentBucketCrd());
  });

  it("reads back as the CRD with js-yaml too", () => {
    expectReadBack(toYaml(securedContentBucketCrd()), securedContentBucketCrd());
  });

  it("starts with the generated-file notice and keeps each description on one line", () => {
    const text = renderCrdYaml();
    expect(text).toMatch(/^# Generated from src\/api by `make crds`.*\n---\napiVersion: apiextensions\.k8s\.io\/v1\n/);
    expect(text).toMatch(/^ +description: "SecuredContentBucket serves .*"$/m);
    expect(text.endsWith("\n")).toBe(true);
  });
});

describe("toYaml", () => {
  it.each([
    ["true"], ["False"], ["yes"], ["No"], ["on"], ["OFF"], ["y"], ["N"], ["null"], ["~"], [""], ["123"], ["1.5"], ["0x1F"],
    ["0o17"], ["0777"], ["0b101"], ["1_000"], ["+12"], ["1e3"], [".inf"], [".NaN"], ["-1"], ["12:30"], ["190:20:30.15"],
    ["2024-01-01"], ["a: b"], ["a #b"], ["#x"], ["- x"], ["*alias"], ["&anchor"], ["!tag"], ["{x}"], ["[x]"], ["'x'"],
    ['"x"'], ["trailing "], [" leading"], ["two\nlines"], ["tab\there"], ["%percent"], ["@at"], ["`tick"], ["<<"], ["="],
    ["---"], ["..."], ["é"],
  ])("writes %j so that it reads back as the same string", (value) => {
    expectReadBack(toYaml({ key: value }), { key: value });
  });

  it.each([["line\u2028separator"], ["paragraph\u2029separator"], ["next\u0085line"], ["del\u007f"], ["bom\ufeff"]])(
    "refuses %j, which Kubernetes' reader refuses or takes for a line break",
    (value) => {
      expect(() => toYaml({ key: value })).toThrow(/Kubernetes reads back/);
    },
  );

  it("leaves plain strings plain", () => {
    expect(toYaml({ a: "securedcontent.io/v1alpha1", b: "PriceClass_100", c: "self.matches('^[a-z]$')" })).toBe(
      "a: securedcontent.io/v1alpha1\nb: PriceClass_100\nc: self.matches('^[a-z]$')\n",
    );
  });

  it("quotes keys that need it", () => {
    const value = { "a: b": 1, "": 2, "true": 3, "$ref": 4, "y": 5 };
    expectReadBack(toYaml(value), value);
  });

  it("round-trips any JSON value", () => {
    fc.assert(
      fc.property(fc.jsonValue(), (value) => {
        // JSON has no -0; through JSON both sides agree on what the value is.
        const json: unknown = JSON.parse(JSON.stringify(value));
        expectReadBack(toYaml(json), json);
      }),
      { numRuns: 300 },
    );
  });
});
