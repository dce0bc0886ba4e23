/** POST /api/admin/hooks/{hook}/run: a dry run of a hook chain for the calling token's tenant (admin-cli hooks run). */
import { createRoute, OpenAPIHono } from "@hono/zod-openapi";
import type { AppEnv } from "../app-env.ts";
import { requireRole } from "../auth/index.ts";
import { errorBodySchema } from "../errors/index.ts";
import { sandboxDepsOf, tenantDbOf, validationHook } from "../http/index.ts";
import { dryRunHook } from "./dry-run.ts";
import { hookParam, hookRunBody, hookRunResult } from "./schemas.ts";

const error = (description: string) => ({ content: { "application/json": { schema: errorBodySchema } }, description });

export const runHook = createRoute({
  method: "post",
  path: "/hooks/{hook}/run",
  tags: ["Pipeline"],
  security: [{ Bearer: [] }],
  summary: "Dry-run a hook on a payload",
  description: [
    "Runs this tenant's active handlers of the hook on the payload, as an operation would, and answers each step.",
    'A "before" hook runs its chain (priority order, transforms, veto, timeouts): the answer has the chain\'s outcome, the payload it left, and each step with the payload after it.',
    "A notification hook runs each subscribed plugin's handlers inline, in run order: the answer has each one's outcome and timing.",
    "The platform commits nothing: no product, order or other business write, no event in the outbox, no delivery, no stored trace.",
    "The plugins' code runs for real, so their own side effects (writes to their database, outbound HTTP calls) do happen, as with Shopify's and Stripe's test triggers; the calls count in the plugins' call statistics.",
  ].join(" "),
  request: {
    params: hookParam,
    body: { content: { "application/json": { schema: hookRunBody } }, required: true },
  },
  responses: {
    200: { content: { "application/json": { schema: hookRunResult } }, description: "What each handler did" },
    400: error("Unknown hook (UNKNOWN_HOOK, with the closest names), or a payload that fails the hook's schema"),
    401: error("No or bad token"),
    403: error("Role too low: needs admin"),
  },
});

export const hookRunsAdmin = new OpenAPIHono<AppEnv>({ defaultHook: validationHook });

// plugin code runs, with the tenant's configuration: as much an admin's act as changing a plugin
hookRunsAdmin.use("/hooks/*", requireRole("admin"));

hookRunsAdmin.openapi(runHook, async (c) => {
  const run = {
    tenantId: c.get("principal").tenantId,
    // plugins see it as context.trace_id; nothing is stored under it
    traceId: `tr_dryrun_${crypto.randomUUID().replaceAll("-", "")}`,
    deps: sandboxDepsOf(c),
    db: tenantDbOf(c),
  };
  return c.json(await dryRunHook(run, c.req.valid("param").hook, c.req.valid("json").payload), 200);
});
