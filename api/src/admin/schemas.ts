/** Request and response shapes of the admin API: the OpenAPI document is generated from these. */
import { permissionsSchema, pluginCategory, pluginManifestSchema } from "@digital-commerce/plugin-sdk";
import { z } from "@hono/zod-openapi";
import { chainTraceSchema, traceStepSchema } from "../hooks/index.ts";
import { pluginState } from "../registry/index.ts";
import { callStatsSchema, MAX_BUCKETS } from "../sandbox/index.ts";

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

export const publishResult = z
  .object({
    slug: z.string(),
    version: z.string(),
    hash: z.string().openapi({ description: "SHA-256 of the bundle, hex." }),
    created: z
      .boolean()
      .openapi({ description: "False when exactly this manifest and bundle were published already." }),
  })
  .openapi("PublishResult");

export const configBody = z.record(z.string(), z.unknown()).openapi("PluginConfigInput", {
  description: 'The whole configuration. Send "********" for a sensitive setting to keep its stored value.',
  example: { api_key: "sk_test_123", capture: "automatic" },
});

export const installationView = z
  .object({
    slug: z.string(),
    name: z.string(),
    category: pluginCategory,
    version: z.string(),
    state: pluginState,
    as_dependency: z.boolean(),
    permissions: permissionsSchema,
    installed_at: z.string(),
    updated_at: z.string(),
  })
  .openapi("Installation");

export const availableView = z
  .object({
    slug: z.string(),
    name: z.string(),
    category: pluginCategory,
    description: z.string().optional(),
    author: z.string().optional(),
    latest_version: z.string(),
    versions: z.array(z.string()),
    dependencies: pluginManifestSchema.shape.dependencies,
    permissions: permissionsSchema,
    state: z
      .union([pluginState, z.literal("available")])
      .openapi({ description: "This tenant's state of the plugin." }),
  })
  .openapi("AvailablePlugin");

export const pluginDetails = z
  .object({
    slug: z.string(),
    latest_version: z.string(),
    versions: z.array(z.string()),
    manifest: pluginManifestSchema,
    installation: installationView.nullable(),
  })
  .openapi("PluginDetails");

export const transitionResult = z
  .object({
    plugin: installationView.nullable(),
    changed: z
      .array(z.string())
      .openapi({ description: "Every plugin the transition changed, in the order it applied." }),
  })
  .openapi("TransitionResult");

const installedEntry = z
  .object({ slug: z.string(), version: z.string(), as_dependency: z.boolean(), permissions: permissionsSchema })
  .openapi("InstalledEntry");

export const installResult = z
  .object({ plugin: installationView, installed: z.array(installedEntry) })
  .openapi("InstallResult");

export const installPlan = z
  .object({
    dry_run: z.literal(true),
    installed: z.array(installedEntry).openapi({ description: "What the install would install, dependencies first." }),
  })
  .openapi("InstallPlan");

export const transitionPlan = z
  .object({
    dry_run: z.literal(true),
    changed: z.array(z.string()).openapi({ description: "Every plugin the transition would change, in order." }),
  })
  .openapi("TransitionPlan");

export const configView = z
  .object({
    slug: z.string(),
    version: z.string(),
    config: z.record(z.string(), z.unknown()),
    sensitive: z.array(z.string()),
    missing_required: z.array(z.string()),
  })
  .openapi("PluginConfig");

export const problemView = z.object({ code: z.string(), message: z.string() }).passthrough();

export type DependencyNode = {
  slug: string;
  range: string;
  version: string | null;
  state: z.infer<typeof pluginState> | "available" | "missing";
  satisfied: boolean;
  dependencies: DependencyNode[];
};
export const dependencyNode: z.ZodType<DependencyNode> = z
  .object({
    slug: z.string(),
    range: z.string(),
    version: z.string().nullable(),
    state: z.union([pluginState, z.literal("available"), z.literal("missing")]),
    satisfied: z.boolean(),
    // registered by name below, so the document refers to it instead of expanding it forever
    dependencies: z.array(z.lazy(() => dependencyNode)),
  })
  .openapi("DependencyNode");

export const dependenciesView = z
  .object({
    slug: z.string(),
    version: z.string().nullable(),
    resolvable: z.boolean(),
    dependencies: z.array(dependencyNode),
    dependents: z.array(z.object({ slug: z.string(), state: pluginState })),
    problems: z.array(problemView),
  })
  .openapi("PluginDependencies");

export const graphView = z
  .object({
    nodes: z.array(
      z.object({
        slug: z.string(),
        name: z.string(),
        version: z.string(),
        state: z.union([pluginState, z.literal("available")]),
      }),
    ),
    edges: z.array(z.object({ from: z.string(), to: z.string(), range: z.string(), satisfied: z.boolean() })),
  })
  .openapi("DependencyGraph");

export const healthView = z
  .object({
    slug: z.string(),
    state: z.union([pluginState, z.literal("available")]),
    status: z.enum(["healthy", "degraded", "unhealthy", "inactive", "not_installed"]),
    checks: z.array(z.object({ name: z.string(), ok: z.boolean(), detail: z.string() })),
    last_error: z.object({ at: z.string(), code: z.string(), message: z.string() }).nullable(),
    calls: callStatsSchema.openapi({
      description: "This tenant's calls into the plugin: counts, latency, last failure.",
    }),
  })
  .openapi("PluginHealth");

export type InstallationView = z.infer<typeof installationView>;
export type AvailableView = z.infer<typeof availableView>;

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

export const beforeHookRun = z
  .object({
    hook: z.string(),
    kind: z.literal("before"),
    outcome: chainTraceSchema.shape.outcome,
    duration_ms: z.number(),
    payload: z.unknown().openapi({ description: "What the chain left: the payload the operation would go on with." }),
    steps: z.array(
      traceStepSchema.extend({
        output: z.unknown().openapi({ description: "The payload after this step." }),
      }),
    ),
  })
  .openapi("BeforeHookRun");

export const notificationHookRun = z
  .object({
    hook: z.string(),
    kind: z.literal("notification"),
    duration_ms: z.number(),
    steps: z.array(
      z.object({
        plugin: z.string(),
        version: z.string(),
        handler: z.string(),
        priority: z.number().int(),
        outcome: z.enum(["succeeded", "failed", "timeout"]),
        duration_ms: z.number(),
        error: z.string().optional(),
      }),
    ),
  })
  .openapi("NotificationHookRun");

export const hookRunResult = z.discriminatedUnion("kind", [beforeHookRun, notificationHookRun]);
export type HookRunResult = z.infer<typeof hookRunResult>;
