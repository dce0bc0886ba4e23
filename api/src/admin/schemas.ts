/**
 * Request shapes of the admin API's plugin routes; their answers are in ./answers (browser-safe, shared with
 * the CLI and the dashboard) and re-exported here. The OpenAPI document is generated from both.
 */
import { permissionsSchema, pluginCategory } from "@digital-commerce/plugin-sdk";
import { z } from "@hono/zod-openapi";
import { pluginState } from "../registry/index.ts";
import { MAX_BUCKETS } from "../sandbox/index.ts";

export {
  type AvailableView,
  availableList,
  availableView,
  configView,
  type DependencyNode,
  dependenciesView,
  dependencyNode,
  graphView,
  type HookRunResult,
  healthView,
  hookRunResult,
  type InstallationView,
  installationView,
  installedList,
  installPlan,
  installResult,
  pluginDetails,
  problemView,
  publishResult,
  rollbackPlan,
  transitionPlan,
  transitionResult,
  upgradePlan,
  versionChangeResult,
} from "./answers/index.ts";

export const slugParam = z.object({
  slug: z.string().openapi({ param: { name: "slug", in: "path" }, example: "stripe-gateway" }),
});

const flag = (description: string) =>
  z
    .enum(["true", "false"])
    .optional()
    .transform((v) => v === "true")
    .openapi({ description });

const dryRunFlag = flag(
  "Plan only: answer what the call would change, refusing exactly as it would, and change nothing (no plugin code runs).",
);

export const dryRunQuery = z.object({ dry_run: dryRunFlag });

export const cascadeQuery = z.object({
  cascade: flag("Apply the change to dependencies (activate) or dependents (deactivate, uninstall) too."),
  dry_run: dryRunFlag,
});

export const healthHistoryQuery = z.object({
  bucket: z
    .enum(["minute", "hour", "day"])
    .default("hour")
    .openapi({ param: { name: "bucket", in: "query" }, example: "hour" }),
  buckets: z.coerce
    .number()
    .int()
    .min(1)
    .max(MAX_BUCKETS)
    .default(24)
    .openapi({
      param: { name: "buckets", in: "query" },
      description: `How many buckets, ending now (1-${MAX_BUCKETS}).`,
    }),
});

export const installBody = z
  .object({
    version: z
      .string()
      .optional()
      .openapi({ description: "A semver range; the highest version that resolves wins.", example: "^1.0.0" }),
    config: z
      .record(z.string(), z.unknown())
      .optional()
      .openapi({ description: "Initial configuration, checked against settings_schema." }),
    install_dependencies: z
      .boolean()
      .default(true)
      .openapi({ description: "Install missing dependencies too, or refuse and name them." }),
  })
  .strict()
  .openapi("InstallRequest");

export const upgradeBody = z
  .object({
    version: z.string().optional().openapi({
      description:
        "An exact version, or a semver range whose highest version the tenant's dependents allow wins; default: the newest.",
      example: "1.1.0",
    }),
    config: z.record(z.string(), z.unknown()).optional().openapi({
      description:
        "Values for the new version's settings; the rest carry over (renamed and retyped as the new version declares).",
    }),
    approve_permissions: z.boolean().default(false).openapi({
      description:
        "Approve the permissions the new version asks for beyond what is granted now (the dry run lists them).",
    }),
  })
  .strict()
  .openapi("UpgradeRequest");

export const publishBody = z
  .object({
    manifest: z.record(z.string(), z.unknown()).openapi({
      description:
        "The plugin manifest, as bundlePlugin returns it; checked against the SDK's schema (422 INVALID_MANIFEST lists each problem with its path).",
    }),
    code: z.string().min(1).openapi({
      description:
        "The bundle, one ES module, as bundlePlugin returns it; at most 5 MB. The platform computes its SHA-256.",
    }),
  })
  .strict()
  .openapi("PublishRequest");

export const configBody = z.record(z.string(), z.unknown()).openapi("PluginConfigInput", {
  description: 'The whole configuration. Send "********" for a sensitive setting to keep its stored value.',
  example: { api_key: "sk_test_123", capture: "automatic" },
});

/** A row of the installed-plugins query, turned into the Installation view. */
export const installedRow = z.object({
  slug: z.string(),
  name: z.string(),
  category: pluginCategory,
  version: z.string(),
  state: pluginState,
  as_dependency: z.number().transform((n) => n === 1),
  permissions: z.string().transform((text) => permissionsSchema.parse(JSON.parse(text))),
  installed_at: z.string(),
  updated_at: z.string(),
});

export const hookParam = z.object({
  hook: z.string().openapi({ param: { name: "hook", in: "path" }, example: "before_product_create" }),
});

export const hookRunBody = z
  .object({
    payload: z.unknown().openapi({
      description: "The hook's payload, checked against the hook's schema in the catalogue (400 names each field).",
      example: { product: { title: "Mug", price: 12, currency: "USD" } },
    }),
  })
  .strict()
  .openapi("HookRunRequest");
