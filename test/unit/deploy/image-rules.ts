// What the operator image must be, as pure checks over a parsed Dockerfile. Each rule returns the problems it
// finds, so a test can show both that the real Dockerfile passes and that a bad one is caught.
import { execForm, runCommands, type Dockerfile, type Stage } from "./dockerfile.ts";

export type ImageRule = (dockerfile: Dockerfile, buildRecipe: readonly string[]) => string[];

/** `name:tag`, `name@sha256:...` or both (a registry port is not mistaken for a tag). */
export function imageParts(reference: string): { repository: string; tag: string | undefined; digest: string | undefined } {
  const [withoutDigest = "", digest] = reference.split("@");
  const slash = withoutDigest.lastIndexOf("/");
  const colon = withoutDigest.lastIndexOf(":");
  const tagged = colon > slash;
  return {
    repository: tagged ? withoutDigest.slice(0, colon) : withoutDigest,
    tag: tagged ? withoutDigest.slice(colon + 1) : undefined,
    digest,
  };
}

/** Pinned: a sha256 digest, or a tag naming one exact release (x.y.z), never latest or a moving major. */
export function isPinned(reference: string): boolean {
  const { tag, digest } = imageParts(reference);
  if (digest !== undefined) return /^sha256:[0-9a-f]{64}$/.test(digest);
  return tag !== undefined && /^v?\d+\.\d+\.\d+(-[a-z0-9.-]+)?$/.test(tag);
}

export function isNonRootUser(spec: string): boolean {
  const user = spec.split(":")[0]?.trim() ?? "";
  if (/^\d+$/.test(user)) return Number(user) !== 0;
  return user !== "" && user !== "root";
}

function stageNamed(dockerfile: Dockerfile, name: string | undefined): Stage | undefined {
  return dockerfile.stages.find((s) => s.name === name || String(s.index) === name);
}

/** Whether `commands` contains `expected` in the same order (other commands may come between). */
function containsInOrder(commands: readonly string[], expected: readonly string[]): boolean {
  let next = 0;
  for (const command of commands) if (command === expected[next]) next += 1;
  return next === expected.length;
}

const isCleanInstall = (command: string): boolean => /^npm ci(\s|$)/.test(command);
const omitsDev = (command: string): boolean => /\s(--omit[= ]dev|--only[= ]prod(uction)?)(\s|$)/.test(` ${command} `);

/** Production-only node_modules: `npm ci --omit=dev`, or a full install pruned with `npm prune --omit=dev`. */
function installsProductionOnly(stage: Stage): boolean {
  const commands = runCommands(stage);
  const lastInstall = commands.findLastIndex(isCleanInstall);
  if (lastInstall < 0) return false;
  return omitsDev(commands[lastInstall] ?? "") || commands.slice(lastInstall + 1).some((c) => c.startsWith("npm prune") && omitsDev(c));
}

export const hasSeparateFinalStage: ImageRule = (dockerfile) =>
  dockerfile.stages.length >= 2 ? [] : ["the build and the final image are not separate stages"];

export const basesArePinned: ImageRule = (dockerfile) =>
  dockerfile.stages.flatMap((stage) => {
    if (stageNamed(dockerfile, stage.image) !== undefined) return []; // FROM an earlier stage
    if (!isPinned(stage.image)) return [`FROM ${stage.image} is not pinned to an exact release or a digest`];
    const { repository, tag } = imageParts(stage.image);
    const major = Number(/^v?(\d+)/.exec(tag ?? "")?.[1]);
    return repository.endsWith("node") && tag !== undefined && major < 22 ? [`FROM ${stage.image} is older than Node.js 22`] : [];
  });

export const finalUserIsNotRoot: ImageRule = (dockerfile) => {
  const user = dockerfile.stages.at(-1)?.instructions.filter((i) => i.keyword === "USER").at(-1);
  if (user === undefined) return ["the final stage sets no USER, so it runs as the base image's user (root)"];
  return isNonRootUser(user.args) ? [] : [`the final stage runs as ${user.args}`];
};

export const nothingAddedFromUrls: ImageRule = (dockerfile) =>
  dockerfile.stages
    .flatMap((s) => s.instructions)
    .filter((i) => i.keyword === "ADD" && /(^|\s|")((https?|git|ssh):\/\/|git@)/.test(i.args))
    .map((i) => `line ${i.line} ADDs from a URL: ${i.args}`);

export const buildsLikeTheMakefile: ImageRule = (dockerfile, recipe) => {
  const final = dockerfile.stages.at(-1);
  const builder = dockerfile.stages.find((s) => containsInOrder(runCommands(s), recipe));
  if (recipe.length === 0) return ["the Makefile's build target has no commands"];
  if (builder === undefined) return [`no stage runs the Makefile's build commands: ${recipe.join(" && ")}`];
  if (builder === final) return ["the build runs in the final stage"];
  const commands = runCommands(builder);
  const install = commands.findIndex(isCleanInstall);
  const problems: string[] = [];
  if (install < 0 || install > commands.indexOf(recipe[0] ?? "")) problems.push("the build stage does not run npm ci before building");
  const copied = final?.instructions.some((i) => i.keyword === "COPY" && stageNamed(dockerfile, i.flags["from"]) === builder) ?? false;
  if (!copied) problems.push("the final stage copies nothing from the build stage");
  return problems;
};

export const finalHasProductionDependenciesOnly: ImageRule = (dockerfile) => {
  const final = dockerfile.stages.at(-1);
  if (final === undefined) return ["no stages"];
  if (runCommands(final).some(isCleanInstall)) {
    return installsProductionOnly(final) ? [] : ["the final stage installs dev dependencies"];
  }
  const copies = final.instructions.filter((i) => i.keyword === "COPY" && i.flags["from"] !== undefined && /node_modules/.test(i.args));
  if (copies.length !== 1) return ["the final stage neither installs nor copies exactly one node_modules"];
  const source = stageNamed(dockerfile, copies[0]?.flags["from"]);
  return source !== undefined && installsProductionOnly(source)
    ? []
    : [`node_modules comes from stage ${copies[0]?.flags["from"] ?? "?"}, which does not install production dependencies only`];
};

export const entrypointIsExecForm: ImageRule = (dockerfile) => {
  const entrypoint = dockerfile.stages.at(-1)?.instructions.filter((i) => i.keyword === "ENTRYPOINT").at(-1);
  return entrypoint !== undefined && execForm(entrypoint.args) !== undefined
    ? []
    : ["the entrypoint is not in exec form, so a shell, not the operator, would receive SIGTERM"];
};

export const imageRules: Readonly<Record<string, ImageRule>> = {
  hasSeparateFinalStage,
  basesArePinned,
  finalUserIsNotRoot,
  nothingAddedFromUrls,
  buildsLikeTheMakefile,
  finalHasProductionDependenciesOnly,
  entrypointIsExecForm,
};
