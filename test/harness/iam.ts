// IAM identities in the emulator for tests that turn IAM enforcement on (setIamEnforcement in moto.ts): a user
// with access keys and one inline policy that a test can replace at any time.
import { CreateAccessKeyCommand, CreateUserCommand, IAMClient, PutUserPolicyCommand } from "@aws-sdk/client-iam";
import { awsClientConfig, type HarnessEnv } from "./env.ts";

type AwsEnv = Pick<HarnessEnv, "awsEndpoint" | "awsRegion">;

export interface PolicyStatement {
  readonly Sid?: string;
  readonly Effect: "Allow" | "Deny";
  readonly Action: string | readonly string[];
  readonly Resource: string | readonly string[];
  readonly Condition?: Readonly<Record<string, Readonly<Record<string, string | readonly string[]>>>>;
}

export interface PolicyDocument {
  readonly Version: "2012-10-17";
  readonly Statement: readonly PolicyStatement[];
}

export interface IamUser {
  readonly userName: string;
  readonly arn: string;
  readonly accessKeyId: string;
  readonly secretAccessKey: string;
}

const policyName = "policy";

export function policyOf(statements: readonly PolicyStatement[]): PolicyDocument {
  return { Version: "2012-10-17", Statement: statements };
}

/** Creates an IAM user with an access key and the given inline policy (as the harness's root credentials). */
export async function createIamUser(env: AwsEnv, userName: string, policy: PolicyDocument): Promise<IamUser> {
  const iam = new IAMClient(awsClientConfig(env));
  try {
    const user = await iam.send(new CreateUserCommand({ UserName: userName }));
    await iam.send(new PutUserPolicyCommand({ UserName: userName, PolicyName: policyName, PolicyDocument: JSON.stringify(policy) }));
    const key = (await iam.send(new CreateAccessKeyCommand({ UserName: userName }))).AccessKey;
    if (key?.AccessKeyId === undefined || key.SecretAccessKey === undefined || user.User?.Arn === undefined) {
      throw new Error(`the emulator returned no access key or ARN for ${userName}`);
    }
    return { userName, arn: user.User.Arn, accessKeyId: key.AccessKeyId, secretAccessKey: key.SecretAccessKey };
  } finally {
    iam.destroy();
  }
}

/** Replaces the user's policy; the next request the user signs is decided under the new one. */
export async function setUserPolicy(env: AwsEnv, userName: string, policy: PolicyDocument): Promise<void> {
  const iam = new IAMClient(awsClientConfig(env));
  try {
    await iam.send(new PutUserPolicyCommand({ UserName: userName, PolicyName: policyName, PolicyDocument: JSON.stringify(policy) }));
  } finally {
    iam.destroy();
  }
}

/** An SDK client configuration that signs as the user instead of the harness's root credentials. */
export function clientConfigAs(env: AwsEnv, user: Pick<IamUser, "accessKeyId" | "secretAccessKey">) {
  return { ...awsClientConfig(env), credentials: { accessKeyId: user.accessKeyId, secretAccessKey: user.secretAccessKey } };
}
