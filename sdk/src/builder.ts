/**
 * Fluent builders for plugin manifests (spec, "Using the Plugin Builder"). Nothing is checked
 * while building; `build()` validates against the manifest schema and reports every problem at once.
 */
import { ManifestError, type ManifestProblem, problemsOf } from "./errors.ts";
import type { HookName } from "./hooks/catalogue.ts";
import {
  type Capability,
  type HttpMethod,
  type Migration,
  type PluginCategory,
  type PluginLimits,
  type PluginManifest,
  type PluginManifestInput,
  pluginManifestSchema,
  type SettingSpecInput,
} from "./manifest.ts";
import type { SocketGrant } from "./sockets.ts";

type HookInput = NonNullable<PluginManifestInput["hooks"]>[number];
type EndpointInput = NonNullable<PluginManifestInput["api_endpoints"]>[number];
type WebhookInput = NonNullable<PluginManifestInput["webhooks"]>[number];
type DependencyInput = NonNullable<PluginManifestInput["dependencies"]>[number];
type AdminUiInput = NonNullable<PluginManifestInput["admin_ui"]>;

/** A widget on an admin dashboard, as `.widget()` takes it. */
export type WidgetInput = NonNullable<AdminUiInput["widgets"]>[number];

/** How a hook handler fails and how long it may run; the platform's defaults apply when left out. */
export type HookOptions = Pick<HookInput, "on_failure" | "timeout_ms" | "max_attempts">;

/** Options of an API endpoint; `auth_required` defaults to `true`. */
export type ApiEndpointOptions = Pick<EndpointInput, "auth_required">;

/** A grant of permissions: hosts the `http` capability may reach, capabilities, and TCP destinations. */
export interface PermissionGrant {
  network?: string[];
  capabilities?: Capability[];
  sockets?: SocketGrant[];
}

/** A catalogue hook name, or any string: unknown names are reported by `build()` with the closest match. */
export type HookNameInput = HookName | (string & Record<never, never>);

/** Version of a manifest whose `.version()` was never called. */
export const defaultPluginVersion = "0.1.0";

/**
 * Builds a plugin manifest step by step. Each method records and returns the builder;
 * `build()` validates the whole manifest.
 *
 * @example
 * const manifest = new PluginBuilder("Core Utils", "core-utils").version("1.0.0").build();
 */
export class PluginBuilder {
  readonly #fields: Pick<
    PluginManifestInput,
    "name" | "slug" | "version" | "category" | "description" | "author" | "homepage" | "license"
  >;
  readonly #dependencies: DependencyInput[] = [];
  readonly #hooks: HookInput[] = [];
  readonly #endpoints: EndpointInput[] = [];
  readonly #webhooks: WebhookInput[] = [];
  readonly #settings = new Map<string, SettingSpecInput>();
  readonly #network: string[] = [];
  readonly #capabilities: Capability[] = [];
  readonly #sockets: SocketGrant[] = [];
  #settingsComponent: string | undefined;
  readonly #widgets: WidgetInput[] = [];
  #limits: PluginLimits = {};
  readonly #migrations: Migration[] = [];
  #changelog: string | undefined;
  // Problems the schema cannot see once the builder has turned calls into a manifest.
  readonly #problems: ManifestProblem[] = [];

  constructor(name: string, slug: string) {
    this.#fields = { name, slug, version: defaultPluginVersion };
  }

  /**
   * Sets the plugin's semantic version (default `0.1.0`).
   *
   * @example
   * createPlugin("Core Utils", "core-utils").version("1.2.0");
   */
  version(version: string): this {
    this.#fields.version = version;
    return this;
  }

  /**
   * Sets the description shown in the admin UI.
   *
   * @example
   * createPlugin("Core Utils", "core-utils").description("Helpers other plugins depend on");
   */
  description(description: string): this {
    this.#fields.description = description;
    return this;
  }

  /**
   * Sets the author.
   *
   * @example
   * createPlugin("Core Utils", "core-utils").author("Ada Lovelace");
   */
  author(author: string): this {
    this.#fields.author = author;
    return this;
  }

  /**
   * Sets the category (default `utility`; the `create<Category>Plugin` functions preset it).
   *
   * @example
   * createPlugin("Test Plugin", "test").category("payment");
   */
  category(category: PluginCategory): this {
    this.#fields.category = category;
    return this;
  }

  /**
   * Sets the plugin's home page URL.
   *
   * @example
   * createPlugin("Core Utils", "core-utils").homepage("https://example.com/core-utils");
   */
  homepage(url: string): this {
    this.#fields.homepage = url;
    return this;
  }

  /**
   * Sets the licence, as an SPDX identifier.
   *
   * @example
   * createPlugin("Core Utils", "core-utils").license("MIT");
   */
  license(spdx: string): this {
    this.#fields.license = spdx;
    return this;
  }

  /**
   * Declares that this plugin needs another plugin, by slug and semver range.
   *
   * @example
   * createPaymentPlugin("Stripe Gateway", "stripe-gateway").dependency("core-utils", "^1.0.0");
   */
  dependency(slug: string, range: string): this {
    this.#dependencies.push({ name: slug, version: range });
    return this;
  }

  /**
   * Registers a handler module for a catalogue hook. Lower `priority` runs first (default 100).
   *
   * @example
   * createPaymentPlugin("Stripe Gateway", "stripe-gateway")
   *   .hook("before_payment_process", "src/hooks/beforePayment.ts", 50, { on_failure: "abort", timeout_ms: 2000 });
   */
  hook(name: HookNameInput, handler: string, priority?: number, options: HookOptions = {}): this {
    this.#hooks.push({ name, handler, ...(priority === undefined ? {} : { priority }), ...options });
    return this;
  }

  /**
   * Adds an HTTP endpoint the plugin serves; it requires an authenticated caller unless
   * `auth_required` is `false`.
   *
   * @example
   * createPaymentPlugin("Stripe Gateway", "stripe-gateway").apiEndpoint("POST", "/process", "src/api/process.ts");
   */
  apiEndpoint(method: HttpMethod, path: string, handler: string, options: ApiEndpointOptions = {}): this {
    this.#endpoints.push({ method, path, handler, ...options });
    return this;
  }

  /**
   * Adds an inbound webhook path. A string `handler` answers the request itself. With `verify`, the
   * verify module checks the request and returns its event, which is queued and delivered to `handler`,
   * or to the category's `handleWebhook` when no handler is given.
   *
   * @example
   * createPaymentPlugin("Stripe Gateway", "stripe-gateway").webhook("/stripe", { verify: "src/webhooks/verify.ts" });
   * createPlugin("Hooks", "hooks").webhook("/ping", "src/webhooks/ping.ts");
   */
  webhook(path: string, handler?: string | Omit<WebhookInput, "path">): this {
    const options = typeof handler === "string" ? { handler } : (handler ?? {});
    this.#webhooks.push({ path, ...options });
    return this;
  }

  /**
   * Declares a setting the tenant configures. `sensitive` settings are encrypted at rest and
   * masked on read, and may not have a default. Declaring a key twice is reported by `build()`.
   *
   * @example
   * createPaymentPlugin("Stripe Gateway", "stripe-gateway")
   *   .setting("api_key", { type: "string", label: "API Key", required: true, sensitive: true });
   */
  setting(key: string, spec: SettingSpecInput): this {
    if (this.#settings.has(key)) {
      this.#problems.push({ path: `settings_schema.${key}`, message: `"${key}" is declared twice` });
    }
    this.#settings.set(key, spec);
    return this;
  }

  /**
   * Grants permissions; repeated calls add to what is already granted. Network hosts are reached
   * through the `http` capability, which must be granted explicitly: the admin approving the plugin
   * sees exactly what it asked for.
   *
   * @example
   * createPaymentPlugin("Stripe Gateway", "stripe-gateway")
   *   .permission({ network: ["api.stripe.com"], capabilities: ["http"] })
   *   .permission({ capabilities: ["cache"] });
   */
  /**
   * Asks the sandbox for tighter per-call limits than the platform's caps.
   *
   * @example
   * createPlugin("Fast", "fast").limits({ timeout_ms: 500, sub_requests: 2 });
   */
  limits(limits: PluginLimits): this {
    this.#limits = { ...this.#limits, ...limits };
    return this;
  }

  /**
   * Adds a schema migration of the plugin's own database (needs the `db` capability).
   * Migrations run once each, in the order declared: at install, and on an upgrade the ones the
   * tenant's database has not had yet. `down` undoes it; a rollback past a migration without one
   * is refused.
   *
   * @example
   * createPlugin("Notes", "notes")
   *   .permission({ capabilities: ["db"] })
   *   .migration("0001_init", "CREATE TABLE notes (id TEXT PRIMARY KEY, body TEXT NOT NULL)")
   *   .migration("0002_tags", "ALTER TABLE notes ADD COLUMN tags TEXT", "ALTER TABLE notes DROP COLUMN tags");
   */
  migration(id: string, sql: string, down?: string): this {
    this.#migrations.push(down === undefined ? { id, sql } : { id, sql, down });
    return this;
  }

  /**
   * What changed in this version, shown to operators in the catalogue and before an upgrade.
   *
   * @example
   * createPlugin("Notes", "notes").version("1.1.0").changelog("Notes can be tagged.");
   */
  changelog(text: string): this {
    this.#changelog = text;
    return this;
  }

  /**
   * Asks for capabilities, outbound hosts and socket destinations; calls add up. The operator
   * grants them at install, and approves what a new version adds at upgrade.
   *
   * @example
   * createPlugin("Rates", "rates").permission({ network: ["api.rates.example"], capabilities: ["http", "cache"] });
   */
  permission(grant: PermissionGrant): this {
    addNew(this.#network, grant.network ?? []);
    addNew(this.#capabilities, grant.capabilities ?? []);
    for (const socket of grant.sockets ?? []) {
      const same = (g: SocketGrant) =>
        g.host === socket.host && g.port === socket.port && g.transport === socket.transport;
      if (!this.#sockets.some(same)) this.#sockets.push({ ...socket });
    }
    return this;
  }

  /**
   * Sets the component of the plugin's settings page in the admin UI.
   *
   * @example
   * createPaymentPlugin("Stripe Gateway", "stripe-gateway").settingsComponent("src/admin/Settings.tsx");
   */
  settingsComponent(path: string): this {
    this.#settingsComponent = path;
    return this;
  }

  /**
   * Adds a widget to an admin dashboard.
   *
   * @example
   * createPaymentPlugin("Stripe Gateway", "stripe-gateway")
   *   .widget({ id: "stripe-revenue", component: "src/admin/RevenueWidget.tsx", dashboard: "analytics" });
   */
  widget(widget: WidgetInput): this {
    this.#widgets.push({ ...widget });
    return this;
  }

  /**
   * Validates the manifest and returns it with every default filled in.
   *
   * @throws {ManifestError} listing every problem with its path, e.g. a bad slug, an unknown hook
   * (with the closest valid name) and a bad version range together.
   *
   * @example
   * const manifest = createPlugin("Core Utils", "core-utils").version("1.0.0").build();
   * manifest.category; // "utility"
   */
  build(): PluginManifest {
    const input = this.#input();
    const parsed = pluginManifestSchema.safeParse(input);
    if (!parsed.success || this.#problems.length > 0) {
      const schemaProblems = parsed.success ? [] : problemsOf(parsed.error);
      throw new ManifestError(this.#fields.slug, [...schemaProblems, ...this.#problems], input);
    }
    return parsed.data;
  }

  #input(): PluginManifestInput {
    const hasAdminUi = this.#settingsComponent !== undefined || this.#widgets.length > 0;
    return {
      ...this.#fields,
      dependencies: this.#dependencies,
      hooks: this.#hooks,
      api_endpoints: this.#endpoints,
      webhooks: this.#webhooks,
      settings_schema: Object.fromEntries(this.#settings),
      permissions: { network: this.#network, capabilities: this.#capabilities, sockets: this.#sockets },
      limits: this.#limits,
      migrations: this.#migrations,
      ...(this.#changelog === undefined ? {} : { changelog: this.#changelog }),
      ...(hasAdminUi
        ? {
            admin_ui: {
              ...(this.#settingsComponent === undefined ? {} : { settings_component: this.#settingsComponent }),
              widgets: this.#widgets,
            },
          }
        : {}),
    };
  }
}

function addNew<T>(into: T[], items: readonly T[]): void {
  for (const item of items) if (!into.includes(item)) into.push(item);
}

/**
 * Starts a plugin manifest of category `utility` (change it with `.category()`).
 *
 * @example
 * const manifest = createPlugin("Test Plugin", "test").category("payment").build();
 */
export function createPlugin(name: string, slug: string): PluginBuilder {
  return new PluginBuilder(name, slug);
}

/**
 * Starts a payment plugin manifest (implement `PaymentPlugin`).
 *
 * @example
 * const manifest = createPaymentPlugin("Stripe Gateway", "stripe-gateway")
 *   .version("1.0.0")
 *   .hook("before_payment_process", "src/hooks/beforePayment.ts")
 *   .build();
 */
export function createPaymentPlugin(name: string, slug: string): PluginBuilder {
  return createPlugin(name, slug).category("payment");
}

/**
 * Starts an auth plugin manifest (implement `AuthPlugin`).
 *
 * @example
 * const manifest = createAuthPlugin("Google OAuth", "google-oauth").hook("after_authenticate", "src/hooks/audit.ts").build();
 */
export function createAuthPlugin(name: string, slug: string): PluginBuilder {
  return createPlugin(name, slug).category("auth");
}

/**
 * Starts an analytics plugin manifest (implement `AnalyticsPlugin`).
 *
 * @example
 * const manifest = createAnalyticsPlugin("Analytics Dashboard", "analytics-dashboard")
 *   .widget({ id: "revenue", component: "src/admin/Revenue.tsx", dashboard: "analytics" })
 *   .build();
 */
export function createAnalyticsPlugin(name: string, slug: string): PluginBuilder {
  return createPlugin(name, slug).category("analytics");
}

/**
 * Starts an email plugin manifest (implement `EmailPlugin`).
 *
 * @example
 * const manifest = createEmailPlugin("SMTP Email", "smtp-email")
 *   .setting("host", { type: "string", label: "SMTP host", required: true })
 *   .build();
 */
export function createEmailPlugin(name: string, slug: string): PluginBuilder {
  return createPlugin(name, slug).category("email");
}

/**
 * Starts a CMS plugin manifest (implement `CmsPlugin`).
 *
 * @example
 * const manifest = createCmsPlugin("Headless CMS", "headless-cms").webhook("/webhooks/publish").build();
 */
export function createCmsPlugin(name: string, slug: string): PluginBuilder {
  return createPlugin(name, slug).category("cms");
}
