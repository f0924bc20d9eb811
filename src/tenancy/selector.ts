// metav1.LabelSelector semantics over a namespace's labels: every matchLabels pair and every requirement must hold.
import type { LabelSelector } from "../api/index.ts";

type Requirement = NonNullable<LabelSelector["matchExpressions"]>[number];

function requirementHolds(requirement: Requirement, labels: Readonly<Record<string, string>>): boolean {
  const value = Object.hasOwn(labels, requirement.key) ? labels[requirement.key] : undefined;
  const values = requirement.values ?? [];
  switch (requirement.operator) {
    case "In":
      return value !== undefined && values.includes(value);
    case "NotIn":
      // As in Kubernetes: a namespace without the label is not in the set.
      return value === undefined || !values.includes(value);
    case "Exists":
      return value !== undefined;
    case "DoesNotExist":
      return value === undefined;
  }
}

export function selectorMatches(selector: LabelSelector, labels: Readonly<Record<string, string>>): boolean {
  const labelsMatch = Object.entries(selector.matchLabels ?? {}).every(([key, value]) => Object.hasOwn(labels, key) && labels[key] === value);
  return labelsMatch && (selector.matchExpressions ?? []).every((requirement) => requirementHolds(requirement, labels));
}
