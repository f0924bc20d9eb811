// Checks that a JSON Schema is a Kubernetes structural schema, naming the first offending field.
import { type SchemaNode, isSchemaNode } from "./json-schema.ts";
import { re2Incompatibility } from "./re2.ts";

export class StructuralSchemaError extends Error {
  readonly code = "NotStructural";
  readonly path: string;
  readonly reason: string;

  constructor(path: string, reason: string) {
    super(`${path}: ${reason}`);
    this.name = "StructuralSchemaError";
    this.path = path;
    this.reason = reason;
  }
}

const types = new Set(["object", "array", "string", "integer", "number", "boolean"]);

const keywords = new Set([
  "description", "type", "format", "title", "enum", "default", "nullable", "example", "externalDocs",
  "minimum", "maximum", "exclusiveMinimum", "exclusiveMaximum", "multipleOf",
  "minLength", "maxLength", "pattern", "minItems", "maxItems", "minProperties", "maxProperties",
  "required", "properties", "additionalProperties", "items", "anyOf", "oneOf", "allOf", "not",
]);

const extensions = new Set([
  "x-kubernetes-preserve-unknown-fields", "x-kubernetes-embedded-resource", "x-kubernetes-int-or-string",
  "x-kubernetes-list-type", "x-kubernetes-list-map-keys", "x-kubernetes-map-type", "x-kubernetes-validations",
]);

const hints: Record<string, string> = {
  $ref: "$ref is not allowed: inline the schema (toJSONSchema with reused: \"inline\", and no schema ids)",
  uniqueItems: "uniqueItems is not allowed: use x-kubernetes-list-type: set",
  const: "const is not allowed: use enum with one value",
};

// Inside anyOf/oneOf/allOf/not, only value validations are allowed.
const forbiddenInJunctors = ["type", "description", "default", "additionalProperties", "nullable"];

function fail(path: string, reason: string): never {
  throw new StructuralSchemaError(path, reason);
}

function checkKeywords(node: SchemaNode, path: string): void {
  for (const keyword of Object.keys(node)) {
    if (keywords.has(keyword) || extensions.has(keyword)) continue;
    fail(path, hints[keyword] ?? `${keyword} is not allowed in a structural schema`);
  }
}

function checkInsideJunctor(node: SchemaNode, path: string): void {
  for (const keyword of forbiddenInJunctors) {
    if (keyword in node) fail(path, `${keyword} is not allowed inside anyOf, oneOf, allOf or not; set it on the field itself`);
  }
  const extension = Object.keys(node).find((keyword) => keyword.startsWith("x-kubernetes-"));
  if (extension !== undefined) fail(path, `${extension} is not allowed inside anyOf, oneOf, allOf or not`);
}

function checkType(node: SchemaNode, path: string): void {
  const { type } = node;
  if (type === "null") fail(path, "type null is not allowed: make the field optional instead");
  if (type === undefined) {
    const exempt = node["x-kubernetes-int-or-string"] === true || node["x-kubernetes-preserve-unknown-fields"] === true;
    const union = node.anyOf !== undefined || node.oneOf !== undefined;
    if (!exempt) fail(path, union ? "type is required: a union of different types has no single type" : "type is required");
    return;
  }
  if (typeof type !== "string" || !types.has(type)) fail(path, `type must be one of ${[...types].join(", ")}, not ${JSON.stringify(type)}`);
  if (type === "array" && node.items === undefined) fail(path, "items is required for an array");
}

function checkValues(node: SchemaNode, path: string): void {
  const { pattern } = node;
  if (pattern !== undefined) {
    if (typeof pattern !== "string") fail(path, "pattern must be a string");
    const incompatibility = re2Incompatibility(pattern);
    if (incompatibility !== undefined) fail(path, `pattern ${pattern} uses ${incompatibility}, which RE2 does not support`);
  }
  if (node.additionalProperties !== undefined) {
    if (typeof node.additionalProperties === "boolean") fail(path, "additionalProperties must be a schema, not a boolean");
    if (node.properties !== undefined) fail(path, "additionalProperties is not allowed beside properties");
  }
  if (node.items !== undefined && !isSchemaNode(node.items)) fail(path, "items must be a single schema");
  if (node.required !== undefined && !(Array.isArray(node.required) && node.required.every((k) => typeof k === "string"))) {
    fail(path, "required must be a list of field names");
  }
}

function itemsOf(node: SchemaNode): SchemaNode | undefined {
  return isSchemaNode(node.items) ? node.items : undefined;
}

function checkMapKeys(items: SchemaNode | undefined, mapKeys: unknown, path: string): void {
  if (items?.type !== "object") fail(path, "x-kubernetes-list-type: map needs object items");
  if (!Array.isArray(mapKeys) || mapKeys.length === 0) fail(path, "x-kubernetes-list-type: map needs x-kubernetes-list-map-keys");
  const required: unknown[] = Array.isArray(items.required) ? items.required : [];
  const properties = isSchemaNode(items.properties) ? items.properties : {};
  for (const key of mapKeys) {
    const property = properties[String(key)];
    if (!isSchemaNode(property)) fail(path, `map key ${String(key)} is not a property of the items`);
    if (!required.includes(key) && property.default === undefined) fail(path, `map key ${String(key)} must be required or have a default`);
  }
}

function checkListType(node: SchemaNode, path: string): void {
  const listType = node["x-kubernetes-list-type"];
  const mapKeys = node["x-kubernetes-list-map-keys"];
  if (listType === undefined) {
    if (mapKeys !== undefined) fail(path, "x-kubernetes-list-map-keys needs x-kubernetes-list-type: map");
    return;
  }
  if (node.type !== "array") fail(path, "x-kubernetes-list-type is only allowed on arrays");
  const items = itemsOf(node);
  if (listType === "set") {
    if (items?.type === "object" || items?.type === "array") fail(path, "x-kubernetes-list-type: set needs scalar items");
  } else if (listType === "map") {
    checkMapKeys(items, mapKeys, path);
  } else if (listType !== "atomic") {
    fail(path, `x-kubernetes-list-type must be atomic, set or map, not ${JSON.stringify(listType)}`);
  }
}

function checkValidations(node: SchemaNode, path: string): void {
  const validations = node["x-kubernetes-validations"];
  if (validations === undefined) return;
  if (!Array.isArray(validations)) fail(path, "x-kubernetes-validations must be a list");
  for (const validation of validations) {
    if (!isSchemaNode(validation) || typeof validation.rule !== "string" || validation.rule === "") {
      fail(path, "each x-kubernetes-validations entry needs a rule");
    }
    if (typeof validation.message === "string" && /[\r\n]/.test(validation.message)) {
      fail(path, `validation message ${JSON.stringify(validation.message)} must be a single line`);
    }
  }
}

interface Walk {
  readonly path: string;
  /** The same position outside every junctor; set while inside one. */
  readonly outside: SchemaNode | undefined;
}

function fieldPath(parent: string, name: string): string {
  return parent === "" ? name : `${parent}.${name}`;
}

function checkProperties(node: SchemaNode, walk: Walk): void {
  const { path, outside } = walk;
  if (node.properties === undefined) return;
  if (!isSchemaNode(node.properties)) fail(path, "properties must map field names to schemas");
  const outsideProperties = outside?.properties;
  for (const [name, child] of Object.entries(node.properties)) {
    const childPath = fieldPath(path, name);
    const counterpart = isSchemaNode(outsideProperties) ? outsideProperties[name] : undefined;
    if (outside === undefined) checkNode(child, { path: childPath, outside: undefined });
    else if (isSchemaNode(counterpart)) checkNode(child, { path: childPath, outside: counterpart });
    else fail(childPath, "a field inside anyOf, oneOf, allOf or not must also be specified outside them");
  }
}

function checkItems(node: SchemaNode, walk: Walk): void {
  const { path, outside } = walk;
  if (node.items === undefined) return;
  const itemsPath = `${path}[*]`;
  const counterpart = outside === undefined ? undefined : itemsOf(outside);
  if (outside !== undefined && counterpart === undefined) fail(itemsPath, "items inside anyOf, oneOf, allOf or not must also be specified outside them");
  checkNode(node.items, { path: itemsPath, outside: counterpart });
}

function checkJunctors(node: SchemaNode, walk: Walk): void {
  const { path } = walk;
  // Inside a junctor, fields are compared with the same position outside every junctor.
  const outside = walk.outside ?? node;
  for (const junctor of ["anyOf", "oneOf", "allOf"] as const) {
    const branches = node[junctor];
    if (branches === undefined) continue;
    if (!Array.isArray(branches)) fail(path, `${junctor} must be a list of schemas`);
    branches.forEach((branch, index) => { checkNode(branch, { path: `${path}(${junctor}[${index}])`, outside }); });
  }
  if (node.not !== undefined) checkNode(node.not, { path: `${path}(not)`, outside });
}

function checkChildren(node: SchemaNode, walk: Walk): void {
  checkProperties(node, walk);
  checkItems(node, walk);
  if (isSchemaNode(node.additionalProperties)) checkNode(node.additionalProperties, { path: `${walk.path}{*}`, outside: walk.outside });
  checkJunctors(node, walk);
}

function checkNode(value: unknown, walk: Walk): void {
  const { path, outside } = walk;
  if (!isSchemaNode(value)) fail(path, "a schema must be an object");
  checkKeywords(value, path);
  if (outside === undefined) checkType(value, path);
  else checkInsideJunctor(value, path);
  checkValues(value, path);
  checkListType(value, path);
  checkValidations(value, path);
  checkChildren(value, walk);
}

/**
 * Throws a StructuralSchemaError unless `schema` is a structural schema Kubernetes accepts as a CRD's
 * openAPIV3Schema. Paths are field paths (`spec.auth.clientIds[*]`), with `(anyOf[1])` for branches.
 */
export function assertStructural(schema: unknown): void {
  if (!isSchemaNode(schema)) fail("(root)", "a schema must be an object");
  if (schema.type !== "object") fail("(root)", "the root must be of type object");
  checkNode(schema, { path: "", outside: undefined });
  const metadata = isSchemaNode(schema.properties) ? schema.properties.metadata : undefined;
  if (isSchemaNode(metadata)) {
    const allowed = new Set(["name", "generateName"]);
    const fields = isSchemaNode(metadata.properties) ? Object.keys(metadata.properties) : [];
    const extra = fields.find((field) => !allowed.has(field));
    if (extra !== undefined) fail(`metadata.${extra}`, "only metadata.name and metadata.generateName may be restricted");
  }
}

/** Throws unless every field has a description, so `kubectl explain` documents the whole API. */
export function assertDescribed(schema: unknown, path = ""): void {
  if (!isSchemaNode(schema)) return;
  if (isSchemaNode(schema.properties)) {
    for (const [name, child] of Object.entries(schema.properties)) {
      const childPath = fieldPath(path, name);
      // The API server documents metadata itself.
      const exempt = path === "" && name === "metadata";
      if (!exempt && !(isSchemaNode(child) && typeof child.description === "string" && child.description !== "")) {
        fail(childPath, "every field needs a description (.describe() in zod) so kubectl explain documents it");
      }
      assertDescribed(child, childPath);
    }
  }
  assertDescribed(schema.items, `${path}[*]`);
}
