// Finds the JavaScript regex features RE2 (the API server's regex engine) does not have.

function escapeProblem(pattern: string, at: number): string | undefined {
  const next = pattern[at + 1];
  if (next !== undefined && /[1-9]/.test(next)) return `backreference \\${next}`;
  if (next === "k" && pattern[at + 2] === "<") return "named backreference \\k<...>";
  return undefined;
}

function groupProblem(pattern: string, at: number): string | undefined {
  if (pattern[at + 1] !== "?") return undefined;
  const kind = pattern.slice(at + 2, at + 4);
  if (kind.startsWith("=") || kind.startsWith("!")) return `look-ahead (?${kind.charAt(0)}`;
  if (kind === "<=" || kind === "<!") return `look-behind (?${kind}`;
  if (kind.startsWith(">")) return "atomic group (?>";
  return undefined;
}

/** Index of the `]` that closes the character class opened at `at`. */
function classEnd(pattern: string, at: number): number {
  let i = at + 1;
  if (pattern[i] === "^") i++;
  // A ] right after [ or [^ is a literal.
  if (pattern[i] === "]") i++;
  for (; i < pattern.length; i++) {
    if (pattern[i] === "\\") i++;
    else if (pattern[i] === "]") return i;
  }
  return pattern.length;
}

const quantifierEnds = new Set(["*", "+", "?", "}"]);

/** Returns why the pattern would not compile in RE2, or undefined when it would. */
export function re2Incompatibility(pattern: string): string | undefined {
  for (let i = 0; i < pattern.length; i++) {
    const char = pattern.charAt(i);
    let problem: string | undefined;
    if (char === "\\") {
      problem = escapeProblem(pattern, i);
      i++;
    } else if (char === "[") {
      i = classEnd(pattern, i);
    } else if (char === "(") {
      problem = groupProblem(pattern, i);
    } else if (quantifierEnds.has(char) && pattern[i + 1] === "+") {
      problem = `possessive quantifier ${char}+`;
    }
    if (problem !== undefined) return problem;
  }
  return undefined;
}
