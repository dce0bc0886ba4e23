/**
 * Serves the manifest's `api_endpoints` under /api/plugins/:slug/... for the
 * calling tenant, and inbound webhooks at /webhooks/:tenant/:slug/..., each only
 * while the plugin is active for that tenant. The tenant's admin token never
 * reaches the plugin: the Authorization header is removed before the call.
 */
import type { ApiEndpoint, Webhook } from "@digital-commerce/plugin-sdk";
import type { Context } from "hono";
import { Hono } from "hono";
import type { AppEnv } from "../app-env.ts";
import { AuthError, findPrincipal } from "../auth/index.ts";
import { RequestError } from "../errors/index.ts";
import { sandboxDepsOf } from "../http/index.ts";
import { findTarget, invokePlugin, SandboxError, type SandboxTarget } from "../sandbox/index.ts";

export const pluginApi = new Hono<AppEnv>();

async function activeTarget(c: Context<AppEnv>, tenantId: string, slug: string): Promise<SandboxTarget> {
  const target = await findTarget(c.env, tenantId, slug);
  if (target?.state !== "active") {
    throw new SandboxError("PLUGIN_NOT_ACTIVE", `${slug} is not active for this tenant.`, { slug });
  }
  c.set("log", c.get("log").child({ tenant: tenantId, plugin: slug }));
  return target;
}

/** The request the plugin sees: its own path, the body and headers, without the platform's credentials. */
function forwarded(request: Request, path: string): Request {
  const url = new URL(request.url);
  url.pathname = path;
  const headers = new Headers(request.headers);
  headers.delete("authorization");
  headers.delete("cookie");
  return new Request(url, { method: request.method, headers, body: request.body });
}

async function bearer(c: Context<AppEnv>) {
  const match = c.req.header("authorization")?.match(/^Bearer\s+(\S+)$/i);
  return match?.[1] ? await findPrincipal(c.env.DB, match[1]) : null;
}

pluginApi.all("/api/plugins/:slug/*", async (c) => {
  const slug = c.req.param("slug");
  const path = c.req.path.slice(`/api/plugins/${slug}`.length) || "/";
  const principal = await bearer(c);
  let tenantId = principal?.tenantId;
  if (!tenantId) {
    // public endpoints name their tenant with X-Tenant (its slug)
    const tenantSlug = c.req.header("x-tenant");
    const row = tenantSlug
      ? await c.env.DB.prepare("SELECT id FROM tenants WHERE slug = ?").bind(tenantSlug).first<{ id: string }>()
      : null;
    if (!row)
      throw new AuthError(
        "UNAUTHENTICATED",
        "Send an API token, or X-Tenant with the store's slug for a public endpoint.",
      );
    tenantId = row.id;
  }
  const target = await activeTarget(c, tenantId, slug);
  const endpoint = target.manifest.api_endpoints.find((e: ApiEndpoint) => e.method === c.req.method && e.path === path);
  if (!endpoint) {
    const list = target.manifest.api_endpoints.map((e) => `${e.method} ${e.path}`).join(", ") || "none";
    throw new RequestError("NOT_FOUND", `${slug} has no endpoint ${c.req.method} ${path}; it serves: ${list}.`);
  }
  if (endpoint.auth_required && !principal) {
    throw new AuthError("UNAUTHENTICATED", `${c.req.method} ${path} of ${slug} needs an API token.`);
  }
  return await invokePlugin(sandboxDepsOf(c), target, {
    kind: "endpoint",
    name: `${endpoint.method} ${endpoint.path}`,
    run: (worker, invocation) => worker.handleRequest(endpoint.handler, forwarded(c.req.raw, path), invocation),
  });
});

pluginApi.all("/webhooks/:tenant/:slug/*", async (c) => {
  const { tenant: tenantSlug, slug } = c.req.param();
  const tenant = await c.env.DB.prepare("SELECT id FROM tenants WHERE slug = ?")
    .bind(tenantSlug)
    .first<{ id: string }>();
  if (!tenant) throw new RequestError("NOT_FOUND", `No store "${tenantSlug}".`);
  const path = c.req.path.slice(`/webhooks/${tenantSlug}/${slug}`.length) || "/";
  const target = await activeTarget(c, tenant.id, slug);
  const webhook = target.manifest.webhooks.find((w: Webhook) => w.path === path);
  if (!webhook?.handler) {
    throw new RequestError("NOT_FOUND", `${slug} has no webhook handler at ${path}.`);
  }
  const handler = webhook.handler;
  return await invokePlugin(sandboxDepsOf(c), target, {
    kind: "webhook",
    name: path,
    run: (worker, invocation) => worker.handleRequest(handler, forwarded(c.req.raw, path), invocation),
  });
});
