// The cases of S3's rule for a public bucket-policy statement, one table shared by the operator's unit test and
// the emulator's integration test, so the two implementations are held to the same answers.
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { repoRoot } from "../harness/paths.ts";

export interface PublicPolicyVector {
  readonly name: string;
  readonly statement: Record<string, unknown>;
  readonly public: boolean;
  readonly reason: string;
}

export function publicPolicyVectors(): readonly PublicPolicyVector[] {
  return (JSON.parse(readFileSync(join(repoRoot, "test/fixtures/public-policy-vectors.json"), "utf8")) as { vectors: PublicPolicyVector[] }).vectors;
}
