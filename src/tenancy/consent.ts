// The bucket owner's consent: a tag the bucket's owners put on it, naming who may secure it. The operator only
// reads it; writing it is the owners' decision, made in their own account with their own permissions.
//
// Format: the tag securedcontent.io/allowed-consumers holds a space-separated list of `<cluster>/<namespace>`
// entries, where <cluster> is the CLUSTER_NAME of the operator and <namespace> the namespace of the
// SecuredContentBucket, or `@all` for every namespace of that cluster. For example:
//
//   securedcontent.io/allowed-consumers = prod-eu/learning prod-eu/media staging/@all
//
// S3 tag values allow letters, digits, spaces and _ . : / = + - @, up to 256 characters; cluster names
// (letters, digits, . _ -) and namespace names (lowercase letters, digits, -) only use those. `*` is not among
// them, so "every namespace" is spelled `@all`, which no namespace name can be.

export const consentTagKey = "securedcontent.io/allowed-consumers";

/** S3's limit on a tag value. */
export const maxTagValueLength = 256;

const tagValueCharacters = /^[\p{L}\p{Z}\p{N}_.:/=+\-@]*$/u;

/** Whether S3 would accept `value` as a tag value. */
export function isValidTagValue(value: string): boolean {
  return value.length <= maxTagValueLength && tagValueCharacters.test(value);
}

/** The namespace part of an entry that stands for every namespace of the cluster. */
export const everyNamespace = "@all";

/** The entry that lets one namespace of one cluster use the bucket. */
export function consentEntry(cluster: string, namespace: string): string {
  return `${cluster}/${namespace}`;
}

function entriesOf(value: string | undefined): string[] {
  return (value ?? "").split(" ").filter((entry) => entry !== "");
}

/** Whether the tag's value lets `namespace` of `cluster` use the bucket. */
export function consentGranted(value: string | undefined, cluster: string, namespace: string): boolean {
  const entries = entriesOf(value);
  return entries.includes(consentEntry(cluster, namespace)) || entries.includes(consentEntry(cluster, everyNamespace));
}

/**
 * The value the owners would set to add `namespace` of `cluster` to the consumers the tag already lists, or
 * undefined when that value would not fit in a tag (then they must drop or merge entries, e.g. into `<cluster>/@all`).
 */
export function valueWithConsumer(value: string | undefined, cluster: string, namespace: string): string | undefined {
  const next = [...entriesOf(value), consentEntry(cluster, namespace)].join(" ");
  return isValidTagValue(next) ? next : undefined;
}
