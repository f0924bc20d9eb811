// A small YAML emitter for plain JSON data: block style, strings quoted whenever a YAML reader could misread them.

// Plain (unquoted) only when no YAML 1.1 or 1.2 reader can take the string for anything else.
const plainSafe = /^[A-Za-z_/][A-Za-z0-9_ .,/()'=+<>-]*$/;
const ambiguousWords = /^(y|n|yes|no|on|off|true|false|null)$/i;

// JSON.stringify leaves these raw, but YAML treats them as line breaks or non-printable.
const yamlUnsafeChars = /[\u007f-\u009f\u2028\u2029\ufeff]/g;

function scalar(value: string | number | boolean | null): string {
  if (value === null || typeof value === "boolean") return String(value);
  if (typeof value === "number") {
    if (!Number.isFinite(value)) throw new Error(`cannot write ${String(value)} as YAML: it is not JSON`);
    return JSON.stringify(value);
  }
  if (plainSafe.test(value) && !value.endsWith(" ") && !ambiguousWords.test(value)) return value;
  return JSON.stringify(value).replace(yamlUnsafeChars, (char) => `\\u${char.charCodeAt(0).toString(16).padStart(4, "0")}`);
}

type Entry = readonly [key: string, value: unknown];

function entriesOf(value: object): Entry[] {
  if (Array.isArray(value)) return (value as unknown[]).map((item): Entry => ["", item === undefined ? null : item]);
  const prototype: unknown = Object.getPrototypeOf(value);
  if (prototype !== Object.prototype && prototype !== null) throw new Error("cannot write a class instance as YAML: it is not JSON");
  return Object.entries(value).filter(([, item]) => item !== undefined);
}

function inline(value: unknown): string | undefined {
  if (value === null || typeof value === "string" || typeof value === "number" || typeof value === "boolean") return scalar(value);
  if (typeof value !== "object") throw new Error(`cannot write a ${typeof value} as YAML: it is not JSON`);
  if (entriesOf(value).length === 0) return Array.isArray(value) ? "[]" : "{}";
  return undefined;
}

/** Lines of a non-empty mapping or sequence, each starting with `indent`. */
function blockLines(value: object, indent: string): string[] {
  const sequence = Array.isArray(value);
  const lines: string[] = [];
  for (const [key, item] of entriesOf(value)) {
    const flat = inline(item);
    const lead = sequence ? `${indent}-` : `${indent}${scalar(key)}:`;
    if (flat !== undefined) {
      lines.push(`${lead} ${flat}`);
    } else if (sequence) {
      // The first line of the nested block moves up beside the dash: "- key: value".
      const nested = blockLines(item as object, `${indent}  `);
      nested[0] = `${lead} ${(nested[0] ?? "").trimStart()}`;
      lines.push(...nested);
    } else {
      lines.push(lead, ...blockLines(item as object, `${indent}  `));
    }
  }
  return lines;
}

/** Writes JSON data as a YAML document ending with a newline. Throws on anything that is not JSON. */
export function toYaml(value: unknown): string {
  const flat = inline(value);
  if (flat !== undefined) return `${flat}\n`;
  return `${blockLines(value as object, "").join("\n")}\n`;
}
