/**
 * Serves the manifest's `api_endpoints` for a tenant while the plugin is active for it: under
 * /api/plugins/:slug/... (the tenant from the API token, or X-Tenant for a public endpoint), and under
 * /api/stores/:tenant/plugins/:slug/... for browsers, which can send neither (a sign-in redirect lands
 * there). The plugin never sees the platform's credentials: the Authorization header is removed, and
 * of the cookies only the plugin's own jar passes (cookies.ts). Its answer goes back as it is, redirects
 * included, except that the cookies it sets are kept in its jar and it cannot clear the site's data.
 * For an auth plugin holding `sessions`, the route also carries the store session: the one the request's
 * `dcp_session` names goes into the call when the plugin opened it, and a session the call opened or
 * signed out sets or clears `dcp_session` on the answer (commerce/session-cookie.ts).
 * Inbound webhooks are in webhooks.ts.
 */

import { findRoute } from "@digital-commerce/plugin-sdk";
import type { Context } from "hono";
import { Hono } from "hono";
import type { AppEnv } from "../app-env.ts";
import { AuthError, findPrincipal } from "../auth/index.ts";
import { sessionCookieAfter, storeSessionOf } from "../commerce/index.ts";
import { RequestError } from "../errors/index.ts";
import { sandboxDepsOf } from "../http/index.ts";
import { ledgerDb } from "../ledger/index.ts";
import {
  findTarget,
  grants,
  invokePlugin,
  recordSecurityEvent,
  SandboxError,
  type SandboxTarget,
} from "../sandbox/index.ts";
import { pluginCookieHeader, pluginSetCookies } from "./cookies.ts";

export const pluginEndpoints = new Hono<AppEnv>();

export async function activeTarget(c: Context<AppEnv>, tenantId: string, slug: string): Promise<SandboxTarget> {
  const target = await findTarget(c.env, tenantId, slug);
  if (target?.state !== "active") {
    throw new SandboxError("PLUGIN_NOT_ACTIVE", `${slug} is not active for this tenant.`, { slug });
  }
  c.set("log", c.get("log").child({ tenant: tenantId, plugin: slug }));
  return target;
}

/** The request the plugin sees: its own path, the body and headers, without the platform's credentials. */
export function forwarded(request: Request, path: string, slug: string): Request {
  const url = new URL(request.url);
  url.pathname = path;
  const headers = new Headers(request.headers);
  headers.delete("authorization");
  const cookies = pluginCookieHeader(headers.get("cookie"), slug);
  if (cookies) headers.set("cookie", cookies);
  else headers.delete("cookie");
  return new Request(url, { method: request.method, headers, body: request.body, redirect: "manual" });
}

// headers a plugin's answer may not carry: they act on the whole origin, which the plugin shares
const ORIGIN_WIDE = ["clear-site-data", "set-cookie"];

/** The plugin's answer as the client gets it: its cookies kept in its jar under `basePath`, and the trace id. */
export function answered(c: Context<AppEnv>, target: SandboxTarget, response: Response, basePath: string): Response {
  const { cookies, refused } = pluginSetCookies(response.headers.getSetCookie(), target.slug, basePath);
  const headers = new Headers(response.headers);
  for (const name of ORIGIN_WIDE) headers.delete(name);
  for (const cookie of cookies) headers.append("set-cookie", cookie);
  // a Response of the plugin's own is answered as it is, so the headers the middleware set must be added here
  headers.set("x-trace-id", c.get("traceId"));
  if (refused.length > 0) {
    c.executionCtx.waitUntil(
      recordSecurityEvent(ledgerDb(c.env, target.tenant.id), {
        tenantId: target.tenant.id,
        slug: target.slug,
        kind: "invalid_cookie",
        detail: `Set-Cookie refused: ${refused.join(" | ")}`,
      }),
    );
  }
  return new Response(response.body, { status: response.status, statusText: response.statusText, headers });
}

async function bearer(c: Context<AppEnv>) {
  const match = c.req.header("authorization")?.match(/^Bearer\s+(\S+)$/i);
  return match?.[1] ? await findPrincipal(c.env.DB, match[1]) : null;
}

async function tenantIdOf(c: Context<AppEnv>, tenantSlug: string): Promise<string | null> {
  const row = await c.env.DB.prepare("SELECT id FROM tenants WHERE slug = ?").bind(tenantSlug).first<{ id: string }>();
  return row?.id ?? null;
}

/** Runs the endpoint of the plugin the request names, for `tenantId`, with `principal` when a token came. */
async function serveEndpoint(
  c: Context<AppEnv>,
  tenantId: string,
  slug: string,
  basePath: string,
  principal: Awaited<ReturnType<typeof bearer>>,
): Promise<Response> {
  const path = c.req.path.slice(basePath.length) || "/";
  const target = await activeTarget(c, tenantId, slug);
  const found = findRoute(target.manifest.api_endpoints, c.req.method, path);
  if (!found) {
    const list = target.manifest.api_endpoints.map((e) => `${e.method} ${e.path}`).join(", ") || "none";
    throw new RequestError("NOT_FOUND", `${slug} has no endpoint ${c.req.method} ${path}; it serves: ${list}.`);
  }
  const endpoint = found.route;
  if (endpoint.auth_required && !principal) {
    throw new AuthError("UNAUTHENTICATED", `${c.req.method} ${path} of ${slug} needs an API token.`);
  }
  const traceId = c.get("traceId");
  const opensSessions = grants(target, "sessions") && target.manifest.category === "auth";
  const scope = { tenantId, provider: slug };
  const session = opensSessions ? await storeSessionOf(ledgerDb(c.env, tenantId), scope, c.req.header("cookie")) : null;
  const response = await invokePlugin(sandboxDepsOf(c), target, {
    kind: "endpoint",
    name: `${endpoint.method} ${endpoint.path}`,
    traceId,
    ...(session ? { session } : {}),
    params: found.params,
    run: (worker, invocation) => worker.handleRequest(endpoint.handler, forwarded(c.req.raw, path, slug), invocation),
  });
  const answer = answered(c, target, response, basePath);
  if (opensSessions) {
    // set by the platform after the plugin answered: the plugin never names the store's cookie
    const cookie = await sessionCookieAfter(ledgerDb(c.env, tenantId), { ...scope, traceId, before: session });
    if (cookie) answer.headers.append("set-cookie", cookie);
  }
  return answer;
}

pluginEndpoints.all("/api/plugins/:slug/*", async (c) => {
  const slug = c.req.param("slug");
  const principal = await bearer(c);
  let tenantId = principal?.tenantId;
  if (!tenantId) {
    // public endpoints name their tenant with X-Tenant (its slug)
    const tenantSlug = c.req.header("x-tenant");
    tenantId = (tenantSlug ? await tenantIdOf(c, tenantSlug) : null) ?? undefined;
    if (!tenantId)
      throw new AuthError(
        "UNAUTHENTICATED",
        "Send an API token, or X-Tenant with the store's slug for a public endpoint.",
      );
  }
  return await serveEndpoint(c, tenantId, slug, `/api/plugins/${slug}`, principal);
});

pluginEndpoints.all("/api/stores/:tenant/plugins/:slug/*", async (c) => {
  const { tenant: tenantSlug, slug } = c.req.param();
  const tenantId = await tenantIdOf(c, tenantSlug);
  if (!tenantId) throw new RequestError("NOT_FOUND", `No store "${tenantSlug}".`);
  const principal = await bearer(c);
  if (principal && principal.tenantId !== tenantId) {
    throw new AuthError("FORBIDDEN", `This token belongs to another store than "${tenantSlug}".`);
  }
  return await serveEndpoint(c, tenantId, slug, `/api/stores/${tenantSlug}/plugins/${slug}`, principal);
});
