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

/** The openAPIV3Schema of the CRD; throws a StructuralSchemaError naming the field if Kubernetes would reject it. */
export function securedContentBucketOpenApiSchema(): SchemaNode {
  const schema: SchemaNode = {
    description:
      "SecuredContentBucket serves an existing S3 bucket only to signed-in members of Cognito groups: the operator " +
      "makes the bucket private and puts CloudFront, with a Lambda@Edge token check, in front of it.",
    type: "object",
    required: ["spec"],
    properties: {
      apiVersion: {
        description: "Versioned schema of this object; securedcontent.io/v1alpha1.",
        type: "string",
      },
      kind: {
        description: "Kind of this object; SecuredContentBucket.",
        type: "string",
      },
      metadata: { type: "object" },
      spec: kubernetesJsonSchema(securedContentBucketSpecSchema),
      // The API server fills this in until the operator writes a status: a new resource says it has not been
      // observed, which kstatus (and so Flux) reads as InProgress instead of Current.
      status: { ...kubernetesJsonSchema(securedContentBucketStatusSchema), default: { observedGeneration: notYetObserved } },
    },
  };
  assertStructural(schema);
  assertDescribed(schema);
  return schema;
}

/** The CustomResourceDefinition (apiextensions.k8s.io/v1) as plain JSON data. */
export function securedContentBucketCrd(): SchemaNode {
  return {
    apiVersion: "apiextensions.k8s.io/v1",
    kind: "CustomResourceDefinition",
    metadata: {
      name: resource.crdName,
      labels: { "app.kubernetes.io/part-of": "securedcontent" },
    },
    spec: {
      group: resource.group,
      scope: "Namespaced",
      names: {
        kind: resource.kind,
        listKind: resource.listKind,
        plural: resource.plural,
        singular: resource.singular,
        shortNames: [...resource.shortNames],
        categories: [...resource.categories],
      },
      versions: [
        {
          name: resource.version,
          served: true,
          storage: true,
          subresources: { status: {} },
          additionalPrinterColumns: printerColumns,
          // Lets the operator find every claim on a bucket with a field selector.
          selectableFields: [{ jsonPath: ".spec.bucket.name" }],
          schema: { openAPIV3Schema: securedContentBucketOpenApiSchema() },
        },
      ],
    },
  };
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
  const schema: SchemaNode = {
    description:
      "SecuredContentClass is written by the platform team: it says which namespaces may secure which buckets, " +
      "trusting which user pools, under which domains, and the defaults they get. SecuredContentBuckets name it " +
      "in spec.className, or get the class annotated securedcontent.io/is-default-class: \"true\".",
    type: "object",
    required: ["spec"],
    properties: {
      apiVersion: { description: "Versioned schema of this object; securedcontent.io/v1alpha1.", type: "string" },
      kind: { description: "Kind of this object; SecuredContentClass.", type: "string" },
      metadata: { type: "object" },
      spec: kubernetesJsonSchema(securedContentClassSpecSchema),
      status: kubernetesJsonSchema(securedContentClassStatusSchema),
    },
  };
  assertStructural(schema);
  assertDescribed(schema);
  return schema;
}

/** The SecuredContentClass CustomResourceDefinition: cluster-scoped, like StorageClass and GatewayClass. */
export function securedContentClassCrd(): SchemaNode {
  const names = securedContentClassResource;
  return {
    apiVersion: "apiextensions.k8s.io/v1",
    kind: "CustomResourceDefinition",
    metadata: { name: names.crdName, labels: { "app.kubernetes.io/part-of": "securedcontent" } },
    spec: {
      group: names.group,
      scope: "Cluster",
      names: {
        kind: names.kind,
        listKind: names.listKind,
        plural: names.plural,
        singular: names.singular,
        shortNames: [...names.shortNames],
        categories: [...names.categories],
      },
      versions: [
        {
          name: names.version,
          served: true,
          storage: true,
          subresources: { status: {} },
          additionalPrinterColumns: classPrinterColumns,
          schema: { openAPIV3Schema: securedContentClassOpenApiSchema() },
        },
      ],
    },
  };
}
