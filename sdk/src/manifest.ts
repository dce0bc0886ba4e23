/**
 * The plugin manifest: the zod schema is the single source of truth for its shape;
 * the TypeScript types, the platform's validation, the OpenAPI document and the
 * CLI's checks all come from it. Source: spec, "Plugin Manifest".
 */
import semver from "semver";
import { z } from "zod";
import { isHookName, unknownHookMessage } from "./hooks/catalogue.ts";
import { hostAllowed } from "./hosts.ts";
import { routePatternProblem, routeShape } from "./routes.ts";
import { socketAddressOf, socketGrantSchema, socketTransport } from "./sockets.ts";

export const pluginCategories = ["payment", "auth", "analytics", "email", "cms", "utility"] as const;
export const pluginCategory = z.enum(pluginCategories);
export type PluginCategory = z.infer<typeof pluginCategory>;

/** Slugs the admin API uses as path segments of its own, so no plugin may take them. */
export const reservedSlugs = ["available", "installed", "graph"] as const;

export const pluginSlug = z
  .string()
  .min(2)
  .max(64)
  .regex(/^[a-z0-9]+(?:-[a-z0-9]+)*$/, "must be kebab-case: lowercase letters, digits and single dashes")
  .refine((s) => !(reservedSlugs as readonly string[]).includes(s), {
    message: `is reserved by the admin API (${reservedSlugs.join(", ")})`,
  });

export const semverVersion = z
  .string()
  .refine((v) => semver.valid(v) !== null, { message: "must be a semantic version such as 1.0.0" });

export const semverRange = z
  .string()
  .min(1)
  .refine((r) => semver.validRange(r) !== null, { message: "must be a semver range such as ^1.0.0" });

const modulePath = z.string().min(1).max(256);

export const dependencySchema = z.object({
  name: pluginSlug.describe("slug of the plugin depended on"),
  version: semverRange,
});

export const hookName = z.string().refine(isHookName, { error: (issue) => unknownHookMessage(String(issue.input)) });

export const hookFailurePolicy = z.enum(["abort", "skip"]);

export const hookSchema = z.object({
  name: hookName,
  handler: modulePath,
  /** Lower runs first. */
  priority: z.number().int().min(0).max(10_000).default(100),
  /** What a failure or timeout of this handler does to a "before" chain. */
  on_failure: hookFailurePolicy.optional(),
  timeout_ms: z.number().int().positive().max(30_000).optional(),
  /** Attempts a notification delivery of this hook gets before it is dead-lettered (default: the queue's). */
  max_attempts: z.number().int().min(1).max(100).optional(),
});

export const httpMethod = z.enum(["GET", "POST", "PUT", "PATCH", "DELETE"]);

const routePath = z.string().regex(/^\/[A-Za-z0-9\-._~:/]*$/, "must start with / and hold only URL path characters");

export const apiEndpointSchema = z.object({
  method: httpMethod,
  path: routePath,
  handler: modulePath,
  auth_required: z.boolean().default(true),
});

/**
 * An inbound webhook at /webhooks/:tenant/:slug<path>. Without `verify`, `handler` answers the request
 * itself. With `verify`, the provider gets its answer within milliseconds: `verify` checks the request
 * (the signature on the raw body) and returns the event, which the platform queues (deduplicated by the
 * event's id) and delivers to `handler`, or to the category's `handleWebhook` when there is no handler,
 * with the pipeline's retries and dead letters.
 */
export const webhookSchema = z.object({
  path: routePath,
  handler: modulePath.optional(),
  verify: modulePath.optional(),
  /** Attempts the queued delivery of one event gets before it is dead-lettered (default: the queue's). */
  max_attempts: z.number().int().min(1).max(100).optional(),
  description: z.string().optional(),
});

/** The categories whose plugin.ts has a `handleWebhook` method for verified webhooks without a handler. */
const webhookMethodCategories: readonly string[] = ["payment", "email", "cms"];

export const widgetSchema = z.object({
  id: z.string().regex(/^[a-z0-9]+(?:-[a-z0-9]+)*$/, "must be kebab-case"),
  component: modulePath,
  dashboard: z.string().min(1),
  title: z.string().optional(),
});

export const adminUiSchema = z.object({
  settings_component: modulePath.optional(),
  widgets: z.array(widgetSchema).default([]),
});

export const settingTypes = ["string", "number", "integer", "boolean", "url", "email", "json"] as const;

export const settingSpecSchema = z
  .object({
    type: z.enum(settingTypes),
    label: z.string().min(1),
    description: z.string().optional(),
    required: z.boolean().default(false),
    /** Encrypted at rest, masked on read, redacted from logs. */
    sensitive: z.boolean().default(false),
    default: z.unknown().optional(),
    enum: z
      .array(z.union([z.string(), z.number()]))
      .min(1)
      .optional(),
    min: z.number().optional(),
    max: z.number().optional(),
    pattern: z.string().optional(),
    /**
     * A service address (type `url` only): the plugin may reach this URL's host as if its manifest listed
     * it. The operator who sets the value grants it, so the same code talks to the real service in
     * production and to a local counterpart in tests; loopback and private addresses only where the
     * platform allows them (development).
     */
    egress: z.boolean().optional(),
    /**
     * A socket address (type `url` only): the value (`starttls://smtp.example.com:587`) is a TCP
     * destination the plugin may `connect()` to as if `permissions.sockets` listed it, over the transport
     * its scheme names, which must be one of these. Like `egress`, the operator who sets it grants it.
     */
    socket: z.array(socketTransport).min(1).optional(),
    /**
     * The key this setting had in an earlier version: an upgrade carries the stored value over to the
     * new key (converted when the type changed and the conversion loses nothing), so a rename keeps
     * the tenant's configuration.
     */
    renamed_from: z
      .string()
      .regex(/^[a-z][a-z0-9_]*$/, "must be snake_case")
      .optional(),
  })
  .superRefine((spec, ctx) => {
    if (spec.socket && spec.type !== "url") {
      ctx.addIssue({
        code: "custom",
        path: ["socket"],
        message: 'only a setting of type "url" can be a socket address',
      });
    }
    if (spec.socket && spec.egress) {
      ctx.addIssue({
        code: "custom",
        path: ["socket"],
        message: "a setting is either an HTTP service address (egress) or a socket address, not both",
      });
    }
    if (spec.egress && spec.type !== "url") {
      ctx.addIssue({
        code: "custom",
        path: ["egress"],
        message: 'only a setting of type "url" can be a service address',
      });
    }
    if (spec.pattern !== undefined) {
      try {
        new RegExp(spec.pattern);
      } catch {
        ctx.addIssue({ code: "custom", path: ["pattern"], message: "is not a valid regular expression" });
      }
    }
    if (spec.sensitive && spec.default !== undefined) {
      ctx.addIssue({ code: "custom", path: ["default"], message: "a sensitive setting cannot have a default" });
    }
  });

export const settingKey = z.string().regex(/^[a-z][a-z0-9_]*$/, "must be snake_case");

/**
 * What a plugin may ask the sandbox for. `sessions` (auth plugins only) lets a plugin's endpoint sign a
 * browser in and out of the store through the platform's own sign-in (context.sessions), so an OAuth
 * callback can open a store session without ever seeing or setting the store's session cookie.
 */
export const capabilities = ["db", "cache", "storage", "http", "events", "logger", "sessions"] as const;
export const capability = z.enum(capabilities);
export type Capability = z.infer<typeof capability>;

const hostPattern = z
  .string()
  .regex(
    /^(\*\.)?[a-z0-9-]+(\.[a-z0-9-]+)*(:\d{1,5})?$/,
    "must be a host name such as api.stripe.com or *.example.com",
  );

export const permissionsSchema = z.object({
  /** Hosts the plugin's http capability may reach. */
  network: z.array(hostPattern).default([]),
  capabilities: z.array(capability).default([]),
  /** TCP destinations `connect()` may open, each with the transport the platform carries it over. */
  sockets: z.array(socketGrantSchema).default([]),
});

/**
 * What a plugin asks of the sandbox per call. The platform caps each (a plugin may
 * ask for less, never more); the caps are in the platform's sandbox limits.
 */
export const limitsSchema = z.object({
  /** Wall-clock time of one call, in milliseconds. */
  timeout_ms: z.number().int().positive().max(30_000).optional(),
  /** CPU time of one call, in milliseconds (enforced by the runtime in production). */
  cpu_ms: z.number().int().positive().max(30_000).optional(),
  /** Outbound requests one call may make. */
  sub_requests: z.number().int().nonnegative().max(1_000).optional(),
});

/** A schema migration of the plugin's own database, applied once, in order, at install and on upgrade. */
export const migrationSchema = z.object({
  id: z.string().regex(/^[A-Za-z0-9_.-]+$/, "must be a file-name-like id such as 0001_init"),
  sql: z.string().min(1),
  /** The SQL that undoes `sql`. Without it, a rollback past this migration is refused: its schema would stay. */
  down: z.string().min(1).optional(),
});

export const pluginManifestSchema = z
  .object({
    name: z.string().min(1).max(100),
    slug: pluginSlug,
    version: semverVersion,
    category: pluginCategory.default("utility"),
    description: z.string().max(1000).optional(),
    author: z.string().max(200).optional(),
    homepage: z.url().optional(),
    license: z.string().optional(),
    dependencies: z.array(dependencySchema).default([]),
    hooks: z.array(hookSchema).default([]),
    api_endpoints: z.array(apiEndpointSchema).default([]),
    webhooks: z.array(webhookSchema).default([]),
    admin_ui: adminUiSchema.optional(),
    settings_schema: z.record(settingKey, settingSpecSchema).default({}),
    permissions: permissionsSchema.default({ network: [], capabilities: [], sockets: [] }),
    limits: limitsSchema.default({}),
    migrations: z.array(migrationSchema).default([]),
    /** What changed in this version, for the operators who upgrade to it (shown in the catalogue). */
    changelog: z.string().max(10_000).optional(),
  })
  .superRefine((m, ctx) => {
    m.dependencies.forEach((d, i) => {
      if (d.name === m.slug) {
        ctx.addIssue({
          code: "custom",
          path: ["dependencies", i, "name"],
          message: "a plugin cannot depend on itself",
        });
      }
    });
    const seenDeps = new Set<string>();
    m.dependencies.forEach((d, i) => {
      if (seenDeps.has(d.name)) {
        ctx.addIssue({ code: "custom", path: ["dependencies", i, "name"], message: `"${d.name}" is listed twice` });
      }
      seenDeps.add(d.name);
    });
    const seenRoutes = new Map<string, string>();
    m.api_endpoints.forEach((e, i) => {
      const problem = routePatternProblem(e.path);
      if (problem) ctx.addIssue({ code: "custom", path: ["api_endpoints", i, "path"], message: problem });
      // /a/:x and /a/:y serve the same requests: one of them could never be reached
      const shape = `${e.method} ${routeShape(e.path)}`;
      const earlier = seenRoutes.get(shape);
      if (earlier !== undefined) {
        const message =
          earlier === e.path
            ? `${e.method} ${e.path} is declared twice`
            : `${e.method} ${e.path} serves the same paths as ${e.method} ${earlier}`;
        ctx.addIssue({ code: "custom", path: ["api_endpoints", i], message });
      }
      seenRoutes.set(shape, e.path);
    });
    const seenHooks = new Set<string>();
    m.hooks.forEach((h, i) => {
      const key = `${h.name} ${h.handler}`;
      if (seenHooks.has(key)) {
        ctx.addIssue({ code: "custom", path: ["hooks", i], message: `${h.name} -> ${h.handler} is declared twice` });
      }
      seenHooks.add(key);
    });
    if (m.webhooks.length > 0 || m.permissions.network.length > 0) {
      // http egress needs the capability that carries it
      if (m.permissions.network.length > 0 && !m.permissions.capabilities.includes("http")) {
        ctx.addIssue({
          code: "custom",
          path: ["permissions", "capabilities"],
          message: 'lists network hosts but not the "http" capability that reaches them',
        });
      }
    }
    m.webhooks.forEach((w, i) => {
      if (w.verify && !w.handler && !webhookMethodCategories.includes(m.category)) {
        ctx.addIssue({
          code: "custom",
          path: ["webhooks", i, "handler"],
          message: `a verified webhook of a ${m.category} plugin needs a handler module (only ${webhookMethodCategories.join(", ")} plugins have handleWebhook)`,
        });
      }
    });
    // a service address the plugin's author fills in is a host the author asks for: shown at install, like any
    for (const [key, spec] of Object.entries(m.settings_schema)) {
      if (!spec.egress || typeof spec.default !== "string" || !URL.canParse(spec.default)) continue;
      if (!hostAllowed(new URL(spec.default), m.permissions.network)) {
        ctx.addIssue({
          code: "custom",
          path: ["settings_schema", key, "default"],
          message: `is a service address whose host ${new URL(spec.default).host} permissions.network does not list; list it, or leave the default out`,
        });
      }
    }
    // a socket address the author fills in is a destination the author asks for: it must be listed, as above
    for (const [key, spec] of Object.entries(m.settings_schema)) {
      if (!spec.socket || typeof spec.default !== "string") continue;
      const address = socketAddressOf(spec.default);
      if (address.problem !== undefined) {
        ctx.addIssue({ code: "custom", path: ["settings_schema", key, "default"], message: address.problem });
        continue;
      }
      const { host, port, transport } = address.grant;
      if (!spec.socket.includes(transport)) {
        ctx.addIssue({
          code: "custom",
          path: ["settings_schema", key, "default"],
          message: `uses transport ${transport}, which the setting's socket list (${spec.socket.join(", ")}) does not allow`,
        });
      }
      const listed = m.permissions.sockets.some((g) => g.host === host && g.port === port && g.transport === transport);
      if (!listed) {
        ctx.addIssue({
          code: "custom",
          path: ["settings_schema", key, "default"],
          message: `is a socket address (${transport} ${host}:${port}) that permissions.sockets does not list; list it, or leave the default out`,
        });
      }
    }
    const seenSockets = new Set<string>();
    m.permissions.sockets.forEach((g, i) => {
      const key = `${g.host}:${g.port}`;
      if (seenSockets.has(key)) {
        ctx.addIssue({
          code: "custom",
          path: ["permissions", "sockets", i],
          message: `${key} is listed twice: one destination has one transport`,
        });
      }
      seenSockets.add(key);
    });
    const migrationIds = new Set<string>();
    m.migrations.forEach((mig, i) => {
      if (migrationIds.has(mig.id)) {
        ctx.addIssue({ code: "custom", path: ["migrations", i, "id"], message: `"${mig.id}" is declared twice` });
      }
      migrationIds.add(mig.id);
    });
    // a rename names a key this version no longer has; two settings cannot both take over one old key
    const renamedFrom = new Map<string, string>();
    for (const [key, spec] of Object.entries(m.settings_schema)) {
      const old = spec.renamed_from;
      if (old === undefined) continue;
      const path = ["settings_schema", key, "renamed_from"];
      if (Object.hasOwn(m.settings_schema, old)) {
        ctx.addIssue({
          code: "custom",
          path,
          message: `"${old}" is still a setting of this version; a rename retires the old key`,
        });
      } else if (renamedFrom.has(old)) {
        ctx.addIssue({ code: "custom", path, message: `"${old}" is already renamed to "${renamedFrom.get(old)}"` });
      }
      renamedFrom.set(old, key);
    }
    // opening store sessions is what an identity provider is for; anything else asking for it is refused
    if (m.permissions.capabilities.includes("sessions") && m.category !== "auth") {
      ctx.addIssue({
        code: "custom",
        path: ["permissions", "capabilities"],
        message: `asks for "sessions", which only auth plugins may hold (this one is of category ${m.category}): it signs browsers into the store`,
      });
    }
    if (m.migrations.length > 0 && !m.permissions.capabilities.includes("db")) {
      ctx.addIssue({
        code: "custom",
        path: ["permissions", "capabilities"],
        message: 'declares database migrations but not the "db" capability they need',
      });
    }
    const widgetIds = new Set<string>();
    m.admin_ui?.widgets.forEach((w, i) => {
      if (widgetIds.has(w.id)) {
        ctx.addIssue({
          code: "custom",
          path: ["admin_ui", "widgets", i, "id"],
          message: `"${w.id}" is declared twice`,
        });
      }
      widgetIds.add(w.id);
    });
  });

/** A manifest as written (defaults may be left out). */
export type PluginManifestInput = z.input<typeof pluginManifestSchema>;
/** A validated manifest with every default filled in. */
export type PluginManifest = z.infer<typeof pluginManifestSchema>;
export type PluginDependency = z.infer<typeof dependencySchema>;
export type HookRegistration = z.infer<typeof hookSchema>;
export type ApiEndpoint = z.infer<typeof apiEndpointSchema>;
export type Webhook = z.infer<typeof webhookSchema>;
export type Widget = z.infer<typeof widgetSchema>;
export type SettingSpec = z.infer<typeof settingSpecSchema>;
export type SettingSpecInput = z.input<typeof settingSpecSchema>;
export type SettingsSchema = PluginManifest["settings_schema"];
export type Permissions = z.infer<typeof permissionsSchema>;
export type PermissionsInput = z.input<typeof permissionsSchema>;
export type HttpMethod = z.infer<typeof httpMethod>;
export type PluginLimits = z.infer<typeof limitsSchema>;
export type Migration = z.infer<typeof migrationSchema>;
