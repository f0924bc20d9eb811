// The Node builtins the function uses, taken with process.getBuiltinModule instead of `import`.
// An ES-module import of a builtin materialises its whole namespace (node:fs drags in fs/promises and streams,
// node:crypto its lazy getters), which cost several milliseconds of cold start in bench/edge-auth; this does not.
export const { createPublicKey, verify: verifySignature } = process.getBuiltinModule("node:crypto");
export const { readFileSync } = process.getBuiltinModule("node:fs");
