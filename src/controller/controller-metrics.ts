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

export function createControllerMetrics(registry = new Registry()): ControllerMetrics {
  return {
    registry,
    reconcileTotal: registry.counter("controller_runtime_reconcile_total", "Total number of reconciliations per controller"),
    reconcileErrors: registry.counter("controller_runtime_reconcile_errors_total", "Total number of reconciliation errors per controller"),
    terminalErrors: registry.counter(
      "controller_runtime_terminal_reconcile_errors_total",
      "Total number of terminal reconciliation errors per controller",
    ),
    reconcileTime: registry.histogram(
      "controller_runtime_reconcile_time_seconds",
      "Length of time per reconciliation per controller",
      durationBuckets,
    ),
    maxConcurrent: registry.gauge("controller_runtime_max_concurrent_reconciles", "Maximum number of concurrent reconciles per controller"),
    activeWorkers: registry.gauge("controller_runtime_active_workers", "Number of currently used workers per controller"),
    queueDepth: registry.gauge("workqueue_depth", "Current depth of workqueue"),
    queueAdds: registry.counter("workqueue_adds_total", "Total number of adds handled by workqueue"),
    queueRetries: registry.counter("workqueue_retries_total", "Total number of retries handled by workqueue"),
    queueLatency: registry.histogram(
      "workqueue_queue_duration_seconds",
      "How long in seconds an item stays in workqueue before being requested",
      durationBuckets,
    ),
    workDuration: registry.histogram(
      "workqueue_work_duration_seconds",
      "How long in seconds processing an item from workqueue takes",
      durationBuckets,
    ),
    leader: registry.gauge("leader_election_master_status", "Whether this instance is the leader (1) or not (0)"),
    restRequests: registry.counter("rest_client_requests_total", "Number of HTTP requests to the Kubernetes API, by method and code"),
    restLatency: registry.histogram("rest_client_request_duration_seconds", "Kubernetes API request latency in seconds", durationBuckets),
  };
}
