// Writes docs/api-reference.md from the CRD the zod schema in src/api generates; with --check, fails when the
// checked-in file is stale. The renderer is exported so a test can hold the file to it.
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { securedContentBucketCrd, securedContentClassCrd } from "./crd/crd.ts";
import { isSchemaNode, type SchemaNode } from "./crd/json-schema.ts";

export const apiReferenceRelativePath = "docs/api-reference.md";
export const apiReferencePath = fileURLToPath(new URL(`../${apiReferenceRelativePath}`, import.meta.url));
export const classApiReferenceRelativePath = "docs/class-api-reference.md";
export const classApiReferencePath = fileURLToPath(new URL(`../${classApiReferenceRelativePath}`, import.meta.url));

const objectMetaLink = "https://kubernetes.io/docs/reference/kubernetes-api/common-definitions/object-meta/";

interface Column {
  readonly name: string;
  readonly jsonPath: string;
  readonly description?: string;
  readonly priority?: number;
}

/** What the reference is rendered from: the names of the API and its openAPIV3Schema. */
export interface ApiDescription {
  readonly apiVersion: string;
  readonly kind: string;
  readonly plural: string;
  readonly scope: string;
  readonly shortNames: readonly string[];
  readonly categories: readonly string[];
  readonly columns: readonly Column[];
  readonly schema: SchemaNode;
}

/** One object of the schema that gets its own section: the root, spec, spec.bucket, status.conditions[] ... */
interface Section {
  readonly path: string;
  readonly node: SchemaNode;
}

/** Reads the names, columns and schema out of the generated CustomResourceDefinition. */
export function describeCrd(crd: SchemaNode = securedContentBucketCrd()): ApiDescription {
  const spec = crd["spec"] as { group: string; scope: string; names: Record<string, unknown>; versions: Record<string, unknown>[] };
  const [version] = spec.versions;
  if (version === undefined) throw new Error("the CRD has no versions");
  const names = spec.names as { kind: string; plural: string; shortNames?: string[]; categories?: string[] };
  const schema = (version["schema"] as { openAPIV3Schema?: unknown } | undefined)?.openAPIV3Schema;
  if (!isSchemaNode(schema)) throw new Error("the CRD version has no openAPIV3Schema");
  return {
    apiVersion: `${spec.group}/${String(version["name"])}`,
    kind: names.kind,
    plural: names.plural,
    scope: spec.scope,
    shortNames: names.shortNames ?? [],
    categories: names.categories ?? [],
    columns: (version["additionalPrinterColumns"] as Column[] | undefined) ?? [],
    schema,
  };
}

/** The whole Markdown document. */
export function renderApiReference(api: ApiDescription = describeCrd()): string {
  const sections = collectSections("", api.schema);
  return [
    "<!-- Generated from the schema in src/api by `node tools/gen-api-reference.ts`. Do not edit by hand. -->",
    "",
    `# ${api.kind} API reference`,
    "",
    overview(api),
    "",
    `Every field below comes with its description from the schema in \`src/api\`, which \`kubectl explain ${api.shortNames[0] ?? api.plural}.spec\` ` +
      "shows too. The API server enforces types, limits and CEL rules at admission; the operator checks the same " +
      "rules again when it reads a resource (all but the transition rules on `oldSelf`, which only the API server " +
      (api.scope === "Cluster"
        ? "sees), and reports a class that breaks one with condition `Accepted` False, reason `InvalidSpec`."
        : "sees), and marks a resource that breaks one `Stalled` with reason `InvalidSpec`."),
    "",
    ...sections.map((section) => `${"  ".repeat(depth(section.path))}- [${title(section.path, api.kind)}](#${anchor(section.path)})`),
    `- [kubectl get columns](#kubectl-get-columns)`,
    "",
    ...sections.flatMap((section) => renderSection(section, api.kind)),
    ...renderColumns(api.columns),
  ].join("\n");
}

function overview(api: ApiDescription): string {
  const facts = [
    `API version \`${api.apiVersion}\``,
    `kind \`${api.kind}\``,
    api.scope === "Namespaced" ? "namespaced" : "cluster-scoped",
    `resource \`${api.plural}\``,
    ...(api.shortNames.length === 0 ? [] : [`short name ${api.shortNames.map(code).join(", ")}`]),
    ...(api.categories.length === 0 ? [] : [`category ${api.categories.map(code).join(", ")}`]),
  ];
  return `${facts.join(", ")}.`;
}

/** Depth-first, in schema order: every object with properties, including the items of object arrays. */
function collectSections(path: string, node: SchemaNode): Section[] {
  const sections: Section[] = [{ path, node }];
  for (const [name, child] of Object.entries(properties(node))) {
    const childPath = path === "" ? name : `${path}.${name}`;
    if (hasProperties(child)) sections.push(...collectSections(childPath, child));
    const items = child["items"];
    if (isSchemaNode(items) && hasProperties(items)) sections.push(...collectSections(`${childPath}[]`, items));
  }
  return sections;
}

function renderSection(section: Section, kind: string): string[] {
  const { path, node } = section;
  const required = new Set(Array.isArray(node["required"]) ? (node["required"] as string[]) : []);
  const rows = Object.entries(properties(node)).map(([name, child]) => {
    const childPath = path === "" ? name : `${path}.${name}`;
    const cells = [code(name), typeOf(child, childPath), required.has(name) ? "yes" : "", defaultOf(child), details(child, childPath)];
    return `| ${cells.map(cell).join(" | ")} |`;
  });
  const rules = rulesIn(section);
  return [
    `<a id="${anchor(path)}"></a>`,
    "",
    `${"#".repeat(Math.min(2 + depth(path), 6))} ${title(path, kind)}`,
    "",
    ...(descriptionOf(node, path) === "" ? [] : [prose(descriptionOf(node, path)), ""]),
    "| Field | Type | Required | Default | Description |",
    "|---|---|---|---|---|",
    ...rows,
    "",
    ...(rules.length === 0
      ? []
      : ["Rules the API server checks (CEL):", "", "| Field | Rule | Message |", "|---|---|---|", ...rules, ""]),
  ];
}

/** The CEL rules on this object and on its fields (and their array items), as table rows. */
function rulesIn(section: Section): string[] {
  const rows: string[] = [];
  const add = (field: string, node: SchemaNode): void => {
    for (const validation of validations(node)) {
      const where = [field, validation.fieldPath?.replace(/^\./, "") ?? ""].filter((part) => part !== "").join(".");
      rows.push(`| ${[where === "" ? "(this object)" : code(where), code(validation.rule), prose(validation.message)].map(cell).join(" | ")} |`);
    }
  };
  add("", section.node);
  for (const [name, child] of Object.entries(properties(section.node))) {
    // An object with fields has its own section, which lists its rules.
    if (!hasProperties(child)) add(name, child);
    const items = child["items"];
    if (isSchemaNode(items) && !hasProperties(items)) add(`${name}[]`, items);
  }
  return rows;
}

function typeOf(node: SchemaNode, path: string): string {
  const type = typeof node["type"] === "string" ? node["type"] : "any";
  if (type === "object") {
    if (hasProperties(node)) return `[object](#${anchor(path)})`;
    return path === "metadata" ? `[ObjectMeta](${objectMetaLink})` : "object";
  }
  if (type === "array") {
    const items = isSchemaNode(node["items"]) ? node["items"] : {};
    return hasProperties(items) ? `[[]object](#${anchor(`${path}[]`)})` : `[]${typeOf(items, `${path}[]`)}`;
  }
  return typeof node["format"] === "string" ? `${type} (${node["format"]})` : type;
}

function descriptionOf(node: SchemaNode, path: string): string {
  if (typeof node["description"] === "string") return node["description"];
  return path === "metadata" ? "Standard object metadata: name, namespace, labels, annotations." : "";
}

function defaultOf(node: SchemaNode): string {
  return "default" in node ? code(JSON.stringify(node["default"])) : "";
}

/** The description, then the constraints a user hits before any CEL rule. */
function details(node: SchemaNode, path: string): string {
  const items = isSchemaNode(node["items"]) ? node["items"] : undefined;
  const facts = [
    ...constraints(node, ""),
    ...(items === undefined || hasProperties(items) ? [] : constraints(items, "each item: ")),
    ...listSemantics(node),
  ];
  return [prose(descriptionOf(node, path)), ...facts].filter((part) => part !== "").join(" ");
}

function constraints(node: SchemaNode, prefix: string): string[] {
  const facts: string[] = [];
  if (Array.isArray(node["enum"])) facts.push(`one of ${node["enum"].map((value) => code(String(value))).join(", ")}`);
  const number = (keyword: string): number | undefined => (typeof node[keyword] === "number" ? node[keyword] : undefined);
  facts.push(
    ...range(number("minLength"), number("maxLength"), "character"),
    ...range(number("minItems"), number("maxItems"), "item"),
    ...range(number("minimum"), number("maximum"), ""),
  );
  if (typeof node["pattern"] === "string") facts.push(`matches ${code(node["pattern"])}`);
  return facts.map((fact) => `${prefix}${fact}.`.replace(/^./, (first) => first.toUpperCase()));
}

/** "1 to 128 characters", "at most 32 items", "at least 0". */
function range(min: number | undefined, max: number | undefined, unit: string): string[] {
  const counted = (n: number): string => (unit === "" ? String(n) : `${String(n)} ${unit}${n === 1 ? "" : "s"}`);
  if (min !== undefined && max !== undefined) return [`${String(min)} to ${counted(max)}`];
  if (min !== undefined) return [`at least ${counted(min)}`];
  if (max !== undefined) return [`at most ${counted(max)}`];
  return [];
}

function listSemantics(node: SchemaNode): string[] {
  const listType = node["x-kubernetes-list-type"];
  if (listType === "set") return ["Items are unique."];
  const keys = node["x-kubernetes-list-map-keys"];
  if (listType === "map" && Array.isArray(keys)) return [`One item per ${keys.map((key) => code(String(key))).join(", ")}.`];
  return [];
}

function renderColumns(columns: readonly Column[]): string[] {
  return [
    `<a id="kubectl-get-columns"></a>`,
    "",
    "## kubectl get columns",
    "",
    "`kubectl get` shows the columns without a priority; `-o wide` adds the others.",
    "",
    "| Column | JSONPath | Priority | Description |",
    "|---|---|---|---|",
    ...columns.map((column) =>
      `| ${[column.name, code(column.jsonPath), String(column.priority ?? 0), prose(column.description ?? "")].map(cell).join(" | ")} |`,
    ),
    "",
  ];
}

function properties(node: SchemaNode): Record<string, SchemaNode> {
  const props = node["properties"];
  if (!isSchemaNode(props)) return {};
  return Object.fromEntries(Object.entries(props).filter((entry): entry is [string, SchemaNode] => isSchemaNode(entry[1])));
}

function hasProperties(node: SchemaNode): boolean {
  return Object.keys(properties(node)).length > 0;
}

function validations(node: SchemaNode): { rule: string; message: string; fieldPath?: string }[] {
  const list = node["x-kubernetes-validations"];
  return Array.isArray(list) ? (list as { rule: string; message: string; fieldPath?: string }[]) : [];
}

function depth(path: string): number {
  return path === "" ? 0 : path.split(".").length;
}

function title(path: string, kind: string): string {
  return path === "" ? kind : path;
}

/** Explicit anchors, so links do not depend on how a Markdown renderer slugs dots and brackets. */
function anchor(path: string): string {
  if (path === "") return "resource";
  return path.replace(/\[\]/g, "-item").replace(/[^A-Za-z0-9]+/g, "-").toLowerCase();
}

function code(text: string): string {
  const fence = text.includes("`") ? "``" : "`";
  return `${fence}${fence.length === 2 ? " " : ""}${text}${fence.length === 2 ? " " : ""}${fence}`;
}

/** Text from the schema, safe as Markdown prose: no HTML tags (`<jwt>`), no emphasis from a lone `*`. */
function prose(text: string): string {
  return text.replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/\*/g, "\\*");
}

/** A table cell: one line, with pipes escaped (also inside code spans, as GitHub's tables require). */
function cell(text: string): string {
  return text.replace(/\r?\n/g, " ").replace(/\|/g, "\\|");
}

export type ApiReferenceState = "up-to-date" | "stale" | "missing";

/** Each generated reference with the text it must hold. */
export const apiReferences: readonly { readonly relativePath: string; readonly path: string; readonly render: () => string }[] = [
  { relativePath: apiReferenceRelativePath, path: apiReferencePath, render: () => renderApiReference() },
  { relativePath: classApiReferenceRelativePath, path: classApiReferencePath, render: () => renderApiReference(describeCrd(securedContentClassCrd())) },
];

export function apiReferenceState(path = apiReferencePath, render: () => string = renderApiReference): ApiReferenceState {
  if (!existsSync(path)) return "missing";
  return readFileSync(path, "utf8") === render() ? "up-to-date" : "stale";
}

function main(args: readonly string[]): number {
  const unknown = args.filter((arg) => arg !== "--check");
  if (unknown.length > 0) {
    console.error(`usage: node tools/gen-api-reference.ts [--check]\nunknown argument: ${unknown.join(" ")}`);
    return 2;
  }
  for (const reference of apiReferences) {
    if (!args.includes("--check")) {
      writeFileSync(reference.path, reference.render());
      console.log(`wrote ${reference.relativePath}`);
      continue;
    }
    const state = apiReferenceState(reference.path, reference.render);
    if (state !== "up-to-date") {
      console.error(`${reference.relativePath} is ${state}. Run \`node tools/gen-api-reference.ts\` and commit the result.`);
      return 1;
    }
    console.log(`${reference.relativePath} is up to date`);
  }
  return 0;
}

const invokedDirectly = process.argv[1] !== undefined && resolve(process.argv[1]) === fileURLToPath(import.meta.url);
if (invokedDirectly) process.exitCode = main(process.argv.slice(2));
