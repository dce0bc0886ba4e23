/** Composes the API Worker's HTTP application: routers, auth, the OpenAPI document and docs. */

import { swaggerUI } from "@hono/swagger-ui";
import { OpenAPIHono } from "@hono/zod-openapi";
import {
  accountAdmin,
  hookRunsAdmin,
  pipelineAdmin,
  pluginsAdmin,
  quotasAdmin,
  rolloutsAdmin,
  uiAdmin,
} from "./admin/index.ts";
import type { AppEnv } from "./app-env.ts";
import { authenticate } from "./auth/index.ts";
import { commerceApi } from "./commerce/index.ts";
import { RequestError } from "./errors/index.ts";
import { errorResponse, requestContext, traceContext, validationHook } from "./http/index.ts";
import { pluginApi } from "./plugin-api/index.ts";
import { webhooksAdmin } from "./webhooks/index.ts";

export function createApp() {
  const app = new OpenAPIHono<AppEnv>({ defaultHook: validationHook });
  app.use("*", requestContext);

  // Unauthenticated and free of any platform work: the baseline the benchmark compares against.
  app.get("/healthz", (c) => c.json({ ok: true }));

  app.use("/api/admin/*", authenticate);
  app.use("/api/commerce/*", authenticate, traceContext);
  // plugin endpoints and inbound webhooks are traced too: a webhook's queued processing is found by its trace id
  app.use("/api/plugins/*", traceContext);
  app.use("/api/stores/*", traceContext);
  app.use("/webhooks/*", traceContext);
  app.route("/api/admin/plugins", pluginsAdmin);
  app.route("/api/admin/plugins", rolloutsAdmin);
  app.route("/api/admin/webhooks", webhooksAdmin);
  app.route("/api/admin", pipelineAdmin);
  app.route("/api/admin", hookRunsAdmin);
  app.route("/api/admin", accountAdmin);
  app.route("/api/admin", quotasAdmin);
  app.route("/api/admin", uiAdmin);
  app.route("/api/commerce", commerceApi);
  app.route("/", pluginApi);

  app.openAPIRegistry.registerComponent("securitySchemes", "Bearer", {
    type: "http",
    scheme: "bearer",
    description: "A tenant API token (roles: owner, admin, viewer).",
  });
  app.doc31("/api/openapi.json", {
    openapi: "3.1.0",
    info: {
      title: "Digital Commerce plugin platform",
      version: "0.1.0",
      description: "Admin API for plugins: every route acts on the calling token's tenant.",
    },
  });
  app.get("/api/docs", swaggerUI({ url: "/api/openapi.json" }));

  app.notFound((c) => {
    const error = new RequestError(
      "NOT_FOUND",
      `No route ${c.req.method} ${new URL(c.req.url).pathname}; see /api/docs.`,
    );
    return c.json(error.toBody(), 404);
  });
  app.onError(errorResponse);
  return app;
}
