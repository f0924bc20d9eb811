// The controller's metrics, named as controller-runtime and client-go name them so existing dashboards work.
import { durationBuckets, Registry, type Counter, type Gauge, type Histogram } from "./metrics.ts";

export interface ControllerMetrics {
  readonly registry: Registry;
  readonly reconcileTotal: Counter;
  readonly reconcileErrors: Counter;
  readonly terminalErrors: Counter;
  readonly reconcileTime: Histogram;
  readonly maxConcurrent: Gauge;
  readonly activeWorkers: Gauge;
  readonly queueDepth: Gauge;
  readonly queueAdds: Counter;
  readonly queueRetries: Counter;
  readonly queueLatency: Histogram;
  readonly workDuration: Histogram;
  readonly leader: Gauge;
  readonly restRequests: Counter;
  readonly restLatency: Histogram;
}

// Label names, declared so that every metric is shown from the start, before its first update.
const perController = ["controller"];
const perQueue = ["name", "controller"];

export function createControllerMetrics(registry = new Registry()): ControllerMetrics {
  return {
    registry,
    reconcileTotal: registry.counter("controller_runtime_reconcile_total", "Total number of reconciliations per controller", [
      "controller",
      "result",
    ]),
    reconcileErrors: registry.counter("controller_runtime_reconcile_errors_total", "Total number of reconciliation errors per controller", perController),
    terminalErrors: registry.counter(
      "controller_runtime_terminal_reconcile_errors_total",
      "Total number of terminal reconciliation errors per controller",
      perController,
    ),
    reconcileTime: registry.histogram(
      "controller_runtime_reconcile_time_seconds",
      "Length of time per reconciliation per controller",
      durationBuckets,
      perController,
    ),
    maxConcurrent: registry.gauge("controller_runtime_max_concurrent_reconciles", "Maximum number of concurrent reconciles per controller", perController),
    activeWorkers: registry.gauge("controller_runtime_active_workers", "Number of currently used workers per controller", perController),
    queueDepth: registry.gauge("workqueue_depth", "Current depth of workqueue", perQueue),
    queueAdds: registry.counter("workqueue_adds_total", "Total number of adds handled by workqueue", perQueue),
    queueRetries: registry.counter("workqueue_retries_total", "Total number of retries handled by workqueue", perQueue),
    queueLatency: registry.histogram(
      "workqueue_queue_duration_seconds",
      "How long in seconds an item stays in workqueue before being requested",
      durationBuckets,
      perQueue,
    ),
    workDuration: registry.histogram(
      "workqueue_work_duration_seconds",
      "How long in seconds processing an item from workqueue takes",
      durationBuckets,
      perQueue,
    ),
    leader: registry.gauge("leader_election_master_status", "Whether this instance is the leader (1) or not (0)", ["name"]),
    restRequests: registry.counter("rest_client_requests_total", "Number of HTTP requests to the Kubernetes API, by method and code", [
      "method",
      "code",
    ]),
    restLatency: registry.histogram("rest_client_request_duration_seconds", "Kubernetes API request latency in seconds", durationBuckets, [
      "verb",
    ]),
  };
}
