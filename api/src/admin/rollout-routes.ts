/**
 * The admin API's routes of a plugin's versions catalogue and its canary rollouts, as OpenAPI
 * definitions, with their request shapes (their answers are in ./answers/rollouts.ts).
 */
import { createRoute, z } from "@hono/zod-openapi";
import semver from "semver";
import { errorBodySchema } from "../errors/index.ts";
import { reindexResult, rolloutList, rolloutView, versionsCatalogueView } from "./answers/index.ts";
import { slugParam } from "./schemas.ts";

const json = <T extends z.ZodType>(schema: T, description: string) => ({
  content: { "application/json": { schema } },
  description,
});
const error = (description: string) => json(errorBodySchema, description);
const security = [{ Bearer: [] }];
const tags = ["Rollouts"];
const scoped = error("Role too low, or the token lacks the plugins:publish scope");

const rolloutParam = slugParam.extend({
  id: z
    .string()
    .min(1)
    .max(100)
    .openapi({ param: { name: "id", in: "path" }, example: "ro_3f2a9c…" }),
});

const share = z
  .number()
  .int()
  .min(1)
  .max(100)
  .openapi({ description: "Percent of the tenants that have the plugin below the version.", example: 25 });
const tenants = z
  .array(z.string().min(1))
  .min(1)
  .max(100)
  .openapi({ description: "Tenant slugs taken whatever the share.", example: ["acme-store"] });
const shareOrTenants = <T extends { share?: number; tenants?: string[] }>(body: T) =>
  body.share !== undefined || body.tenants !== undefined;
const neither = { message: "give share (1-100), tenants, or both", path: ["share"] };

export const rolloutBody = z
  .object({
    version: z
      .string()
      .refine((v) => semver.valid(v) !== null, { message: "must be an exact version such as 1.1.0" })
      .openapi({ description: "The version to roll out: registered, exact.", example: "1.1.0" }),
    share: share.optional(),
    tenants: tenants.optional(),
  })
  .strict()
  .refine(shareOrTenants, neither)
  .openapi("RolloutRequest");

export const widenBody = z
  .object({ share: share.optional(), tenants: tenants.optional() })
  .strict()
  .refine(shareOrTenants, neither)
  .openapi("RolloutWidenRequest");

export const versions = createRoute({
  method: "get",
  path: "/{slug}/versions",
  tags,
  security,
  summary: "A plugin's versions, with changelogs and who runs which",
  description:
    "Every registered version, newest first, with its changelog and when it was registered, and the version this tenant runs. A token with the plugins:publish scope also sees, per version, how many tenants run it and which (at most 100 slugs); no other token is shown another tenant.",
  request: { params: slugParam },
  responses: {
    200: json(versionsCatalogueView, "The versions"),
    401: error("No or bad token"),
    404: error("Unknown plugin"),
  },
});

export const reindex = createRoute({
  method: "post",
  path: "/{slug}/versions/reindex",
  tags,
  security,
  summary: "Repair the index of which tenants run the plugin",
  description:
    "Reads every tenant's ledger (the truth) for the plugin and re-writes the D1 index the catalogue and rollouts read, for a row a failed write left behind. Needs plugins:publish.",
  request: { params: slugParam },
  responses: {
    200: json(reindexResult, "Re-indexed"),
    401: error("No or bad token"),
    403: scoped,
    404: error("Unknown plugin"),
  },
});

export const listRollouts = createRoute({
  method: "get",
  path: "/{slug}/rollouts",
  tags,
  security,
  summary: "A plugin's rollouts, newest first",
  request: { params: slugParam },
  responses: {
    200: json(rolloutList, "The rollouts"),
    401: error("No or bad token"),
    403: scoped,
    404: error("Unknown plugin"),
  },
});

export const startRollout = createRoute({
  method: "post",
  path: "/{slug}/rollouts",
  tags,
  security,
  summary: "Start a canary rollout",
  description:
    "Upgrades a share of the tenants that have the plugin below the version (the lowest by a stable hash of plugin and tenant, so widening keeps them), and any named tenants, each as its own upgrade would. A tenant whose upgrade needs new permissions, or whose configuration cannot move, is not upgraded: it is blocked, with the reason (its operator approves; the rollout never does). Needs plugins:publish and the admin role. At share 100 the rollout is finished.",
  request: { params: slugParam, body: { content: { "application/json": { schema: rolloutBody } }, required: true } },
  responses: {
    201: json(rolloutView, "Started: every tenant it took, with its status"),
    400: error("Bad input"),
    401: error("No or bad token"),
    403: scoped,
    404: error("Unknown plugin, version or tenant"),
    409: error(
      "Another rollout of the plugin is open (ROLLOUT_IN_PROGRESS), or a named tenant is not below the version (ROLLOUT_TENANT_INELIGIBLE)",
    ),
  },
});

export const getRollout = createRoute({
  method: "get",
  path: "/{slug}/rollouts/{id}",
  tags,
  security,
  summary: "A rollout: its tenants and the canary's health against the rest",
  request: { params: rolloutParam },
  responses: {
    200: json(rolloutView, "The rollout"),
    401: error("No or bad token"),
    403: scoped,
    404: error("Unknown rollout"),
  },
});

export const widenRollout = createRoute({
  method: "post",
  path: "/{slug}/rollouts/{id}/widen",
  tags,
  security,
  summary: "Widen a rollout",
  description:
    "Takes more tenants: up to the new share (never lower than the current one), and any named. 100 finishes it.",
  request: { params: rolloutParam, body: { content: { "application/json": { schema: widenBody } }, required: true } },
  responses: {
    200: json(rolloutView, "Widened"),
    400: error("Bad input, or a share below the current one"),
    401: error("No or bad token"),
    403: scoped,
    404: error("Unknown rollout or tenant"),
    409: error("The rollout is finished or stopped (ROLLOUT_NOT_OPEN), or a named tenant is not below the version"),
  },
});

export const stopRollout = createRoute({
  method: "post",
  path: "/{slug}/rollouts/{id}/stop",
  tags,
  security,
  summary: "Stop a rollout, rolling its tenants back",
  description:
    "Rolls back every tenant the rollout upgraded that is still on its version, as its own rollback would; one whose rollback is refused (a migration without down) stays upgraded, with the reason.",
  request: { params: rolloutParam },
  responses: {
    200: json(rolloutView, "Stopped"),
    401: error("No or bad token"),
    403: scoped,
    404: error("Unknown rollout"),
    409: error("Stopped already (ROLLOUT_NOT_OPEN)"),
  },
});
