// Reads the Prometheus text format (the operator's /metrics and kube-apiserver's) into samples, and sums and
// subtracts counters by label, so the benchmark can count calls between two scrapes.

export type Labels = Readonly<Record<string, string>>;

export interface Sample {
  readonly name: string;
  readonly labels: Labels;
  readonly value: number;
}

const sampleLine = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})?\s+(\S+)(?:\s+\d+)?$/;
const labelPair = /([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"/g;

function unescapeLabel(value: string): string {
  return value.replace(/\\(["\\n])/g, (_, c: string) => (c === "n" ? "\n" : c));
}

function parseLabels(text: string | undefined): Labels {
  if (text === undefined || text === "") return {};
  const labels: Record<string, string> = {};
  for (const match of text.matchAll(labelPair)) {
    const [, key, value] = match;
    if (key !== undefined && value !== undefined) labels[key] = unescapeLabel(value);
  }
  return labels;
}

function parseValue(text: string): number {
  if (text === "+Inf") return Number.POSITIVE_INFINITY;
  if (text === "-Inf") return Number.NEGATIVE_INFINITY;
  return Number(text);
}

/** Every sample line of a scrape; comments, blank lines and malformed lines are skipped. */
export function parsePrometheusText(text: string): Sample[] {
  const samples: Sample[] = [];
  for (const raw of text.split("\n")) {
    const line = raw.trim();
    if (line === "" || line.startsWith("#")) continue;
    const match = sampleLine.exec(line);
    if (match?.[1] === undefined || match[3] === undefined) continue;
    const value = parseValue(match[3]);
    if (Number.isNaN(value)) continue;
    samples.push({ name: match[1], labels: parseLabels(match[2]), value });
  }
  return samples;
}

/** The sum of a metric's samples whose labels pass `keep`. */
export function sumOf(samples: readonly Sample[], name: string, keep: (labels: Labels) => boolean = () => true): number {
  let total = 0;
  for (const sample of samples) if (sample.name === name && keep(sample.labels)) total += sample.value;
  return total;
}

/** A metric's samples summed by a key made from their labels (e.g. the AWS operation). */
export function sumBy(samples: readonly Sample[], name: string, key: (labels: Labels) => string | undefined): Map<string, number> {
  const sums = new Map<string, number>();
  for (const sample of samples) {
    if (sample.name !== name) continue;
    const k = key(sample.labels);
    if (k === undefined) continue;
    sums.set(k, (sums.get(k) ?? 0) + sample.value);
  }
  return sums;
}

/** after − before, per key; keys that did not grow are left out. */
export function growth(before: ReadonlyMap<string, number>, after: ReadonlyMap<string, number>): Map<string, number> {
  const grown = new Map<string, number>();
  for (const [key, value] of after) {
    const delta = value - (before.get(key) ?? 0);
    if (delta > 0) grown.set(key, delta);
  }
  return grown;
}
