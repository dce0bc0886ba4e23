/** GET /api/admin/whoami: the calling token's tenant, role and scopes, for clients checking a token (admin-cli login). */
import { createRoute, OpenAPIHono } from "@hono/zod-openapi";
import type { AppEnv } from "../app-env.ts";
import { errorBodySchema } from "../errors/index.ts";
import { validationHook } from "../http/index.ts";
import { whoamiView } from "./answers/index.ts";

export const whoami = createRoute({
  method: "get",
  path: "/whoami",
  tags: ["Account"],
  security: [{ Bearer: [] }],
  summary: "Who the calling token is",
  description: "The token's tenant, role and scopes. Any role may call it; a client checks a token with it.",
  responses: {
    200: {
      content: { "application/json": { schema: whoamiView } },
      description: "The token's tenant, role and scopes",
    },
    401: { content: { "application/json": { schema: errorBodySchema } }, description: "No or bad token" },
  },
});

export const accountAdmin = new OpenAPIHono<AppEnv>({ defaultHook: validationHook });

accountAdmin.openapi(whoami, (c) => {
  const p = c.get("principal");
  return c.json(
    { tenant: { id: p.tenantId, slug: p.tenantSlug, name: p.tenantName }, role: p.role, scopes: p.scopes },
    200,
  );
});
