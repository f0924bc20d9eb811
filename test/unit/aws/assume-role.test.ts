import type { AssumeRoleCommand } from "@aws-sdk/client-sts";
import { describe, expect, it } from "vitest";
import { assumedRoleCredentials, identityKey } from "../../../src/aws/assume-role.ts";

/** An STS stand-in that counts AssumeRole calls and hands out credentials valid for `validMs`. */
function fakeSts(now: () => number, validMs: number) {
  const inputs: AssumeRoleCommand["input"][] = [];
  return {
    inputs,
    send: async (command: AssumeRoleCommand) => {
      inputs.push(command.input);
      await Promise.resolve();
      return { Credentials: { AccessKeyId: `AKIA${String(inputs.length)}`, SecretAccessKey: "s", SessionToken: "t", Expiration: new Date(now() + validMs) } };
    },
  };
}

describe("assumedRoleCredentials", () => {
  it("assumes the role once for concurrent callers, with the external id and session name", async () => {
    let clock = 0;
    const sts = fakeSts(() => clock, 3_600_000);
    const provider = assumedRoleCredentials({ roleArn: "arn:aws:iam::222222222222:role/r", externalId: "x-1", sessionName: "securedcontent-a", region: "us-east-1", sts: sts as never, now: () => clock });
    const [a, b] = await Promise.all([provider(), provider()]);
    expect(a.accessKeyId).toBe("AKIA1");
    expect(b.accessKeyId).toBe("AKIA1");
    expect(sts.inputs).toEqual([{ RoleArn: "arn:aws:iam::222222222222:role/r", ExternalId: "x-1", RoleSessionName: "securedcontent-a", DurationSeconds: 3600 }]);
    clock += 30 * 60_000;
    expect((await provider()).accessKeyId).toBe("AKIA1"); // still well within its hour
  });

  it("renews credentials five minutes before they expire", async () => {
    let clock = 0;
    const sts = fakeSts(() => clock, 3_600_000);
    const provider = assumedRoleCredentials({ roleArn: "arn:aws:iam::222222222222:role/r", sessionName: "s", region: "us-east-1", sts: sts as never, now: () => clock });
    await provider();
    clock = 3_600_000 - 4 * 60_000;
    expect((await provider()).accessKeyId).toBe("AKIA2");
    expect(sts.inputs[1]).not.toHaveProperty("ExternalId");
  });

  it("keys identities without revealing the external id", () => {
    expect(identityKey(undefined)).toBe("");
    expect(identityKey({})).toBe("");
    expect(identityKey({ roleArn: "arn:aws:iam::1:role/r" })).toBe("arn:aws:iam::1:role/r");
    expect(identityKey({ roleArn: "arn:aws:iam::1:role/r", externalId: "secret" })).not.toContain("secret");
  });
});
