// Seeds a Cognito user pool in the emulator and signs users in, for tests and the demo.
import { execFile } from "node:child_process";
import {
  AdminAddUserToGroupCommand,
  AdminCreateUserCommand,
  AdminInitiateAuthCommand,
  AdminSetUserPasswordCommand,
  CognitoIdentityProviderClient,
  CreateGroupCommand,
  CreateUserPoolClientCommand,
  CreateUserPoolCommand,
} from "@aws-sdk/client-cognito-identity-provider";
import { decodeJwt, decodeProtectedHeader } from "jose";
import { awsClientConfig, type HarnessEnv } from "./env.ts";
import { ensureMotoVenv } from "./moto.ts";

export interface SeedUser {
  readonly username: string;
  readonly groups: readonly string[];
}

export interface SeededPool {
  readonly userPoolId: string;
  readonly clientId: string;
  /** Signs a seeded user in (through the pool's first app client unless another is named). */
  signIn(username: string, clientId?: string): Promise<{ idToken: string; accessToken: string }>;
  /** Adds another app client to the pool and returns its id. */
  addClient(name: string): Promise<string>;
}

/** A throwaway password that satisfies the default pool policy; the emulator is the only thing that sees it. */
const password = "Harness-Passw0rd!";

export async function seedUserPool(
  env: Pick<HarnessEnv, "awsEndpoint" | "awsRegion">,
  options: { poolName: string; groups: readonly string[]; users: readonly SeedUser[] },
): Promise<SeededPool> {
  const cognito = new CognitoIdentityProviderClient(awsClientConfig(env));
  const pool = await cognito.send(new CreateUserPoolCommand({ PoolName: options.poolName }));
  const userPoolId = pool.UserPool?.Id;
  if (userPoolId === undefined) throw new Error("CreateUserPool returned no pool id");
  const addClient = async (name: string): Promise<string> => {
    const client = await cognito.send(
      new CreateUserPoolClientCommand({
        UserPoolId: userPoolId,
        ClientName: name,
        ExplicitAuthFlows: ["ALLOW_ADMIN_USER_PASSWORD_AUTH", "ALLOW_REFRESH_TOKEN_AUTH"],
      }),
    );
    const id = client.UserPoolClient?.ClientId;
    if (id === undefined) throw new Error("CreateUserPoolClient returned no client id");
    return id;
  };
  const clientId = await addClient(`${options.poolName}-web`);
  for (const group of options.groups) {
    await cognito.send(new CreateGroupCommand({ UserPoolId: userPoolId, GroupName: group }));
  }
  for (const user of options.users) {
    await cognito.send(new AdminCreateUserCommand({ UserPoolId: userPoolId, Username: user.username, MessageAction: "SUPPRESS" }));
    await cognito.send(
      new AdminSetUserPasswordCommand({ UserPoolId: userPoolId, Username: user.username, Password: password, Permanent: true }),
    );
    for (const group of user.groups) {
      await cognito.send(new AdminAddUserToGroupCommand({ UserPoolId: userPoolId, Username: user.username, GroupName: group }));
    }
  }
  return {
    userPoolId,
    clientId,
    addClient,
    signIn: (username, viaClient = clientId) => signInWith(cognito, { userPoolId, clientId: viaClient }, username),
  };
}

async function signInWith(
  cognito: CognitoIdentityProviderClient,
  pool: { readonly userPoolId: string; readonly clientId: string },
  username: string,
): Promise<{ idToken: string; accessToken: string }> {
  const auth = await cognito.send(
    new AdminInitiateAuthCommand({
      UserPoolId: pool.userPoolId,
      ClientId: pool.clientId,
      AuthFlow: "ADMIN_USER_PASSWORD_AUTH",
      AuthParameters: { USERNAME: username, PASSWORD: password },
    }),
  );
  const idToken = auth.AuthenticationResult?.IdToken;
  const accessToken = auth.AuthenticationResult?.AccessToken;
  if (idToken === undefined || accessToken === undefined) throw new Error(`no tokens for ${username}`);
  return { idToken, accessToken };
}

/** Signs a user that seedUserPool created in: for a process that knows the pool but not the SeededPool object. */
export async function signInSeededUser(
  env: Pick<HarnessEnv, "awsEndpoint" | "awsRegion">,
  pool: { readonly userPoolId: string; readonly clientId: string },
  username: string,
): Promise<{ idToken: string; accessToken: string }> {
  const cognito = new CognitoIdentityProviderClient(awsClientConfig(env));
  try {
    return await signInWith(cognito, pool, username);
  } finally {
    cognito.destroy();
  }
}

/** The emulator serves each pool's JWKS under the pool id, like Cognito's well-known URL. */
export function emulatorJwksUrl(awsEndpoint: string, userPoolId: string): string {
  return `${awsEndpoint}/${userPoolId}/.well-known/jwks.json`;
}

// moto signs every pool's tokens with one RSA key that ships in its package. Signing with it through moto's own
// JOSE library gives exactly the token the pool would issue with those claims: e.g. the same token, expired.
const reissueScript = `
import json, sys
from joserfc import jwk, jwt
from moto.utilities.utils import load_resource
request = json.load(sys.stdin)
key = jwk.RSAKey.import_key(load_resource("cognitoidp/resources/jwks-private.json"))
print(jwt.encode(request["header"], request["payload"], key))
`;

/** A token issued by the emulator's Cognito, signed again by the emulator's key with some claims changed. */
export async function reissueToken(token: string, changes: Readonly<Record<string, unknown>>): Promise<string> {
  const python = await ensureMotoVenv(() => undefined);
  const request = { header: decodeProtectedHeader(token), payload: { ...decodeJwt(token), ...changes } };
  return new Promise((resolveRun, reject) => {
    const child = execFile(python, ["-c", reissueScript], { timeout: 30_000 }, (error, stdout, stderr) => {
      if (error) reject(new Error(`re-signing a token with the emulator's key failed: ${stderr || error.message}`));
      else resolveRun(stdout.trim());
    });
    child.stdin?.end(JSON.stringify(request));
  });
}
