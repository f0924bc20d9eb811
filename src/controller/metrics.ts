// A small Prometheus registry: counters, gauges and histograms with labels, rendered in the text format.
// The operator needs a dozen series; a dependency for that would be larger than this file.

export type Labels = Readonly<Record<string, string>>;

interface Series {
  readonly name: string;
  readonly help: string;
  readonly type: "counter" | "gauge" | "histogram";
  render(): string[];
}

function escapeLabel(value: string): string {
  return value.replace(/\\/g, "\\\\").replace(/"/g, '\\"').replace(/\n/g, "\\n");
}

function labelText(labels: Labels): string {
  const parts = Object.entries(labels).map(([k, v]) => `${k}="${escapeLabel(v)}"`);
  return parts.length === 0 ? "" : `{${parts.join(",")}}`;
}

function labelKey(labels: Labels): string {
  return JSON.stringify(Object.entries(labels).sort(([a], [b]) => a.localeCompare(b)));
}

abstract class ScalarSeries implements Series {
  abstract readonly type: "counter" | "gauge";
  readonly name: string;
  readonly help: string;
  protected readonly values = new Map<string, { labels: Labels; value: number }>();

  constructor(name: string, help: string) {
    this.name = name;
    this.help = help;
  }

  get(labels: Labels = {}): number {
    return this.values.get(labelKey(labels))?.value ?? 0;
  }

  protected update(labels: Labels, change: (current: number) => number): void {
    const key = labelKey(labels);
    const entry = this.values.get(key);
    if (entry === undefined) this.values.set(key, { labels, value: change(0) });
    else entry.value = change(entry.value);
  }

  render(): string[] {
    return [...this.values.values()].map(({ labels, value }) => `${this.name}${labelText(labels)} ${value}`);
  }
}

export class Counter extends ScalarSeries {
  readonly type = "counter";
  inc(labels: Labels = {}, delta = 1): void {
    this.update(labels, (current) => current + delta);
  }
}

export class Gauge extends ScalarSeries {
  readonly type = "gauge";
  set(labels: Labels, value: number): void {
    this.update(labels, () => value);
  }
  inc(labels: Labels = {}, delta = 1): void {
    this.update(labels, (current) => current + delta);
  }
}

export class Histogram implements Series {
  readonly type = "histogram";
  readonly name: string;
  readonly help: string;
  readonly #buckets: readonly number[];
  readonly #values = new Map<string, { labels: Labels; counts: number[]; sum: number; count: number }>();

  constructor(name: string, help: string, buckets: readonly number[]) {
    this.name = name;
    this.help = help;
    this.#buckets = [...buckets].sort((a, b) => a - b);
  }

  observe(labels: Labels, value: number): void {
    const key = labelKey(labels);
    let entry = this.#values.get(key);
    if (entry === undefined) {
      entry = { labels, counts: this.#buckets.map(() => 0), sum: 0, count: 0 };
      this.#values.set(key, entry);
    }
    const counts = entry.counts;
    this.#buckets.forEach((bound, i) => {
      if (value <= bound) counts[i] = (counts[i] ?? 0) + 1;
    });
    entry.sum += value;
    entry.count += 1;
  }

  count(labels: Labels = {}): number {
    return this.#values.get(labelKey(labels))?.count ?? 0;
  }

  render(): string[] {
    return [...this.#values.values()].flatMap(({ labels, counts, sum, count }) => [
      ...this.#buckets.map((bound, i) => `${this.name}_bucket${labelText({ ...labels, le: String(bound) })} ${counts[i] ?? 0}`),
      `${this.name}_bucket${labelText({ ...labels, le: "+Inf" })} ${count}`,
      `${this.name}_sum${labelText(labels)} ${sum}`,
      `${this.name}_count${labelText(labels)} ${count}`,
    ]);
  }
}

export class Registry {
  readonly #series = new Map<string, Series>();

  counter(name: string, help: string): Counter {
    return this.#register(new Counter(name, help));
  }

  gauge(name: string, help: string): Gauge {
    return this.#register(new Gauge(name, help));
  }

  histogram(name: string, help: string, buckets: readonly number[]): Histogram {
    return this.#register(new Histogram(name, help, buckets));
  }

  /** The Prometheus text exposition format, version 0.0.4. */
  render(): string {
    const lines: string[] = [];
    for (const series of this.#series.values()) {
      lines.push(`# HELP ${series.name} ${series.help}`, `# TYPE ${series.name} ${series.type}`, ...series.render());
    }
    return `${lines.join("\n")}\n`;
  }

  #register<S extends Series>(series: S): S {
    if (this.#series.has(series.name)) throw new Error(`metric ${series.name} is already registered`);
    this.#series.set(series.name, series);
    return series;
  }
}

/** Buckets for durations in seconds, from 5 ms to a minute, as controller-runtime uses. */
export const durationBuckets = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 15, 30, 60];
