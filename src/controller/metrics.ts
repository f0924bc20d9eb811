// The operator's Prometheus metrics, kept and rendered by prom-client. This module is a thin layer over it that
// keeps the shape the controller and the operator use:
// - one registry per operator, never prom-client's global one, so that several operators in one test process
//   keep separate counts;
// - series created by name and help; label values passed with each update;
// - a synchronous read of one series' current value, which tests use (prom-client's reads are asynchronous);
// - the process's own metrics (memory, CPU, event-loop lag, GC, handles), collected once per process and shown
//   by every registry that asks for them.
import {
  collectDefaultMetrics,
  Counter as PromCounter,
  Gauge as PromGauge,
  Histogram as PromHistogram,
  Registry as PromRegistry,
} from "prom-client";

export type Labels = Readonly<Record<string, string>>;

/** A stable key for one label set, whatever the order of its entries. */
function labelKey(labels: Labels): string {
  return JSON.stringify(Object.entries(labels).sort(([a], [b]) => a.localeCompare(b)));
}

/**
 * One prom-client metric, created when its label names are known. prom-client fixes them at creation: given
 * up front, the metric is created at once (and shown before its first update); otherwise they are taken from
 * the first update.
 */
class Lazy<M> {
  readonly #create: (labelNames: readonly string[]) => M;
  #metric: M | undefined;

  constructor(create: (labelNames: readonly string[]) => M, labelNames: readonly string[] | undefined) {
    this.#create = create;
    if (labelNames !== undefined) this.#metric = create(labelNames);
  }

  for(labels: Labels): M {
    this.#metric ??= this.#create(Object.keys(labels));
    return this.#metric;
  }
}

/** The last value written per label set of a counter or gauge, for synchronous reads. */
class Values {
  readonly #values = new Map<string, number>();

  get(labels: Labels): number {
    return this.#values.get(labelKey(labels)) ?? 0;
  }

  add(labels: Labels, delta: number): void {
    this.put(labels, this.get(labels) + delta);
  }

  put(labels: Labels, value: number): void {
    this.#values.set(labelKey(labels), value);
  }
}

export class Counter {
  readonly #metric: Lazy<PromCounter>;
  readonly #values = new Values();

  constructor(metric: Lazy<PromCounter>) {
    this.#metric = metric;
  }

  inc(labels: Labels = {}, delta = 1): void {
    this.#metric.for(labels).inc(labels, delta);
    this.#values.add(labels, delta);
  }

  /** The current value of one series (0 when it was never written). */
  get(labels: Labels = {}): number {
    return this.#values.get(labels);
  }
}

export class Gauge {
  readonly #metric: Lazy<PromGauge>;
  readonly #values = new Values();

  constructor(metric: Lazy<PromGauge>) {
    this.#metric = metric;
  }

  set(labels: Labels, value: number): void {
    this.#metric.for(labels).set(labels, value);
    this.#values.put(labels, value);
  }

  inc(labels: Labels = {}, delta = 1): void {
    this.#metric.for(labels).inc(labels, delta);
    this.#values.add(labels, delta);
  }

  /** The current value of one series (0 when it was never written). */
  get(labels: Labels = {}): number {
    return this.#values.get(labels);
  }
}

export class Histogram {
  readonly #metric: Lazy<PromHistogram>;

  constructor(metric: Lazy<PromHistogram>) {
    this.#metric = metric;
  }

  observe(labels: Labels, seconds: number): void {
    this.#metric.for(labels).observe(labels, seconds);
  }
}

export interface RegistryOptions {
  /** Show the process's metrics (memory, CPU, event-loop lag, GC) beside the registry's own. Default true. */
  readonly processMetrics?: boolean;
}

let processMetrics: PromRegistry | undefined;

/**
 * The process's metrics, collected once per process: each collector holds an event-loop monitor and a GC
 * observer, which a test process with many operators should not multiply.
 */
function processMetricsRegistry(): PromRegistry {
  if (processMetrics === undefined) {
    processMetrics = new PromRegistry();
    collectDefaultMetrics({ register: processMetrics });
  }
  return processMetrics;
}

export class Registry {
  /** The content type of {@link Registry.render}'s text. */
  readonly contentType: string = PromRegistry.PROMETHEUS_CONTENT_TYPE;
  readonly #register = new PromRegistry();
  readonly #process: PromRegistry | undefined;
  readonly #names = new Set<string>();

  constructor(options: RegistryOptions = {}) {
    this.#process = (options.processMetrics ?? true) ? processMetricsRegistry() : undefined;
  }

  counter(name: string, help: string, labelNames?: readonly string[]): Counter {
    const registers = this.#claim(name);
    return new Counter(new Lazy((names) => new PromCounter({ name, help, labelNames: names, registers }), labelNames));
  }

  gauge(name: string, help: string, labelNames?: readonly string[]): Gauge {
    const registers = this.#claim(name);
    return new Gauge(new Lazy((names) => new PromGauge({ name, help, labelNames: names, registers }), labelNames));
  }

  histogram(name: string, help: string, buckets: readonly number[], labelNames?: readonly string[]): Histogram {
    const registers = this.#claim(name);
    return new Histogram(
      new Lazy((names) => new PromHistogram({ name, help, labelNames: names, buckets: [...buckets], registers }), labelNames),
    );
  }

  /** Every metric in the Prometheus text exposition format, version 0.0.4. */
  render(): Promise<string> {
    const register = this.#process === undefined ? this.#register : PromRegistry.merge([this.#process, this.#register]);
    return register.metrics();
  }

  // prom-client refuses a second metric of one name only when it registers it, which may be at its first
  // update; refusing here reports the mistake where it is made.
  #claim(name: string): PromRegistry[] {
    if (this.#names.has(name) || this.#process?.getSingleMetric(name) !== undefined) {
      throw new Error(`metric ${name} is already registered`);
    }
    this.#names.add(name);
    // Always explicit: without `registers`, prom-client would add the metric to its global registry.
    return [this.#register];
  }
}

/** Buckets for durations in seconds, from 5 ms to a minute, as controller-runtime uses. */
export const durationBuckets = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 15, 30, 60];
