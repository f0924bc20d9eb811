// The YAML emitter: what it writes reads back as the same JSON data, and stays readable.
import { loadYaml } from "@kubernetes/client-node";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { securedContentBucketCrd } from "../../../src/api/crd/crd.ts";
import { toYaml } from "../../../src/api/crd/yaml.ts";

/** Reads YAML back with js-yaml (through client-node); the wrapper keeps client-node's model classes out. */
function readBack(yaml: string): unknown {
  const wrapped = `wrapped:\n${yaml.replace(/^(?=.)/gm, "  ")}`;
  return loadYaml<{ wrapped: unknown }>(wrapped).wrapped;
}

describe("toYaml", () => {
  it("writes block mappings and sequences", () => {
    const yaml = toYaml({ a: 1, b: [true, null, "x"], c: { d: [{ e: "f", g: [1, 2] }, [3]] }, h: {}, i: [] });
    expect(yaml).toBe(
      [
        "a: 1",
        "b:",
        "  - true",
        "  - null",
        "  - x",
        "c:",
        "  d:",
        "    - e: f",
        "      g:",
        "        - 1",
        "        - 2",
        "    - - 3",
        "h: {}",
        "i: []",
        "",
      ].join("\n"),
    );
  });

  it.each([
    ["true"], ["False"], ["yes"], ["No"], ["on"], ["OFF"], ["y"], ["N"], ["null"], ["~"], [""], ["123"], ["1.5"], ["0x1F"],
    ["1e3"], [".inf"], ["-1"], ["a: b"], ["a #b"], ["#x"], ["- x"], ["*alias"], ["&anchor"], ["!tag"], ["{x}"], ["[x]"],
    ["'x'"], ['"x"'], ["trailing "], [" leading"], ["two\nlines"], ["tab\there"], ["%percent"], ["@at"], ["`tick"],
    ["<<"], ["=" ], ["line\u2028separator"], ["del\u007f"], ["bom\ufeff"], ["é"], ["2024-01-01"], ["12:30"],
  ])("quotes %j so it reads back as the same string", (value) => {
    const yaml = toYaml({ key: value });
    expect(yaml).not.toBe(`key: ${value}\n`);
    expect(readBack(yaml)).toEqual({ key: value });
  });

  it.each([["securedcontent.io/v1alpha1"], ["PriceClass_100"], ["Paid course videos, quizzes and assignments"], ["a (b) c"]])(
    "leaves %j plain",
    (value) => {
      expect(toYaml({ key: value })).toBe(`key: ${value}\n`);
    },
  );

  it("quotes keys that need it", () => {
    const value = { "a: b": 1, "": 2, "true": 3, "$ref": 4 };
    expect(readBack(toYaml(value))).toEqual(value);
  });

  it("writes scalars at the top level", () => {
    expect(toYaml("x")).toBe("x\n");
    expect(toYaml(null)).toBe("null\n");
    expect(toYaml([])).toBe("[]\n");
  });

  it("drops undefined properties and writes undefined items as null, like JSON", () => {
    expect(readBack(toYaml({ a: undefined, b: [undefined] }))).toEqual({ b: [null] });
  });

  it.each([[Number.NaN], [Number.POSITIVE_INFINITY], [10n], [new Date(0)], [() => 1], [Symbol("s")]])(
    "refuses %s, which is not JSON",
    (value) => {
      expect(() => toYaml({ value })).toThrow(/not JSON/);
    },
  );

  it("round-trips any JSON value", () => {
    fc.assert(
      fc.property(fc.jsonValue(), (value) => {
        // JSON has no -0; through JSON both sides agree on what the value is.
        const json: unknown = JSON.parse(JSON.stringify(value));
        expect(readBack(toYaml(json))).toEqual(json);
      }),
      { numRuns: 500 },
    );
  });

  it("round-trips strings of any characters", () => {
    fc.assert(
      fc.property(fc.string({ unit: "binary-ascii" }), fc.string({ unit: "grapheme" }), (ascii, unicode) => {
        const value = { [ascii]: ascii, u: unicode };
        expect(readBack(toYaml(value))).toEqual(value);
      }),
      { numRuns: 500 },
    );
  });

  it("round-trips the CRD", () => {
    const crd = securedContentBucketCrd();
    expect(readBack(toYaml(crd))).toEqual(crd);
  });
});
