// Turns a zod schema into the JSON Schema the CRD carries, undoing the parts of zod's output Kubernetes rejects.
import { z } from "zod";

/** A JSON Schema node, as plain JSON data. */
export type SchemaNode = { [keyword: string]: unknown };

export function isSchemaNode(value: unknown): value is SchemaNode {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

// Keywords first in this order, for a CRD that reads top-down; the rest follow alphabetically.
const keywordOrder = [
  "description", "type", "format", "enum", "default", "nullable",
  "minimum", "maximum", "minLength", "maxLength", "pattern", "minItems", "maxItems",
  "required", "properties", "additionalProperties", "items", "anyOf", "oneOf", "allOf", "not",
];

function keywordRank(keyword: string): number {
  const rank = keywordOrder.indexOf(keyword);
  return rank === -1 ? keywordOrder.length : rank;
}

function compareKeywords(a: string, b: string): number {
  return keywordRank(a) - keywordRank(b) || (a < b ? -1 : a > b ? 1 : 0);
}

/** Moves a type shared by every branch of anyOf/oneOf up to the node; Kubernetes forbids types in branches. */
function hoistBranchType(node: SchemaNode, junctor: "anyOf" | "oneOf"): void {
  const branches = node[junctor];
  if (!Array.isArray(branches) || branches.length === 0 || !branches.every(isSchemaNode)) return;
  const types = new Set(branches.map((branch) => branch.type));
  const [shared] = types;
  if (types.size !== 1 || typeof shared !== "string" || (node.type !== undefined && node.type !== shared)) return;
  node.type = shared;
  for (const branch of branches) delete branch.type;
}

/** zod's stand-ins that mean "no limit" or repeat what Kubernetes checks itself. */
function dropRedundantKeywords(node: SchemaNode): void {
  if (node.type === "integer") {
    if (node.maximum === Number.MAX_SAFE_INTEGER) delete node.maximum;
    if (node.minimum === Number.MIN_SAFE_INTEGER) delete node.minimum;
    node.format ??= "int64";
  }
  // Kubernetes validates the date-time format; zod's long equivalent pattern adds nothing but noise.
  if (node.type === "string" && node.format === "date-time") delete node.pattern;
}

/** Returns a normalized deep copy: shared branch types hoisted, redundant keywords dropped, keywords ordered. */
export function normalizeSchema(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(normalizeSchema);
  if (!isSchemaNode(value)) return value;
  const node: SchemaNode = {};
  for (const [keyword, child] of Object.entries(value)) {
    // Enums, defaults and validation rules are data, not schemas: copy them as they are.
    const isData = keyword === "enum" || keyword === "default" || keyword.startsWith("x-kubernetes-");
    node[keyword] = isData ? structuredClone(child) : keyword === "properties" ? normalizeProperties(child) : normalizeSchema(child);
  }
  hoistBranchType(node, "anyOf");
  hoistBranchType(node, "oneOf");
  dropRedundantKeywords(node);
  return Object.fromEntries(Object.entries(node).sort(([a], [b]) => compareKeywords(a, b)));
}

function normalizeProperties(properties: unknown): unknown {
  if (!isSchemaNode(properties)) return properties;
  // Field order is the declaration order in zod, which is the order users read about them.
  return Object.fromEntries(Object.entries(properties).map(([name, schema]) => [name, normalizeSchema(schema)]));
}

/** The CRD-ready JSON Schema of a zod schema: input types (so defaults are optional), everything inlined. */
export function kubernetesJsonSchema(schema: z.ZodType): SchemaNode {
  const generated = z.toJSONSchema(schema, { target: "openapi-3.0", io: "input", reused: "inline" });
  const normalized = normalizeSchema(generated);
  if (!isSchemaNode(normalized)) throw new Error("zod produced a JSON Schema that is not an object");
  return normalized;
}
