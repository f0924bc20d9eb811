// Reads one target's recipe out of the Makefile, with simple variables expanded, so a test can hold another
// build description (the Dockerfile) to the same commands.

export class MakefileError extends Error {
  readonly code = "TargetNotFound";
  constructor(target: string) {
    super(`the Makefile has no recipe for target "${target}"`);
    this.name = "MakefileError";
  }
}

/** `NAME := value` and `NAME = value` assignments at the start of a line (no conditionals, no functions). */
export function makeVariables(source: string): Record<string, string> {
  const variables: Record<string, string> = {};
  for (const match of source.matchAll(/^([A-Za-z_][A-Za-z0-9_]*)\s*:?=\s*(.*)$/gm)) {
    if (match[1] !== undefined) variables[match[1]] = (match[2] ?? "").trim();
  }
  return variables;
}

/** Expands $(NAME) and ${NAME} repeatedly; unknown names are left as written. */
export function expandVariables(text: string, variables: Readonly<Record<string, string>>): string {
  let current = text;
  for (let depth = 0; depth < 10; depth += 1) {
    const next = current.replace(/\$[({]([A-Za-z_][A-Za-z0-9_]*)[)}]/g, (whole, name: string) => variables[name] ?? whole);
    if (next === current) return next;
    current = next;
  }
  return current;
}

/** The target's recipe lines, expanded, without the `@`/`-`/`+` prefixes make strips. */
export function recipeOf(source: string, target: string): string[] {
  const lines = source.split(/\r?\n/);
  const start = lines.findIndex((line) => new RegExp(`^${target}\\s*:(?!=)`).test(line));
  if (start < 0) throw new MakefileError(target);
  const variables = makeVariables(source);
  const recipe: string[] = [];
  for (const line of lines.slice(start + 1)) {
    if (!line.startsWith("\t")) break;
    recipe.push(expandVariables(line.slice(1).replace(/^[@+-]+/, "").trim(), variables));
  }
  return recipe;
}
