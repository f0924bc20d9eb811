// The Origin Access Control a resource should have, and how a live one differs: pure, no I/O.
import type { OriginAccessControlConfig, OriginAccessControlSummary } from "@aws-sdk/client-cloudfront";
import { originAccessControlName, type OwnerIdentity } from "../shared/naming.ts";

type ConfigKey = "Name" | "Description" | "OriginAccessControlOriginType" | "SigningBehavior" | "SigningProtocol";
/** Every setting of an OAC; we own them all. */
export type OwnedSettings = { readonly [K in ConfigKey]-?: NonNullable<OriginAccessControlConfig[K]> };

/** The OAC this resource should have: it signs every request to the S3 origin with SigV4. */
export function desiredOriginAccessControl(owner: OwnerIdentity): OwnedSettings {
  return {
    Name: originAccessControlName(owner),
    Description: `SecuredContentBucket ${owner.namespace}/${owner.name}`,
    OriginAccessControlOriginType: "s3",
    SigningBehavior: "always",
    SigningProtocol: "sigv4",
  };
}

/** The settings that differ from what we want, by name; empty when in sync. */
export function driftedSettings(current: Partial<OwnedSettings>, desired: OwnedSettings): string[] {
  return (Object.keys(desired) as (keyof OwnedSettings)[]).filter((key) => (current[key] ?? "") !== desired[key]);
}

/** The settings of a config or a listing's summary (which carries every setting we compare). */
export function settingsOf(config: OriginAccessControlConfig | OriginAccessControlSummary): Partial<OwnedSettings> {
  return {
    ...(config.Name === undefined ? {} : { Name: config.Name }),
    ...(config.Description === undefined ? {} : { Description: config.Description }),
    ...(config.OriginAccessControlOriginType === undefined ? {} : { OriginAccessControlOriginType: config.OriginAccessControlOriginType }),
    ...(config.SigningBehavior === undefined ? {} : { SigningBehavior: config.SigningBehavior }),
    ...(config.SigningProtocol === undefined ? {} : { SigningProtocol: config.SigningProtocol }),
  };
}
