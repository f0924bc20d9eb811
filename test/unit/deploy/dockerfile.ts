// A small Dockerfile reader for static checks: instructions with their flags, grouped into stages, with
// global ARG defaults resolved in FROM. It follows the reference's rules for comments and line continuations,
// and refuses what it does not model (parser directives other than the default escape, heredocs).

export type DockerfileErrorCode = "InstructionBeforeFrom" | "MalformedInstruction" | "UnsupportedSyntax" | "DanglingContinuation";

export class DockerfileParseError extends Error {
  readonly code: DockerfileErrorCode;
  readonly line: number;
  constructor(code: DockerfileErrorCode, line: number, message: string) {
    super(`line ${line}: ${message}`);
    this.name = "DockerfileParseError";
    this.code = code;
    this.line = line;
  }
}

export interface Instruction {
  /** Upper-case keyword, e.g. RUN. */
  readonly keyword: string;
  /** Leading `--name=value` flags (as on COPY --from=build or RUN --mount=...). */
  readonly flags: Readonly<Record<string, string>>;
  /** The arguments after the flags, continuation lines joined with a space. */
  readonly args: string;
  /** 1-based line where the instruction starts. */
  readonly line: number;
}

export interface Stage {
  /** The image reference after ARG substitution, e.g. node:24.21.0-bookworm-slim. */
  readonly image: string;
  readonly name: string | undefined;
  readonly index: number;
  readonly instructions: readonly Instruction[];
}

export interface Dockerfile {
  /** ARG defaults declared before the first FROM. */
  readonly globalArgs: Readonly<Record<string, string>>;
  readonly stages: readonly Stage[];
}

interface LogicalLine {
  readonly text: string;
  readonly line: number;
}

/** Joins continued lines and drops comment and blank lines, as the Dockerfile reference describes. */
export function logicalLines(source: string): LogicalLine[] {
  const lines: LogicalLine[] = [];
  let pending: { parts: string[]; line: number } | undefined;
  const physical = source.split(/\r?\n/);
  physical.forEach((raw, index) => {
    const trimmed = raw.trim();
    // Comment lines are removed before continuations are joined, even in the middle of an instruction.
    if (trimmed.startsWith("#")) return;
    // Blank lines, even inside a continued instruction, are skipped.
    if (trimmed === "") return;
    const continued = /\\\s*$/.test(raw);
    const content = continued ? raw.replace(/\\\s*$/, "") : raw;
    pending ??= { parts: [], line: index + 1 };
    if (content.trim() !== "") pending.parts.push(content.trim());
    if (!continued) {
      lines.push({ text: pending.parts.join(" "), line: pending.line });
      pending = undefined;
    }
  });
  if (pending !== undefined) {
    throw new DockerfileParseError("DanglingContinuation", pending.line, "the last instruction ends with a line continuation");
  }
  return lines;
}

/** Splits an instruction into keyword, leading --flags and the remaining arguments. */
export function parseInstruction(logical: LogicalLine): Instruction {
  const match = /^([A-Za-z]+)(?:\s+(.*))?$/.exec(logical.text);
  if (match?.[1] === undefined) throw new DockerfileParseError("MalformedInstruction", logical.line, `not an instruction: ${logical.text}`);
  let rest = (match[2] ?? "").trim();
  if (/<<-?["']?[A-Za-z_]/.test(rest)) throw new DockerfileParseError("UnsupportedSyntax", logical.line, "heredocs are not supported");
  const flags: Record<string, string> = {};
  for (;;) {
    const flag = /^--([a-z-]+)(?:=(\S*))?(?:\s+|$)/.exec(rest);
    if (flag?.[1] === undefined) break;
    flags[flag[1]] = flag[2] ?? "true";
    rest = rest.slice(flag[0].length);
  }
  return { keyword: match[1].toUpperCase(), flags, args: rest, line: logical.line };
}

/** Replaces $NAME, ${NAME} and ${NAME:-default} with the given values (unknown names become empty). */
export function substitute(text: string, values: Readonly<Record<string, string>>): string {
  return text.replace(/\$\{([A-Za-z_]\w*)(?::-([^}]*))?\}|\$([A-Za-z_]\w*)/g, (_whole, braced?: string, fallback?: string, bare?: string) => {
    const value = values[braced ?? bare ?? ""];
    return value !== undefined && value !== "" ? value : (fallback ?? "");
  });
}

function parseArg(instruction: Instruction): [string, string] {
  const [name = "", ...value] = instruction.args.split("=");
  return [name.trim(), value.join("=").trim().replace(/^"(.*)"$/, "$1")];
}

function parseFrom(instruction: Instruction, args: Readonly<Record<string, string>>, index: number): Omit<Stage, "instructions"> {
  const words = instruction.args.split(/\s+/).filter((w) => w !== "");
  const [reference, as, name] = words;
  const named = words.length === 3 && as?.toUpperCase() === "AS";
  if (reference === undefined || !(words.length === 1 || named)) {
    throw new DockerfileParseError("MalformedInstruction", instruction.line, `expected FROM <image> [AS <name>], got: FROM ${instruction.args}`);
  }
  return { image: substitute(reference, args), name: named ? name : undefined, index };
}

export function parseDockerfile(source: string): Dockerfile {
  const directive = /^#\s*(syntax|escape|check)\s*=/im.exec(source.split(/\r?\n/).find((l) => l.trim() !== "") ?? "");
  if (directive !== null) throw new DockerfileParseError("UnsupportedSyntax", 1, `the ${directive[1] ?? ""} parser directive is not supported`);
  const globalArgs: Record<string, string> = {};
  const stages: { head: Omit<Stage, "instructions">; instructions: Instruction[] }[] = [];
  for (const logical of logicalLines(source)) {
    const instruction = parseInstruction(logical);
    const current = stages.at(-1);
    if (instruction.keyword === "FROM") {
      stages.push({ head: parseFrom(instruction, globalArgs, stages.length), instructions: [] });
    } else if (current !== undefined) {
      current.instructions.push(instruction);
    } else if (instruction.keyword === "ARG") {
      const [name, value] = parseArg(instruction);
      globalArgs[name] = value;
    } else {
      throw new DockerfileParseError("InstructionBeforeFrom", instruction.line, `${instruction.keyword} before the first FROM`);
    }
  }
  return { globalArgs, stages: stages.map((s) => ({ ...s.head, instructions: s.instructions })) };
}

/** The shell commands of a stage's RUN instructions, split on `&&`, `;` and `||`, in order. */
export function runCommands(stage: Stage): string[] {
  return stage.instructions
    .filter((i) => i.keyword === "RUN")
    .flatMap((i) => execForm(i.args)?.join(" ") ?? i.args)
    .flatMap((script) => script.split(/&&|\|\||;/))
    .map((command) => command.trim().replace(/\s+/g, " "))
    .filter((command) => command !== "");
}

/** The JSON (exec) form of RUN/CMD/ENTRYPOINT, or undefined for the shell form. */
export function execForm(args: string): string[] | undefined {
  if (!args.startsWith("[")) return undefined;
  try {
    const parsed: unknown = JSON.parse(args);
    return Array.isArray(parsed) && parsed.every((p) => typeof p === "string") ? parsed : undefined;
  } catch {
    return undefined;
  }
}
