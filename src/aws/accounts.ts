// The AWS clients of every identity the operator acts as: its own, and each role a SecuredContentClass names.
// Each identity has its own clients and so its own token buckets: AWS's request quotas are per account.
import { assumedRoleCredentials, identityKey, type AssumeRoleOptions, type AwsIdentity } from "./assume-role.ts";
import { AwsClients, edgeRegion, type AwsClientOptions } from "./clients.ts";

export interface AwsAccountsOptions {
  /** The clients' options; `credentials` is set per identity. */
  readonly clients: Omit<AwsClientOptions, "credentials">;
  /** The session name roles are assumed under, so CloudTrail in each account shows which operator acted. */
  readonly sessionName: string;
  /** Replaces the STS client of assumed roles (tests). */
  readonly sts?: AssumeRoleOptions["sts"];
}

export class AwsAccounts {
  readonly #options: AwsAccountsOptions;
  readonly #clients = new Map<string, { readonly clients: AwsClients; readonly destroy: () => void }>();

  constructor(options: AwsAccountsOptions) {
    this.#options = options;
  }

  /** The operator's own clients, from the default credential chain. */
  get own(): AwsClients {
    return this.clientsFor(undefined);
  }

  /** The clients acting as `identity` (the operator's own when it names no role), made once and kept. */
  clientsFor(identity: AwsIdentity | undefined): AwsClients {
    const key = identityKey(identity);
    const known = this.#clients.get(key);
    if (known !== undefined) return known.clients;
    const roleArn = identity?.roleArn;
    const credentials =
      roleArn === undefined
        ? undefined
        : assumedRoleCredentials({
            roleArn,
            externalId: identity?.externalId,
            sessionName: this.#options.sessionName,
            region: edgeRegion,
            ...(this.#options.sts === undefined ? {} : { sts: this.#options.sts }),
          });
    const clients = new AwsClients({ ...this.#options.clients, ...(credentials === undefined ? {} : { credentials }) });
    this.#clients.set(key, { clients, destroy: () => { clients.destroy(); credentials?.destroy(); } });
    return clients;
  }

  /** The clients of every identity used so far, the operator's own first when it was used. */
  all(): readonly AwsClients[] {
    return [...this.#clients.values()].map((entry) => entry.clients);
  }

  /** Every identity used so far, by key ("" is the operator's own). */
  keys(): readonly string[] {
    return [...this.#clients.keys()];
  }

  destroy(): void {
    for (const entry of this.#clients.values()) entry.destroy();
    this.#clients.clear();
  }
}

/** RoleSessionName allows 2-64 characters of [\w+=,.@-]; the cluster name fits after the prefix once cleaned. */
export function sessionNameFor(clusterName: string): string {
  return `securedcontent-${clusterName.replace(/[^\w+=,.@-]/g, "-")}`.slice(0, 64);
}
