// Glob patterns of the class (bucket names, user pools): `*` stands for any run of characters, nothing else is
// special. Matching is written out rather than compiled to a RegExp, so a pattern can never be a regex.

/** Whether `value` matches `pattern`, where each `*` matches any run of characters (none included). */
export function matchesPattern(pattern: string, value: string): boolean {
  const parts = pattern.split("*");
  const first = parts[0] ?? "";
  if (parts.length === 1) return value === pattern;
  const last = parts[parts.length - 1] ?? "";
  if (value.length < first.length + last.length || !value.startsWith(first) || !value.endsWith(last)) return false;
  // Each middle part is taken at its first occurrence after the previous one: the leftmost match leaves the
  // most room for the parts after it, so this finds a match whenever one exists.
  let at = first.length;
  const end = value.length - last.length;
  for (const middle of parts.slice(1, -1)) {
    const found = value.indexOf(middle, at);
    if (found === -1 || found + middle.length > end) return false;
    at = found + middle.length;
  }
  return true;
}

/** The domain `name` is `suffix` itself or a name under it (`a.example.com` is under `example.com`, `aexample.com` is not). */
export function isUnderDomain(name: string, suffix: string): boolean {
  return name === suffix || name.endsWith(`.${suffix}`);
}
