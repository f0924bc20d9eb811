// Credentials for acting in another AWS account: a role assumed through STS, refreshed before it expires.
// A SecuredContentClass may name such a role, so one operator can serve buckets in several accounts while
// each account's trust policy decides, with an external id, that this operator may act there.
import { AssumeRoleCommand, STSClient } from "@aws-sdk/client-sts";
import type { AwsCredentialIdentity, AwsCredentialIdentityProvider } from "@smithy/types";
import { toAwsError } from "./errors.ts";

/** Which identity acts in AWS: the operator's own, or a role it assumes. */
export interface AwsIdentity {
  readonly roleArn?: string | undefined;
  readonly externalId?: string | undefined;
}

/** The operator's own identity. */
export const ownIdentity: AwsIdentity = {};

/** A stable key for an identity: "" for the operator's own, else the role (and whether an external id is set). */
export function identityKey(identity: AwsIdentity | undefined): string {
  if (identity?.roleArn === undefined) return "";
  // The external id is a shared secret with the role's owner: the key only says one is used, never what it is.
  return identity.externalId === undefined ? identity.roleArn : `${identity.roleArn}#external-id`;
}

export interface AssumeRoleOptions {
  readonly roleArn: string;
  readonly externalId?: string | undefined;
  /** Shows in the role's CloudTrail entries which operator acted: "securedcontent-<cluster>". */
  readonly sessionName: string;
  readonly region: string;
  readonly durationSeconds?: number;
  /** Replaces the STS client (tests). */
  readonly sts?: Pick<STSClient, "send">;
  readonly now?: () => number;
}

/** Credentials are renewed this long before they expire, so no request is signed with nearly expired ones. */
const renewBeforeMs = 5 * 60_000;

/**
 * A credential provider that assumes the role on first use and again shortly before the credentials expire.
 * Concurrent callers share one AssumeRole call. A refusal is an AwsError for sts:AssumeRole, so the resource
 * that needed it stalls with AccessDenied naming that action rather than the S3 or CloudFront call it blocked.
 */
export function assumedRoleCredentials(options: AssumeRoleOptions): AwsCredentialIdentityProvider & { destroy(): void } {
  const sts: Pick<STSClient, "send"> = options.sts ?? new STSClient({ region: options.region, maxAttempts: 3 });
  const now = options.now ?? Date.now;
  let current: AwsCredentialIdentity | undefined;
  let pending: Promise<AwsCredentialIdentity> | undefined;

  async function assume(): Promise<AwsCredentialIdentity> {
    try {
      const output = await sts.send(
        new AssumeRoleCommand({
          RoleArn: options.roleArn,
          RoleSessionName: options.sessionName,
          DurationSeconds: options.durationSeconds ?? 3600,
          ...(options.externalId === undefined ? {} : { ExternalId: options.externalId }),
        }),
      );
      const credentials = output.Credentials;
      if (credentials?.AccessKeyId === undefined || credentials.SecretAccessKey === undefined) {
        throw new Error(`STS returned no credentials for ${options.roleArn}`);
      }
      return {
        accessKeyId: credentials.AccessKeyId,
        secretAccessKey: credentials.SecretAccessKey,
        ...(credentials.SessionToken === undefined ? {} : { sessionToken: credentials.SessionToken }),
        ...(credentials.Expiration === undefined ? {} : { expiration: credentials.Expiration }),
      };
    } catch (error) {
      throw toAwsError(error, "sts", "AssumeRole");
    }
  }

  const fresh = (credentials: AwsCredentialIdentity | undefined): credentials is AwsCredentialIdentity =>
    credentials !== undefined && (credentials.expiration === undefined || credentials.expiration.getTime() - renewBeforeMs > now());

  const provider = async (): Promise<AwsCredentialIdentity> => {
    if (fresh(current)) return current;
    pending ??= assume().finally(() => {
      pending = undefined;
    });
    current = await pending;
    return current;
  };
  return Object.assign(provider, { destroy: () => { if (sts instanceof STSClient) sts.destroy(); } });
}
