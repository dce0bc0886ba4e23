/** The plugin catalogue's and a tenant's installations' answers: what the admin API's plugin routes return. */
import { permissionsSchema, pluginCategory, pluginManifestSchema } from "@digital-commerce/plugin-sdk";
import { z } from "zod";

export const pluginStates = ["installed", "active", "inactive"] as const;
export const pluginState = z.enum(pluginStates);
export type PluginState = z.infer<typeof pluginState>;

export const publishResult = z
  .object({
    slug: z.string(),
    version: z.string(),
    hash: z.string().meta({ description: "SHA-256 of the bundle, hex." }),
    created: z.boolean().meta({ description: "False when exactly this manifest and bundle were published already." }),
  })
  .meta({ id: "PublishResult" });
export type PublishResult = z.infer<typeof publishResult>;

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
  .meta({ id: "Installation" });
export type InstallationView = z.infer<typeof installationView>;
export const installedList = z.object({ plugins: z.array(installationView) });
export type InstalledList = z.infer<typeof installedList>;

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
    state: z.union([pluginState, z.literal("available")]).meta({ description: "This tenant's state of the plugin." }),
  })
  .meta({ id: "AvailablePlugin" });
export type AvailableView = z.infer<typeof availableView>;
export const availableList = z.object({ plugins: z.array(availableView) });
export type AvailableList = z.infer<typeof availableList>;

export const pluginDetails = z
  .object({
    slug: z.string(),
    latest_version: z.string(),
    versions: z.array(z.string()),
    manifest: pluginManifestSchema,
    installation: installationView.nullable(),
  })
  .meta({ id: "PluginDetails" });
export type PluginDetails = z.infer<typeof pluginDetails>;

export const transitionResult = z
  .object({
    plugin: installationView.nullable(),
    changed: z.array(z.string()).meta({ description: "Every plugin the transition changed, in the order it applied." }),
  })
  .meta({ id: "TransitionResult" });
export type TransitionResult = z.infer<typeof transitionResult>;

export const installedEntry = z
  .object({ slug: z.string(), version: z.string(), as_dependency: z.boolean(), permissions: permissionsSchema })
  .meta({ id: "InstalledEntry" });
export type InstalledEntry = z.infer<typeof installedEntry>;

export const installResult = z
  .object({ plugin: installationView, installed: z.array(installedEntry) })
  .meta({ id: "InstallResult" });
export type InstallResult = z.infer<typeof installResult>;

export const installPlan = z
  .object({
    dry_run: z.literal(true),
    installed: z.array(installedEntry).meta({ description: "What the install would install, dependencies first." }),
  })
  .meta({ id: "InstallPlan" });
export type InstallPlan = z.infer<typeof installPlan>;

/** How one setting fares when an installation moves to another version (config/migrate.ts). */
export const configChange = z
  .discriminatedUnion("change", [
    z.object({ key: z.string(), change: z.literal("kept") }),
    z.object({ key: z.string(), change: z.literal("renamed"), from: z.string() }),
    z.object({
      key: z.string(),
      change: z.literal("retyped"),
      from: z.string(),
      from_type: z.string(),
      to_type: z.string(),
    }),
    z.object({ key: z.string(), change: z.literal("added"), default: z.unknown().optional() }),
    z.object({ key: z.string(), change: z.literal("set") }),
    z.object({ key: z.string(), change: z.literal("removed") }),
  ])
  .meta({ id: "ConfigChange" });
export type ConfigChange = z.infer<typeof configChange>;

export const permissionChanges = z
  .object({
    added: permissionsSchema.meta({ description: "Asked for by the new version and not granted now: needs approval." }),
    removed: permissionsSchema.meta({ description: "Granted now and not asked for by the new version: withdrawn." }),
  })
  .meta({ id: "PermissionChanges" });
export type PermissionChanges = z.infer<typeof permissionChanges>;

/** One installation's move to another version, as an upgrade or rollback plans and does it. */
export const versionStep = z
  .object({
    slug: z.string(),
    from: z.string(),
    to: z.string(),
    reason: z.string().meta({ description: '"requested", or which plugin\'s move brings this one along.' }),
    permissions: permissionChanges,
    config: z.array(configChange),
    migrations: z
      .array(z.string())
      .meta({ description: "The plugin database's migrations the move applies (upgrade) or undoes (rollback)." }),
    changelog: z.string().nullable(),
  })
  .meta({ id: "VersionStep" });
export type VersionStep = z.infer<typeof versionStep>;

export const upgradePlan = z
  .object({
    dry_run: z.literal(true),
    steps: z.array(versionStep).meta({ description: "Every installation that would move, dependencies first." }),
    approval_needed: z
      .boolean()
      .meta({ description: "A step asks for permissions not granted now: upgrade with approve_permissions: true." }),
  })
  .meta({ id: "UpgradePlan" });
export type UpgradePlan = z.infer<typeof upgradePlan>;

export const versionChangeResult = z
  .object({ plugin: installationView, steps: z.array(versionStep) })
  .meta({ id: "VersionChangeResult" });
export type VersionChangeResult = z.infer<typeof versionChangeResult>;

export const rollbackPlan = z
  .object({ dry_run: z.literal(true), steps: z.array(versionStep) })
  .meta({ id: "RollbackPlan" });
export type RollbackPlan = z.infer<typeof rollbackPlan>;

export const transitionPlan = z
  .object({
    dry_run: z.literal(true),
    changed: z.array(z.string()).meta({ description: "Every plugin the transition would change, in order." }),
  })
  .meta({ id: "TransitionPlan" });
export type TransitionPlan = z.infer<typeof transitionPlan>;

export const configView = z
  .object({
    slug: z.string(),
    version: z.string(),
    config: z.record(z.string(), z.unknown()),
    sensitive: z.array(z.string()),
    missing_required: z.array(z.string()),
  })
  .meta({ id: "PluginConfig" });
export type ConfigView = z.infer<typeof configView>;

/** A resolver problem: MISSING_DEPENDENCY and VERSION_CONFLICT name a slug, DEPENDENCY_CYCLE a cycle. */
export const problemView = z
  .object({
    code: z.string(),
    message: z.string(),
    slug: z.string().optional(),
    available: z.array(z.string()).optional().meta({ description: "MISSING_DEPENDENCY: the versions there are." }),
    cycle: z.array(z.string()).optional(),
  })
  .passthrough();
export type ProblemView = z.infer<typeof problemView>;

// written out because a recursive schema's type cannot be inferred through z.lazy
export type DependencyNode = {
  slug: string;
  range: string;
  version: string | null;
  state: PluginState | "available" | "missing";
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
    // registered by name, so the document refers to it instead of expanding it forever
    dependencies: z.array(z.lazy(() => dependencyNode)),
  })
  .meta({ id: "DependencyNode" });

export const dependenciesView = z
  .object({
    slug: z.string(),
    version: z.string().nullable(),
    resolvable: z.boolean(),
    dependencies: z.array(dependencyNode),
    dependents: z.array(z.object({ slug: z.string(), state: pluginState })),
    problems: z.array(problemView),
  })
  .meta({ id: "PluginDependencies" });
export type DependenciesView = z.infer<typeof dependenciesView>;

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
  .meta({ id: "DependencyGraph" });
export type DependencyGraph = z.infer<typeof graphView>;
