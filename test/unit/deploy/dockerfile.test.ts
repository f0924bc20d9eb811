// The Dockerfile, checked statically (there is no container engine here): pinned bases, a non-root final user,
// nothing fetched from URLs, the Makefile's build commands in a build stage, and production dependencies only
// in the image that runs. Each rule is also shown to catch a Dockerfile that breaks it.
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { repoRoot } from "../../harness/paths.ts";
import { DockerfileParseError, logicalLines, parseDockerfile } from "./dockerfile.ts";
import { imageRules, isPinned, type ImageRule } from "./image-rules.ts";
import { recipeOf } from "./makefile.ts";

const source = readFileSync(join(repoRoot, "Dockerfile"), "utf8");
const buildRecipe = recipeOf(readFileSync(join(repoRoot, "Makefile"), "utf8"), "build");

function parseErrorCode(text: string): string | undefined {
  try {
    parseDockerfile(text);
    return undefined;
  } catch (error) {
    return error instanceof DockerfileParseError ? error.code : "not a DockerfileParseError";
  }
}

/** The real Dockerfile with one edit; the edit must apply, or the case would prove nothing. */
function edited(from: string | RegExp, to: string): string {
  const result = source.replace(from, to);
  if (result === source) throw new Error(`the Dockerfile no longer contains ${String(from)}`);
  return result;
}

describe("the Dockerfile reader", () => {
  it("joins continued lines and drops comments and blank lines, even between continued lines", () => {
    expect(logicalLines("# top\nRUN a \\\n  # inside\n  && b \\\n\n  && c\nUSER 1\n")).toEqual([
      { text: "RUN a && b && c", line: 2 },
      { text: "USER 1", line: 7 },
    ]);
  });

  it("resolves global ARG defaults in FROM and reads leading flags", () => {
    const parsed = parseDockerfile("ARG BASE=node:22.12.0-slim\nFROM ${BASE} AS one\nFROM $BASE\nCOPY --from=one --chown=1:1 /a /b\n");
    expect(parsed.stages.map((s) => [s.image, s.name])).toEqual([["node:22.12.0-slim", "one"], ["node:22.12.0-slim", undefined]]);
    expect(parsed.stages[1]?.instructions[0]).toMatchObject({ keyword: "COPY", flags: { from: "one", chown: "1:1" }, args: "/a /b" });
  });

  it("rejects what it does not model, with a coded error", () => {
    expect(parseErrorCode("RUN echo\n")).toBe("InstructionBeforeFrom");
    expect(parseErrorCode("FROM a:1.2.3\nRUN <<EOF\necho\nEOF\n")).toBe("UnsupportedSyntax");
    expect(parseErrorCode("# syntax=docker/dockerfile:1\nFROM a:1.2.3\n")).toBe("UnsupportedSyntax");
    expect(parseErrorCode("FROM a:1.2.3\nRUN x \\\n")).toBe("DanglingContinuation");
    expect(parseErrorCode("FROM a:1.2.3 AS\n")).toBe("MalformedInstruction");
  });

  it("tells pinned images from moving ones", () => {
    expect(isPinned("node:24.21.0-bookworm-slim")).toBe(true);
    expect(isPinned(`node@sha256:${"a".repeat(64)}`)).toBe(true);
    expect(isPinned(`registry.local:5000/node:22.12.0@sha256:${"b".repeat(64)}`)).toBe(true);
    expect(isPinned("node:latest")).toBe(false);
    expect(isPinned("node:24-slim")).toBe(false);
    expect(isPinned("node")).toBe(false);
    expect(isPinned("registry.local:5000/node")).toBe(false);
  });
});

describe("the Dockerfile", () => {
  const dockerfile = parseDockerfile(source);

  it.each(Object.entries(imageRules))("passes %s", (_name, rule) => {
    expect(rule(dockerfile, buildRecipe)).toEqual([]);
  });

  it("reads the Makefile's build commands, so the comparison is with what make runs", () => {
    expect(buildRecipe).toEqual(["node_modules/.bin/tsc -p tsconfig.build.json", "node tools/build-edge-bundle.ts"]);
  });
});

describe("the rules catch a Dockerfile that breaks them", () => {
  const cases: [string, ImageRule | undefined, string][] = [
    ["a root final user", imageRules["finalUserIsNotRoot"], edited(/^USER .*$/m, "USER root")],
    ["uid 0", imageRules["finalUserIsNotRoot"], edited(/^USER .*$/m, "USER 0:0")],
    ["no USER at all", imageRules["finalUserIsNotRoot"], edited(/^USER .*$/m, "")],
    ["a latest base", imageRules["basesArePinned"], edited(/^ARG NODE_IMAGE=.*$/m, "ARG NODE_IMAGE=node:latest")],
    ["a moving major tag", imageRules["basesArePinned"], edited(/^ARG NODE_IMAGE=.*$/m, "ARG NODE_IMAGE=node:24-bookworm-slim")],
    ["Node.js 20", imageRules["basesArePinned"], edited(/^ARG NODE_IMAGE=.*$/m, "ARG NODE_IMAGE=node:20.18.0-slim")],
    ["an ADD from a URL", imageRules["nothingAddedFromUrls"], edited(/^WORKDIR \/app$/m, "WORKDIR /app\nADD https://example.com/tool.tgz /tmp/")],
    ["a build without the edge bundle", imageRules["buildsLikeTheMakefile"], edited(/\\\n\s*&& node tools\/build-edge-bundle.ts/, "")],
    ["npm install instead of npm ci", imageRules["buildsLikeTheMakefile"], edited("RUN npm ci --no-audit", "RUN npm install --no-audit")],
    ["dev dependencies in the image", imageRules["finalHasProductionDependenciesOnly"], edited("npm ci --omit=dev", "npm ci")],
    ["a shell-form entrypoint", imageRules["entrypointIsExecForm"], edited(/^ENTRYPOINT .*$/m, "ENTRYPOINT node dist/src/main.js")],
  ];

  it.each(cases)("%s", (_what, rule, text) => {
    expect(rule?.(parseDockerfile(text), buildRecipe).length).toBeGreaterThan(0);
  });
});
