// Runs deploy/argocd/health.lua the way Argo CD does, on a real Lua 5.1 interpreter.
import { join } from "node:path";
import { z } from "zod";
import { repoRoot } from "../../harness/paths.ts";
import { type LuaInterpreter, runLua, toLuaLiteral } from "../../harness/lua.ts";

export const healthScriptPath = join(repoRoot, "deploy", "argocd", "health.lua");

/** The argocd-cm key Argo CD reads a health check for securedcontent.io/SecuredContentBucket from. */
export const argoHealthKey = "resource.customizations.health.securedcontent.io_SecuredContentBucket";

const driverPath = join(import.meta.dirname, "argocd-driver.lua");

export const argoHealthSchema = z.object({
  status: z.enum(["Healthy", "Progressing", "Degraded", "Suspended", "Missing", "Unknown"]),
  message: z.string(),
});

export type ArgoHealth = z.infer<typeof argoHealthSchema>;

/** The health Argo CD would show for the object. */
export async function argoHealth(lua: LuaInterpreter, object: unknown, script = healthScriptPath): Promise<ArgoHealth> {
  const output = await runLua(lua, [driverPath, script], `return ${toLuaLiteral(object)}\n`);
  const newline = output.indexOf("\n");
  if (newline < 0) throw new Error(`the driver printed no status line: ${output}`);
  return argoHealthSchema.parse({ status: output.slice(0, newline), message: output.slice(newline + 1) });
}
