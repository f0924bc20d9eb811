// Builds an RFC 7386 JSON merge patch that turns one JSON value into another.
import { deepEqual } from "./deep-equal.ts";

type JsonObject = Record<string, unknown>;

function isObject(value: unknown): value is JsonObject {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/**
 * The smallest merge patch from `current` to `next`: unchanged keys are left out, removed keys become null,
 * nested objects are diffed, and arrays (which merge patch cannot edit) are sent whole.
 * Returns undefined when the two are equal.
 */
export function createMergePatch(current: unknown, next: unknown): unknown {
  if (deepEqual(current, next)) return undefined;
  if (!isObject(current) || !isObject(next)) return next === undefined ? null : next;
  const patch: JsonObject = {};
  for (const [key, value] of Object.entries(next)) {
    if (value === undefined) continue;
    const child = createMergePatch(current[key], value);
    if (child !== undefined) patch[key] = child;
  }
  for (const [key, value] of Object.entries(current)) {
    if (value !== undefined && next[key] === undefined) patch[key] = null;
  }
  return patch;
}
