// Builds the SecuredContentBucket and SecuredContentClass CustomResourceDefinitions from the zod schemas of
// their spec and status.
import { securedContentBucketResource as resource } from "../../src/api/constants.ts";
import {
  securedContentClassResource,
  securedContentClassSpecSchema,
  securedContentClassStatusSchema,
} from "../../src/api/secured-content-class.ts";
import { securedContentBucketSpecSchema } from "../../src/api/spec.ts";
import { notYetObserved, securedContentBucketStatusSchema } from "../../src/api/status.ts";
import { type SchemaNode, kubernetesJsonSchema } from "./json-schema.ts";
import { assertDescribed, assertStructural } from "./structural.ts";

const readyCondition = '.status.conditions[?(@.type=="Ready")]';

const printerColumns = [
  { name: "Ready", type: "string", jsonPath: `${readyCondition}.status`, description: "Whether the content is served securely." },
  { name: "Reason", type: "string", jsonPath: `${readyCondition}.reason`, description: "Why it is or is not ready.", priority: 1 },
  { name: "Bucket", type: "string", jsonPath: ".spec.bucket.name", description: "The S3 bucket served." },
  { name: "Region", type: "string", jsonPath: ".spec.bucket.region", description: "Region of the bucket.", priority: 1 },
  { name: "Domain", type: "string", jsonPath: ".status.distribution.domainName", description: "CloudFront domain name." },
  { name: "Age", type: "date", jsonPath: ".metadata.creationTimestamp" },
];

interface ResourceNames {
  readonly group: string;
  readonly version: string;
  readonly kind: string;
  readonly listKind: string;
  readonly plural: string;
  readonly singular: string;
  readonly shortNames: readonly string[];
  readonly categories: readonly string[];
  readonly crdName: string;
}

/** An openAPIV3Schema of a resource with spec and status; throws a StructuralSchemaError naming the field if Kubernetes would reject it. */
function openApiSchema(kind: string, description: string, spec: SchemaNode, status: SchemaNode): SchemaNode {
  const schema: SchemaNode = {
    description,
    type: "object",
    required: ["spec"],
    properties: {
      apiVersion: {
        description: "Versioned schema of this object; securedcontent.io/v1alpha1.",
        type: "string",
      },
      kind: {
        description: `Kind of this object; ${kind}.`,
        type: "string",
      },
      metadata: { type: "object" },
      spec,
      status,
    },
  };
  assertStructural(schema);
  assertDescribed(schema);
  return schema;
}

/** A CustomResourceDefinition (apiextensions.k8s.io/v1) with one version and a status subresource, as plain JSON data. */
function crdOf(names: ResourceNames, scope: "Namespaced" | "Cluster", version: SchemaNode): SchemaNode {
  return {
    apiVersion: "apiextensions.k8s.io/v1",
    kind: "CustomResourceDefinition",
    metadata: {
      name: names.crdName,
      labels: { "app.kubernetes.io/part-of": "securedcontent" },
    },
    spec: {
      group: names.group,
      scope,
      names: {
        kind: names.kind,
        listKind: names.listKind,
        plural: names.plural,
        singular: names.singular,
        shortNames: [...names.shortNames],
        categories: [...names.categories],
      },
      versions: [{ name: names.version, served: true, storage: true, subresources: { status: {} }, ...version }],
    },
  };
}

/** The openAPIV3Schema of the SecuredContentBucket CRD. */
export function securedContentBucketOpenApiSchema(): SchemaNode {
  return openApiSchema(
    resource.kind,
    "SecuredContentBucket serves an existing S3 bucket only to signed-in members of Cognito groups: the operator " +
      "makes the bucket private and puts CloudFront, with a Lambda@Edge token check, in front of it.",
    kubernetesJsonSchema(securedContentBucketSpecSchema),
    // The API server fills this in until the operator writes a status: a new resource says it has not been
    // observed, which kstatus (and so Flux) reads as InProgress instead of Current.
    { ...kubernetesJsonSchema(securedContentBucketStatusSchema), default: { observedGeneration: notYetObserved } },
  );
}

/** The SecuredContentBucket CustomResourceDefinition. */
export function securedContentBucketCrd(): SchemaNode {
  return crdOf(resource, "Namespaced", {
    additionalPrinterColumns: printerColumns,
    // Lets the operator find every claim on a bucket with a field selector.
    selectableFields: [{ jsonPath: ".spec.bucket.name" }],
    schema: { openAPIV3Schema: securedContentBucketOpenApiSchema() },
  });
}

const acceptedCondition = '.status.conditions[?(@.type=="Accepted")]';

const classPrinterColumns = [
  { name: "Accepted", type: "string", jsonPath: `${acceptedCondition}.status`, description: "Whether the operator can use the class." },
  { name: "Reason", type: "string", jsonPath: `${acceptedCondition}.reason`, description: "Why it is or is not accepted.", priority: 1 },
  { name: "Consent", type: "string", jsonPath: ".spec.buckets.ownerConsent", description: "Whether bucket owners must consent with a tag." },
  { name: "Resources", type: "integer", jsonPath: ".status.resourceCount", description: "How many SecuredContentBuckets use the class." },
  { name: "Age", type: "date", jsonPath: ".metadata.creationTimestamp" },
];

/** The openAPIV3Schema of the class CRD. */
export function securedContentClassOpenApiSchema(): SchemaNode {
  return openApiSchema(
    securedContentClassResource.kind,
    "SecuredContentClass is written by the platform team: it says which namespaces may secure which buckets, " +
      "trusting which user pools, under which domains, and the defaults they get. SecuredContentBuckets name it " +
      "in spec.className, or get the class annotated securedcontent.io/is-default-class: \"true\".",
    kubernetesJsonSchema(securedContentClassSpecSchema),
    kubernetesJsonSchema(securedContentClassStatusSchema),
  );
}

/** The SecuredContentClass CustomResourceDefinition: cluster-scoped, like StorageClass and GatewayClass. */
export function securedContentClassCrd(): SchemaNode {
  return crdOf(securedContentClassResource, "Cluster", {
    additionalPrinterColumns: classPrinterColumns,
    schema: { openAPIV3Schema: securedContentClassOpenApiSchema() },
  });
}
