// The SecuredContentBuckets of one round: one per seeded bucket, all on the same pool, as a platform team with
// many courses would write them.
import { securedContentBucketResource } from "../../src/api/index.ts";

export interface ResourceInputs {
  readonly namespace: string;
  readonly bucket: string;
  readonly userPoolId: string;
  readonly clientId: string;
  readonly group: string;
}

export function resourceName(bucket: string): string {
  return bucket.replace(/^scale-content-/, "courses-");
}

export function securedContentBucketManifest(inputs: ResourceInputs): Record<string, unknown> {
  const name = resourceName(inputs.bucket);
  return {
    apiVersion: securedContentBucketResource.apiVersion,
    kind: securedContentBucketResource.kind,
    metadata: { name, namespace: inputs.namespace },
    spec: {
      bucket: { name: inputs.bucket, region: "us-east-1" },
      auth: { userPoolId: inputs.userPoolId, clientIds: [inputs.clientId], requiredGroups: [inputs.group] },
      export: { configMapName: `${name}-content` },
    },
  };
}
