// The operator's own metrics beside controller-runtime's: AWS calls by service, operation and outcome, and
// drift corrections by kind.
import { durationBuckets, type Counter, type Histogram, type Registry } from "../controller/metrics.ts";

export interface OperatorMetrics {
  readonly awsCalls: Counter;
  readonly awsCallDuration: Histogram;
  readonly driftCorrections: Counter;
  readonly edgeFunctionsDeleted: Counter;
  recordAwsCall(service: string, operation: string, outcome: string, seconds: number): void;
}

export function createOperatorMetrics(registry: Registry): OperatorMetrics {
  const awsCalls = registry.counter("securedcontent_aws_calls_total", "AWS API calls by service, operation and outcome");
  const awsCallDuration = registry.histogram("securedcontent_aws_call_duration_seconds", "AWS API call latency by service", durationBuckets);
  const driftCorrections = registry.counter("securedcontent_drift_corrections_total", "Corrections of drift in AWS, by kind");
  const edgeFunctionsDeleted = registry.counter("securedcontent_edge_functions_deleted_total", "Edge functions the sweeper deleted after their resource was gone");
  return {
    edgeFunctionsDeleted,
    awsCalls,
    awsCallDuration,
    driftCorrections,
    recordAwsCall: (service, operation, outcome, seconds) => {
      awsCalls.inc({ service, operation, outcome });
      awsCallDuration.observe({ service }, seconds);
    },
  };
}
