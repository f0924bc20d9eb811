// A property that catches a whole class of update loops: whatever CloudFront adds or reorders in a config that
// means the same (defaults it fills in, set-like lists in another order, fields it adds, other writers'
// origins and behaviours), an in-sync distribution shows no owned field changed, and overlaying ours keeps
// what others set.
import type { DistributionConfig, Origin } from "@aws-sdk/client-cloudfront";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { changedOwnedFields, desiredDistributionConfig, originId, withOwnedFields, type DistributionInputs } from "../../../src/reconcile/distribution/desired.ts";
import { sampleDistributionInputs } from "./distribution-fixtures.ts";

const base: DistributionInputs = { ...sampleDistributionInputs, bucketRegion: "eu-west-1" };

const alias = fc.stringMatching(/^[a-z]{1,8}\.example\.com$/);
const inputsArbitrary = fc.record({
  aliases: fc.uniqueArray(alias, { maxLength: 4 }),
  compress: fc.boolean(),
  priceClass: fc.constantFrom("PriceClass_100", "PriceClass_200", "PriceClass_All"),
}).map((picked): DistributionInputs => ({
  ...base,
  ...picked,
  acmCertificateArn: picked.aliases.length === 0 ? "" : "arn:aws:acm:us-east-1:123456789012:certificate/abc",
}));

/** Fields CloudFront or other writers may add, at the places it adds them; none of them is ours. */
const extraValue = fc.oneof(fc.boolean(), fc.integer({ min: 0, max: 120 }), fc.string({ maxLength: 6 }));
const extras = fc.dictionary(fc.constantFrom("Staging", "ContinuousDeploymentPolicyId", "DefaultRootObject", "AnycastIpListId"), extraValue, { maxKeys: 3 });
const originExtras = fc.record(
  {
    OriginShield: fc.constant({ Enabled: false }),
    ConnectionAttempts: fc.integer({ min: 1, max: 3 }),
    ConnectionTimeout: fc.integer({ min: 1, max: 10 }),
    OriginPath: fc.constant(""),
  },
  { requiredKeys: [] },
);
const behaviourExtras = fc.record(
  {
    TrustedSigners: fc.constant({ Enabled: false, Quantity: 0 }),
    TrustedKeyGroups: fc.constant({ Enabled: false, Quantity: 0 }),
    FunctionAssociations: fc.constant({ Quantity: 0 }),
    FieldLevelEncryptionId: fc.constant(""),
    SmoothStreaming: fc.boolean(),
    OriginRequestPolicyId: fc.constant("216adef6-5c7f-47e4-b989-5492eafa07d3"),
  },
  { requiredKeys: [] },
);

interface Perturbation {
  readonly extras: Record<string, unknown>;
  readonly originExtras: Record<string, unknown>;
  readonly behaviourExtras: Record<string, unknown>;
  readonly readTimeout: number | undefined;
  readonly reorder: boolean;
  readonly dropEmptyItems: boolean;
  readonly otherOrigin: boolean;
}

const perturbation: fc.Arbitrary<Perturbation> = fc.record({
  extras,
  originExtras,
  behaviourExtras,
  readTimeout: fc.option(fc.integer({ min: 1, max: 120 }), { nil: undefined }),
  reorder: fc.boolean(),
  dropEmptyItems: fc.boolean(),
  otherOrigin: fc.boolean(),
});

function reversed<T>(items: readonly T[] | undefined): T[] | undefined {
  return items === undefined ? undefined : [...items].reverse();
}

type AllowedMethods = NonNullable<DistributionConfig["DefaultCacheBehavior"]>["AllowedMethods"];

function reorderedMethods(methods: AllowedMethods): AllowedMethods {
  if (methods === undefined) return undefined;
  const cached = methods.CachedMethods;
  return { ...methods, Items: reversed(methods.Items), ...(cached === undefined ? {} : { CachedMethods: { ...cached, Items: reversed(cached.Items) } }) };
}

/** The config as CloudFront could return it, meaning the same. */
function asReturned(config: DistributionConfig, change: Perturbation): DistributionConfig {
  const json = structuredClone(config) as DistributionConfig & Record<string, unknown>;
  Object.assign(json, change.extras);
  const origins: Origin[] = json.Origins?.Items ?? [];
  const ours = origins.find((origin) => origin.Id === originId);
  if (ours !== undefined) {
    Object.assign(ours, change.originExtras);
    if (change.readTimeout !== undefined) ours.S3OriginConfig = { OriginAccessIdentity: "", ...ours.S3OriginConfig, OriginReadTimeout: change.readTimeout };
  }
  if (change.otherOrigin) {
    const other: Origin = { Id: "someone-else", DomainName: "example.org", CustomOriginConfig: { HTTPPort: 80, HTTPSPort: 443, OriginProtocolPolicy: "https-only" } };
    json.Origins = { Quantity: origins.length + 1, Items: [other, ...origins] };
  }
  const behaviour = json.DefaultCacheBehavior;
  if (behaviour !== undefined) {
    Object.assign(behaviour, change.behaviourExtras);
    if (change.reorder) behaviour.AllowedMethods = reorderedMethods(behaviour.AllowedMethods);
  }
  if (change.reorder && json.Aliases !== undefined) json.Aliases = { ...json.Aliases, Items: reversed(json.Aliases.Items) };
  if (change.dropEmptyItems) {
    if (json.Aliases?.Quantity === 0) json.Aliases = { Quantity: 0 };
    if (json.CacheBehaviors?.Quantity === 0) json.CacheBehaviors = { Quantity: 0 };
  }
  return json;
}

describe("comparing with a distribution as CloudFront returns it", () => {
  it("finds nothing to change when the config means the same, whatever was added or reordered", () => {
    fc.assert(
      fc.property(inputsArbitrary, perturbation, (inputs, change) => {
        const returned = asReturned(desiredDistributionConfig(inputs), change);
        expect(changedOwnedFields(returned, inputs)).toEqual([]);
      }),
      { numRuns: 500 },
    );
  });

  it("keeps what others set when it overlays its own fields, and is then in sync", () => {
    fc.assert(
      fc.property(inputsArbitrary, inputsArbitrary, perturbation, (before, after, change) => {
        const returned = asReturned(desiredDistributionConfig(before), change);
        const updated = withOwnedFields(returned, after);
        expect(changedOwnedFields(updated, after)).toEqual([]);
        const ours = updated.Origins?.Items?.find((origin) => origin.Id === originId);
        if (change.readTimeout !== undefined) expect(ours?.S3OriginConfig?.OriginReadTimeout).toBe(change.readTimeout);
        for (const [key, value] of Object.entries(change.originExtras)) expect(ours).toHaveProperty(key, value);
        for (const [key, value] of Object.entries(change.behaviourExtras)) expect(updated.DefaultCacheBehavior).toHaveProperty(key, value);
        expect(updated.Origins?.Items?.some((origin) => origin.Id === "someone-else")).toBe(change.otherOrigin);
      }),
      { numRuns: 300 },
    );
  });

  it("still sees a real change of an owned field among the noise", () => {
    fc.assert(
      fc.property(perturbation, (change) => {
        const returned = asReturned(desiredDistributionConfig(base), change);
        expect(changedOwnedFields(returned, { ...base, compress: false })).toEqual(["DefaultCacheBehavior.Compress"]);
        expect(changedOwnedFields(returned, { ...base, originAccessControlId: "EOTHER" })).toEqual(["Origin.OriginAccessControlId"]);
      }),
      { numRuns: 200 },
    );
  });
});
