// docs/api-reference.md is generated from the schema, documents every field, and stays valid Markdown.
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { isSchemaNode, type SchemaNode } from "../../../tools/crd/json-schema.ts";
import { type ApiDescription, apiReferencePath, apiReferenceRelativePath, describeCrd, renderApiReference } from "../../../tools/gen-api-reference.ts";

/** Every field of the schema with its dotted path ("spec.auth.clientIds", "status.conditions[].type"). */
function fields(node: SchemaNode, path = ""): { path: string; node: SchemaNode }[] {
  const properties = isSchemaNode(node["properties"]) ? node["properties"] : {};
  return Object.entries(properties).flatMap(([name, child]) => {
    if (!isSchemaNode(child)) return [];
    const childPath = path === "" ? name : `${path}.${name}`;
    const items = child["items"];
    return [{ path: childPath, node: child }, ...fields(child, childPath), ...(isSchemaNode(items) ? fields(items, `${childPath}[]`) : [])];
  });
}

/** The rows of each section's field table, keyed by the section's path. */
function fieldRows(markdown: string): Map<string, string[]> {
  const sections = new Map<string, string[]>();
  for (const chunk of markdown.split(/^<a id="[^"]+"><\/a>$/m).slice(1)) {
    const heading = /^#+ (.+)$/m.exec(chunk)?.[1] ?? "";
    const table = chunk.split("| Field | Type |")[1] ?? "";
    const rows = table.split("\n\n")[0]?.split("\n").filter((line) => line.startsWith("| `")) ?? [];
    sections.set(heading, rows);
  }
  return sections;
}

/** Rows whose number of cells (split on pipes that are not escaped) differs from their table's header. */
function brokenRows(markdown: string): string[] {
  const cellCount = (row: string): number => row.slice(1, -1).split(/(?<!\\)\|/).length;
  const lines = markdown.split("\n");
  const broken: string[] = [];
  let columns = 0;
  lines.forEach((line, index) => {
    if (!line.startsWith("|")) columns = 0;
    else if (lines[index + 1]?.startsWith("|---") === true) columns = cellCount(line);
    else if (!line.startsWith("|---") && cellCount(line) !== columns) broken.push(line);
  });
  return broken;
}

describe("the API reference", () => {
  it(`${apiReferenceRelativePath} is what the schema in src/api generates (run node tools/gen-api-reference.ts)`, () => {
    expect(readFileSync(apiReferencePath, "utf8")).toBe(renderApiReference());
  });

  it("has a row for every field of spec and status, in its object's section, with its description", () => {
    const api = describeCrd();
    const rows = fieldRows(renderApiReference(api));
    const all = fields(api.schema);
    expect(all.length).toBeGreaterThan(40);
    for (const field of all) {
      const parent = field.path.includes(".") ? field.path.slice(0, field.path.lastIndexOf(".")) : api.kind;
      const name = field.path.slice(field.path.lastIndexOf(".") + 1);
      const row = rows.get(parent)?.find((line) => line.startsWith(`| \`${name}\` |`));
      expect(row, field.path).toBeDefined();
      const description = typeof field.node["description"] === "string" ? field.node["description"] : "";
      expect(row, field.path).toContain(description.replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/\*/g, "\\*"));
    }
  });

  it("shows required fields, defaults, enums, limits, list semantics and CEL rules, escaped for Markdown tables", () => {
    const api: ApiDescription = {
      apiVersion: "example.io/v1",
      kind: "Widget",
      plural: "widgets",
      scope: "Namespaced",
      shortNames: ["wd"],
      categories: [],
      columns: [{ name: "Size", jsonPath: ".spec.size" }],
      schema: {
        type: "object",
        properties: {
          spec: {
            description: "What a widget should be.",
            type: "object",
            required: ["name"],
            "x-kubernetes-validations": [{ rule: "self.a || self.b", message: "needs <a> or *b*", fieldPath: ".name" }],
            properties: {
              name: { description: "Name | label.", type: "string", minLength: 1, maxLength: 8, pattern: "^(a|b)$" },
              mode: { description: "Mode.", type: "string", enum: ["fast", "slow"], default: "fast" },
              tags: { type: "array", maxItems: 1, items: { type: "string" }, "x-kubernetes-list-type": "set" },
            },
          },
        },
      },
    };
    const markdown = renderApiReference(api);
    expect(markdown).toContain("API version `example.io/v1`, kind `Widget`, namespaced, resource `widgets`, short name `wd`.");
    expect(markdown).toContain("| `name` | string | yes |  | Name \\| label. 1 to 8 characters. Matches `^(a\\|b)$`. |");
    expect(markdown).toContain('| `mode` | string |  | `"fast"` | Mode. One of `fast`, `slow`. |');
    expect(markdown).toContain("| `tags` | []string |  |  | At most 1 item. Items are unique. |");
    expect(markdown).toContain("| `name` | `self.a \\|\\| self.b` | needs &lt;a&gt; or \\*b\\* |");
    expect(brokenRows(markdown)).toEqual([]);
  });

  it("keeps every table row of the real reference to its header's columns, pipes in rules and patterns escaped", () => {
    const markdown = renderApiReference();
    expect(markdown).toContain("\\|\\|");
    expect(brokenRows(markdown)).toEqual([]);
  });
});
