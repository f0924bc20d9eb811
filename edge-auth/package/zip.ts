// A deterministic zip: sorted entries, fixed timestamps and attributes, fixed compression level.
import { zipSync, type Zippable } from "fflate";

// fflate reads a Date's *local* fields into the DOS timestamp. A Date built from local fields gives back exactly
// those fields in every timezone, so the bytes do not depend on TZ. 1980-01-01 is the DOS epoch; noon keeps
// clear of midnight DST transitions.
function fixedLocalTimestamp(): Date {
  return new Date(1980, 0, 1, 12, 0, 0);
}

// Unix (creator OS 3), regular file, mode 0644: readable by the Lambda runtime user.
const unixCreator = 3;
const regularFileMode = (0o100644 << 16) >>> 0;

/** Zips files sorted by name with fixed metadata, so equal inputs give byte-identical archives. */
export function deterministicZip(files: ReadonlyMap<string, Uint8Array>): Uint8Array {
  const names = [...files.keys()].sort();
  const mtime = fixedLocalTimestamp();
  const entries: Zippable = {};
  for (const name of names) {
    const data = files.get(name);
    if (data === undefined) continue;
    entries[name] = [data, { level: 9, mtime, os: unixCreator, attrs: regularFileMode }];
  }
  return zipSync(entries, { level: 9, mtime });
}
