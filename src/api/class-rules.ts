// The validation rules of the SecuredContentClass API: name patterns, selectors and AWS identities.
import { type CelRule, mustMatch, mustNotMatch } from "./cel-rule.ts";

/**
 * A bucket name pattern is a bucket name in which `*` stands for any run of characters (none included), such as
 * `courses-*`. Nothing else is special: no `?`, no character classes, so a pattern reads the same in the class,
 * the docs and the refusal message.
 */
export const bucketNamePatternRules: readonly CelRule<string>[] = [
  mustMatch("^[a-z0-9.*-]+$", "may contain only lowercase letters, digits, dots (.), hyphens (-) and * (any run of characters)"),
  mustNotMatch("[*][*]", "must not contain ** (one * already matches any run of characters)"),
];

/** A user pool id, or a pattern over pool ids such as `us-east-1_*` (which trusts any pool of that region). */
export const userPoolPatternRule = mustMatch(
  "^([a-z]{2}(-[a-z]+)+-[0-9]+_[0-9A-Za-z]+|[0-9A-Za-z_*-]*[*][0-9A-Za-z_*-]*)$",
  "must be a Cognito user pool id such as us-east-1_AbCdEf123, or a pattern with * such as us-east-1_*",
);

export const aliasSuffixRule = mustMatch(
  "^([a-z0-9]([a-z0-9-]*[a-z0-9])?[.])*[a-z]([a-z0-9-]*[a-z0-9])?$",
  "must be a lowercase domain name such as courses.example.com, without a wildcard",
);

export const classNameRule = mustMatch(
  "^[a-z0-9]([-a-z0-9]*[a-z0-9])?([.][a-z0-9]([-a-z0-9]*[a-z0-9])?)*$",
  "must be the name of a SecuredContentClass: lowercase letters, digits, hyphens and dots",
);

export const roleArnRule = mustMatch(
  "^arn:aws[a-z-]*:iam::[0-9]{12}:role/[0-9A-Za-z+=,.@_/-]+$",
  "must be the ARN of an IAM role, such as arn:aws:iam::111122223333:role/securedcontent",
);

/** STS's own character set for ExternalId (its length, 2 to 1224, is the field's). */
export const externalIdRule = mustMatch("^[0-9A-Za-z+=,.@:/_-]+$", "must be letters, digits or any of + = , . @ : / _ -");

export const externalIdNeedsRoleRule: CelRule<{ readonly roleArn?: string | undefined; readonly externalId?: string | undefined }> = {
  rule: "!has(self.externalId) || has(self.roleArn)",
  message: "is only used with roleArn: the external id is passed when that role is assumed",
  fieldPath: ".externalId",
  holds: (aws) => aws.externalId === undefined || aws.roleArn !== undefined,
};

export const edgeRoleWithRoleRule: CelRule<{ readonly roleArn?: string | undefined; readonly edgeFunctionRoleArn?: string | undefined }> = {
  rule: "has(self.roleArn) == has(self.edgeFunctionRoleArn)",
  message: "goes with roleArn: the edge functions run under a role of the account roleArn acts in, as Lambda passes no role of another account",
  fieldPath: ".edgeFunctionRoleArn",
  holds: (aws) => (aws.roleArn === undefined) === (aws.edgeFunctionRoleArn === undefined),
};

export const labelSelectorOperators = ["In", "NotIn", "Exists", "DoesNotExist"] as const;

export const selectorRequirementValuesRule: CelRule<{ readonly operator: string; readonly values?: readonly string[] | undefined }> = {
  rule: "self.operator == 'In' || self.operator == 'NotIn' ? has(self.values) && size(self.values) > 0 : !has(self.values) || size(self.values) == 0",
  message: "must list values for In and NotIn, and none for Exists and DoesNotExist",
  fieldPath: ".values",
  holds: (requirement) =>
    requirement.operator === "In" || requirement.operator === "NotIn"
      ? (requirement.values?.length ?? 0) > 0
      : (requirement.values?.length ?? 0) === 0,
};

interface NamespacesShape {
  readonly from: string;
  readonly selector?: { readonly matchLabels?: Record<string, string> | undefined; readonly matchExpressions?: readonly unknown[] | undefined } | undefined;
}

/** An empty selector would select every namespace: `from: All` says that, so Selector must select something. */
export const selectorRequiredRule: CelRule<NamespacesShape> = {
  rule:
    "self.from != 'Selector' || (has(self.selector) && ((has(self.selector.matchLabels) && size(self.selector.matchLabels) > 0) || " +
    "(has(self.selector.matchExpressions) && size(self.selector.matchExpressions) > 0)))",
  message: "must have matchLabels or matchExpressions when from is Selector (use from: All to allow every namespace)",
  fieldPath: ".selector",
  holds: (namespaces) =>
    namespaces.from !== "Selector" ||
    Object.keys(namespaces.selector?.matchLabels ?? {}).length > 0 ||
    (namespaces.selector?.matchExpressions?.length ?? 0) > 0,
};

export const selectorOnlyWithSelectorRule: CelRule<NamespacesShape> = {
  rule: "self.from == 'Selector' || !has(self.selector)",
  message: "is read only when from is Selector: remove it, or set from: Selector",
  fieldPath: ".selector",
  holds: (namespaces) => namespaces.from === "Selector" || namespaces.selector === undefined,
};

export const atLeastOnePatternRule: CelRule<readonly string[]> = {
  rule: "size(self) >= 1",
  message: "must list at least one bucket name pattern",
  holds: (patterns) => patterns.length >= 1,
};

export const atLeastOneUserPoolRule: CelRule<readonly string[]> = {
  rule: "size(self) >= 1",
  message: "must list at least one user pool",
  holds: (pools) => pools.length >= 1,
};
