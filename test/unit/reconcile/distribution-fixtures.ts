// A distribution's inputs for one resource, shared by the unit tests of the distribution's desired state.
import type { DistributionInputs } from "../../../src/reconcile/distribution/desired.ts";

export const sampleDistributionInputs: DistributionInputs = {
  callerReference: "0b7e3c1a-1111-2222-3333-444455556666",
  bucket: "simple-aws-courses-content",
  bucketRegion: "us-east-1",
  originAccessControlId: "E2QWRUHAPOMQZL",
  viewerRequestFunctionArn: "arn:aws:lambda:us-east-1:123456789012:function:scb-edge-learning-courses:3",
  responseHeadersPolicyId: "5c5a6e1f-0b7e-4c3a-9d2e-111122223333",
  priceClass: "PriceClass_100",
  aliases: [],
  acmCertificateArn: "",
  webAclArn: "",
  cachePolicy: "CachingOptimized",
  compress: true,
  logging: { bucket: "", prefix: "" },
  comment: "learning/courses",
  enabled: true,
};
