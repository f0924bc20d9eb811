// The structural-schema check that guards the generated CRD: each construct Kubernetes forbids is named with its path.
import { describe, expect, it } from "vitest";
import { z } from "zod";
import { kubernetesJsonSchema, normalizeSchema } from "../../../tools/crd/json-schema.ts";
import { re2Incompatibility } from "../../../tools/crd/re2.ts";
import { StructuralSchemaError, assertDescribed, assertStructural } from "../../../tools/crd/structural.ts";

/** A root object with one field, `spec.field`, holding the given schema. */
function rootWith(field: unknown) {
  return { type: "object", properties: { spec: { type: "object", properties: { field } } } };
}

function structuralError(schema: unknown): StructuralSchemaError {
  try {
    assertStructural(schema);
  } catch (error) {
    if (error instanceof StructuralSchemaError) return error;
    throw error;
  }
  throw new Error("expected a StructuralSchemaError");
}

describe("assertStructural", () => {
  it("accepts a structural schema", () => {
    expect(() => {
      assertStructural(rootWith({
        type: "array",
        items: { type: "object", properties: { type: { type: "string" } }, required: ["type"] },
        "x-kubernetes-list-type": "map",
        "x-kubernetes-list-map-keys": ["type"],
      }));
    }).not.toThrow();
  });

  it.each([
    ["$ref", { $ref: "#/$defs/thing" }, "$ref is not allowed"],
    ["a $defs section", { type: "object", $defs: {} }, "$defs is not allowed"],
    ["additionalProperties beside properties", { type: "object", properties: { a: { type: "string" } }, additionalProperties: { type: "string" } }, "additionalProperties is not allowed beside properties"],
    ["additionalProperties: false", { type: "object", additionalProperties: false }, "additionalProperties must be a schema"],
    ["type null", { type: "null" }, "type null is not allowed"],
    ["a list of types", { type: ["string", "null"] }, "type must be one of"],
    ["a missing type", { description: "untyped" }, "type is required"],
    ["uniqueItems", { type: "array", items: { type: "string" }, uniqueItems: true }, "use x-kubernetes-list-type: set"],
    ["an array without items", { type: "array" }, "items is required"],
    ["a look-ahead pattern", { type: "string", pattern: "^(?=.*[a-z]).+$" }, "look-ahead"],
    ["a back-reference pattern", { type: "string", pattern: "^(a)\\1$" }, "backreference"],
    ["const", { type: "string", const: "x" }, "use enum"],
    ["an unknown Kubernetes extension", { type: "string", "x-kubernetes-frobnicate": true }, "x-kubernetes-frobnicate is not allowed"],
    ["a multi-line validation message", { type: "string", "x-kubernetes-validations": [{ rule: "true", message: "a\nb" }] }, "must be a single line"],
    ["a validation without a rule", { type: "string", "x-kubernetes-validations": [{ message: "m" }] }, "needs a rule"],
    ["a set of objects", { type: "array", items: { type: "object" }, "x-kubernetes-list-type": "set" }, "set needs scalar items"],
    ["a map list without keys", { type: "array", items: { type: "object" }, "x-kubernetes-list-type": "map" }, "needs x-kubernetes-list-map-keys"],
    ["an optional map key", { type: "array", items: { type: "object", properties: { k: { type: "string" } } }, "x-kubernetes-list-type": "map", "x-kubernetes-list-map-keys": ["k"] }, "map key k must be required"],
  ])("rejects %s", (_what, field, reason) => {
    const error = structuralError(rootWith(field));
    expect(error.path).toBe("spec.field");
    expect(error.message).toContain(reason);
  });

  it.each([
    ["type", { type: "string" }],
    ["description", { description: "branch" }],
    ["default", { default: "x" }],
    ["nullable", { nullable: true }],
    ["additionalProperties", { additionalProperties: { type: "string" } }],
  ])("rejects %s inside anyOf, naming the branch", (keyword, branch) => {
    const error = structuralError(rootWith({ type: "string", anyOf: [{ enum: ["a"] }, branch] }));
    expect(error.path).toBe("spec.field(anyOf[1])");
    expect(error.reason).toContain(`${keyword} is not allowed inside anyOf`);
  });

  it("rejects a field inside oneOf that is not specified outside it", () => {
    const error = structuralError(rootWith({ type: "object", properties: { a: { type: "string" } }, oneOf: [{ required: ["a"] }, { properties: { b: {} } }] }));
    expect(error.path).toBe("spec.field(oneOf[1]).b");
    expect(error.reason).toContain("must also be specified outside");
  });

  it("accepts value validations inside anyOf over fields specified outside", () => {
    expect(() => {
      assertStructural(rootWith({
        type: "object",
        properties: { a: { type: "string" }, b: { type: "string" } },
        anyOf: [{ required: ["a"] }, { properties: { b: { minLength: 1 } }, required: ["b"] }],
      }));
    }).not.toThrow();
  });

  it("names nested array items in the path", () => {
    const error = structuralError(rootWith({ type: "array", items: { type: "object", properties: { x: { type: "null" } } } }));
    expect(error.path).toBe("spec.field[*].x");
  });

  it("allows only name and generateName restrictions on metadata", () => {
    const schema = { type: "object", properties: { metadata: { type: "object", properties: { labels: { type: "object" } } } } };
    expect(structuralError(schema).path).toBe("metadata.labels");
  });

  it("requires an object at the root", () => {
    expect(structuralError({ type: "string" }).path).toBe("(root)");
  });
});

describe("assertDescribed", () => {
  it("names the first field without a description", () => {
    const schema = { type: "object", properties: { spec: { type: "object", description: "s", properties: { quiet: { type: "string" } } } } };
    expect(() => { assertDescribed(schema); }).toThrow(/^spec\.quiet: every field needs a description/);
  });

  it("lets the API server document metadata", () => {
    expect(() => { assertDescribed({ type: "object", properties: { metadata: { type: "object" } } }); }).not.toThrow();
  });
});

describe("re2Incompatibility", () => {
  it.each([
    ["^(?=a)", "look-ahead (?="],
    ["^(?!a)", "look-ahead (?!"],
    ["(?<=a)b", "look-behind (?<="],
    ["(?<!a)b", "look-behind (?<!"],
    ["(?>a+)", "atomic group (?>"],
    ["a*+", "possessive quantifier *+"],
    ["a{2}+", "possessive quantifier }+"],
    ["(a)\\1", "backreference \\1"],
    ["(?<x>a)\\k<x>", "named backreference \\k<...>"],
  ])("flags %s", (pattern, reason) => {
    expect(re2Incompatibility(pattern)).toBe(reason);
  });

  it.each([
    "^[a-z0-9](.*[a-z0-9])?$",
    "^(?:a|b)+?$",
    "^[(?=]+$",
    "^[]?=]$",
    "^\\(\\?=$",
    "^a\\++$",
    "^(?<name>a)$",
  ])("accepts %s", (pattern) => {
    expect(re2Incompatibility(pattern)).toBeUndefined();
  });
});

describe("kubernetesJsonSchema", () => {
  it("hoists a type shared by every anyOf branch out of the branches", () => {
    const schema = kubernetesJsonSchema(z.object({ v: z.union([z.literal("a"), z.string().regex(/^[0-9]+$/)]).describe("v") }));
    expect(schema.properties).toEqual({
      v: { description: "v", type: "string", anyOf: [{ enum: ["a"] }, { pattern: "^[0-9]+$" }] },
    });
    expect(() => { assertStructural(schema); }).not.toThrow();
  });

  it("leaves branches of different types for the checker to reject", () => {
    const schema = kubernetesJsonSchema(z.object({ v: z.union([z.string(), z.int()]) }));
    expect(() => { assertStructural(schema); }).toThrow(/^v: type is required: a union of different types has no single type/);
  });

  it("drops zod's safe-integer bounds and marks integers int64", () => {
    const schema = kubernetesJsonSchema(z.object({ n: z.int().min(0) }));
    expect(schema.properties).toEqual({ n: { type: "integer", format: "int64", minimum: 0 } });
  });

  it("drops the pattern zod adds to date-time strings", () => {
    const schema = kubernetesJsonSchema(z.object({ t: z.iso.datetime() }));
    expect(schema.properties).toEqual({ t: { type: "string", format: "date-time" } });
  });

  it("makes fields with defaults optional and keeps the default", () => {
    const schema = kubernetesJsonSchema(z.object({ a: z.string(), b: z.enum(["x", "y"]).default("x") }));
    expect(schema.required).toEqual(["a"]);
    expect(schema.properties).toMatchObject({ b: { type: "string", enum: ["x", "y"], default: "x" } });
  });

  it("produces what the checker rejects for a loose object, instead of hiding it", () => {
    const schema = kubernetesJsonSchema(z.object({ o: z.looseObject({ a: z.string() }) }));
    expect(() => { assertStructural(schema); }).toThrow(/^o: additionalProperties is not allowed beside properties/);
  });

  it("orders keywords for reading and keeps field order", () => {
    const normalized = normalizeSchema({ properties: { z: { type: "string", description: "z" }, a: { type: "string" } }, type: "object", description: "d" });
    expect(JSON.stringify(normalized)).toBe(
      '{"description":"d","type":"object","properties":{"z":{"description":"z","type":"string"},"a":{"type":"string"}}}',
    );
  });
});
