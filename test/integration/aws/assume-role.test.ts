// One operator, several AWS accounts: clients for a class's role act in the role's account, through the
// emulator's STS, and the operator's own clients do not see what they made there.
import { CreateOriginAccessControlCommand, DeleteOriginAccessControlCommand, ListOriginAccessControlsCommand } from "@aws-sdk/client-cloudfront";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { AwsAccounts, sessionNameFor } from "../../../src/aws/accounts.ts";
import { defaultRateLimits } from "../../../src/aws/clients.ts";
import { AwsError } from "../../../src/aws/errors.ts";
import { useEmulator } from "../reconcile/operator.ts";

describe("clients for an assumed role", () => {
  const env = inject("harness");
  let restore: (() => void) | undefined;
  let accounts: AwsAccounts | undefined;
  const tenantRole = { roleArn: "arn:aws:iam::222222222222:role/securedcontent-tenant", externalId: "shared-secret-1" };

  beforeAll(() => {
    restore = useEmulator(env);
    accounts = new AwsAccounts({ clients: { defaultRegion: env.awsRegion, rateLimits: defaultRateLimits, maxAttempts: 1 }, sessionName: sessionNameFor("test") });
  });
  afterAll(() => {
    accounts?.destroy();
    restore?.();
  });

  const names = async (clients: ReturnType<AwsAccounts["clientsFor"]>): Promise<string[]> => {
    const listed = await clients.cloudFront().send(new ListOriginAccessControlsCommand({}));
    return (listed.OriginAccessControlList?.Items ?? []).map((item) => item.Name ?? "");
  };

  it("acts in the role's account, apart from the operator's own", async () => {
    if (accounts === undefined) throw new Error("set up in beforeAll");
    const tenant = accounts.clientsFor(tenantRole);
    expect(accounts.clientsFor({ ...tenantRole })).toBe(tenant); // made once per identity
    const created = await tenant.cloudFront().send(
      new CreateOriginAccessControlCommand({
        OriginAccessControlConfig: { Name: "made-in-the-tenant-account", OriginAccessControlOriginType: "s3", SigningBehavior: "always", SigningProtocol: "sigv4" },
      }),
    );
    try {
      expect(await names(tenant)).toContain("made-in-the-tenant-account");
      expect(await names(accounts.own)).not.toContain("made-in-the-tenant-account");
      expect(accounts.keys()).toEqual(expect.arrayContaining(["", `${tenantRole.roleArn}#external-id`]));
    } finally {
      await tenant.cloudFront().send(new DeleteOriginAccessControlCommand({ Id: created.OriginAccessControl?.Id, IfMatch: created.ETag }));
    }
  });

  it("stalls a call whose role STS refuses as AccessDenied for sts:AssumeRole, not for the call it blocked", async () => {
    // STS's refusal as the SDK raises it (AccessDenied, 403): the trust policy does not name this operator.
    const refusing = {
      send: () => Promise.reject(Object.assign(new Error("User: arn:aws:iam::123456789012:user/op is not authorized to perform: sts:AssumeRole"), { name: "AccessDenied", $metadata: { httpStatusCode: 403 } })),
    };
    const isolated = new AwsAccounts({ clients: { defaultRegion: env.awsRegion, rateLimits: defaultRateLimits, maxAttempts: 1 }, sessionName: "s", sts: refusing });
    try {
      const failure = await names(isolated.clientsFor({ roleArn: "arn:aws:iam::333333333333:role/untrusting" })).then(
        () => undefined,
        (error: unknown) => error,
      );
      expect(failure).toBeInstanceOf(AwsError);
      const error = failure as AwsError;
      expect([error.service, error.operation, error.iamAction, error.reason, error.permanent]).toEqual(["sts", "AssumeRole", "sts:AssumeRole", "AccessDenied", true]);
    } finally {
      isolated.destroy();
    }
  });
});
