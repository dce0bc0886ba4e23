/**
 * The health check only the plugin can make: whether its settings reach its provider. An email
 * plugin's `verifyConnection` greets the server and logs in; the answer is one of the health checks,
 * so an operator sees "the SMTP password is wrong" on the health page before a customer misses a mail.
 * Asked only of an active plugin, with a short timeout (health must answer even when the provider
 * hangs), and remembered for a minute per configuration, so a page that polls health does not open an
 * SMTP session each time; a configuration change asks again at once.
 */
import type { CategoryMethod, PluginCategory } from "@digital-commerce/plugin-sdk";
import { z } from "zod";
import { callPluginMethod, findTarget, type SandboxDeps, SandboxError } from "../sandbox/index.ts";

/** The method that answers, per category that has one. */
const CONNECTION_METHODS: Partial<Record<PluginCategory, CategoryMethod>> = { email: "verifyConnection" };

export const CONNECTION_CHECK_TIMEOUT_MS = 10_000;
/** KV's shortest expiry. */
export const CONNECTION_CHECK_TTL_SECONDS = 60;

const checkSchema = z.object({ name: z.string(), ok: z.boolean(), detail: z.string() });

export interface HealthCheck {
  name: string;
  ok: boolean;
  detail: string;
}

export async function connectionCheck(
  deps: SandboxDeps,
  installation: { tenantId: string; slug: string; category: PluginCategory; state: string; updatedAt: string },
): Promise<HealthCheck | null> {
  const method = CONNECTION_METHODS[installation.category];
  if (!method || installation.state !== "active") return null;
  const key = `health:connection:${installation.tenantId}:${installation.slug}:${installation.updatedAt}`;
  const remembered = checkSchema.safeParse(await deps.env.CACHE.get(key, "json"));
  if (remembered.success) return remembered.data;
  const check = await askPlugin(deps, installation.tenantId, installation.slug, method);
  if (check) await deps.env.CACHE.put(key, JSON.stringify(check), { expirationTtl: CONNECTION_CHECK_TTL_SECONDS });
  return check;
}

async function askPlugin(
  deps: SandboxDeps,
  tenantId: string,
  slug: string,
  method: CategoryMethod,
): Promise<HealthCheck | null> {
  const target = await findTarget(deps.env, tenantId, slug);
  if (target?.state !== "active") return null;
  const name = "connection";
  try {
    const answer = z
      .boolean()
      .safeParse(await callPluginMethod(deps, target, method, [], { timeoutMs: CONNECTION_CHECK_TIMEOUT_MS }));
    if (!answer.success) return { name, ok: false, detail: `${method} answered something other than true or false` };
    return answer.data
      ? { name, ok: true, detail: `${method}: the settings reach the provider` }
      : { name, ok: false, detail: `${method}: the settings do not reach the provider; the plugin's log says why` };
  } catch (error) {
    if (error instanceof SandboxError) return { name, ok: false, detail: `${method} failed: ${error.message}` };
    throw error;
  }
}
