/**
 * GET/PUT /api/admin/quotas: the tenant's overrides of the platform's quota defaults, for all its
 * plugins and per plugin (api/src/sandbox/quotas.ts). Any role reads them; only the owner sets them,
 * since a quota raised is a cost the tenant pays.
 */
import { createRoute, OpenAPIHono } from "@hono/zod-openapi";
import type { AppEnv } from "../app-env.ts";
import { requireRole } from "../auth/index.ts";
import { errorBodySchema } from "../errors/index.ts";
import { tenantDbOf, validationHook } from "../http/index.ts";
import {
  QUOTA_DEFAULTS,
  quotaOverridesSchema,
  quotaSetSchema,
  quotasViewSchema,
  setTenantQuotaOverrides,
  tenantQuotaOverrides,
} from "../sandbox/index.ts";

export const quotasView = quotasViewSchema
  .extend({
    defaults: quotaSetSchema.meta({ description: "The platform's defaults, documented in the README's Limits table." }),
    overrides: quotaOverridesSchema.meta({
      description: "The tenant's own: `tenant` for all its plugins, `plugins.<slug>` for one (wins over `tenant`).",
      example: { tenant: { events_per_call: 200 }, plugins: { "audit-log": { log_lines_per_call: 5000 } } },
    }),
  })
  .meta({ id: "Quotas" });

const errors = {
  400: { content: { "application/json": { schema: errorBodySchema } }, description: "A field is not a valid quota" },
  401: { content: { "application/json": { schema: errorBodySchema } }, description: "No or bad token" },
  403: { content: { "application/json": { schema: errorBodySchema } }, description: "Not the owner" },
};

export const getQuotas = createRoute({
  method: "get",
  path: "/quotas",
  tags: ["Quotas"],
  security: [{ Bearer: [] }],
  summary: "The tenant's plugin quotas",
  description: "The platform's defaults and the tenant's overrides. Any role may read them.",
  responses: {
    200: { content: { "application/json": { schema: quotasView } }, description: "Defaults and overrides" },
    401: errors[401],
  },
});

export const putQuotas = createRoute({
  method: "put",
  path: "/quotas",
  tags: ["Quotas"],
  security: [{ Bearer: [] }],
  summary: "Set the tenant's plugin quotas",
  description:
    "Replaces the tenant's overrides: a quota left out falls back to the default. Owner only. Plugin calls see the change within two seconds.",
  request: { body: { content: { "application/json": { schema: quotaOverridesSchema } }, required: true } },
  responses: {
    200: { content: { "application/json": { schema: quotasView } }, description: "The quotas now in force" },
    ...errors,
  },
});

export const quotasAdmin = new OpenAPIHono<AppEnv>({ defaultHook: validationHook });

quotasAdmin.on("PUT", "/quotas", requireRole("owner"));

quotasAdmin.openapi(getQuotas, async (c) => {
  const overrides = await tenantQuotaOverrides(tenantDbOf(c), c.get("principal").tenantId);
  return c.json({ defaults: QUOTA_DEFAULTS, overrides }, 200);
});

quotasAdmin.openapi(putQuotas, async (c) => {
  const overrides = c.req.valid("json");
  await setTenantQuotaOverrides(tenantDbOf(c), c.get("principal").tenantId, overrides);
  return c.json({ defaults: QUOTA_DEFAULTS, overrides }, 200);
});
