/** Small fixtures each test builds for itself: a tenant with tokens, plugins in the catalogue, an HTTP client. */

import { createExecutionContext, env, SELF, waitOnExecutionContext } from "cloudflare:test";
import { createPlugin, type PluginManifest } from "@digital-commerce/plugin-sdk";
import { issueToken, type Role, type TokenScope } from "../api/src/auth/index.ts";
import { ledgerDb } from "../api/src/ledger/index.ts";
import { createLogger } from "../api/src/logging/index.ts";
import { registerPlugin } from "../api/src/registry/index.ts";
import { publishPlugin, type SandboxDeps } from "../api/src/sandbox/index.ts";
import { createTenant } from "../api/src/tenants/index.ts";

const plugins = import.meta.glob<{ manifest: PluginManifest }>("../plugins/*/manifest.ts", { eager: true });

/** The reference plugins under plugins/, published (bundle and manifest) as `npm run dev` publishes them. */
export async function givenReferencePlugins(): Promise<PluginManifest[]> {
  const manifests = Object.values(plugins).map((m) => m.manifest);
  for (const m of manifests) await givenPublished(m.slug);
  return manifests;
}

/** Publishes the bundle of plugins/<name> or test/fixtures/plugins/<name>, built by vitest.config.ts. */
export async function givenPublished(name: string): Promise<PluginManifest> {
  const bundle = env.TEST_PLUGIN_BUNDLES[name];
  if (!bundle) throw new Error(`no plugin folder "${name}" was bundled; see vitest.config.ts`);
  await publishPlugin(env, bundle);
  return bundle.manifest;
}

export const unique = (prefix: string) => `${prefix}-${crypto.randomUUID().slice(0, 8)}`;

export interface Response<T = unknown> {
  status: number;
  body: T;
}

export interface ErrorResponse {
  error: { code: string; message: string; details?: unknown };
}

export function client(token?: string) {
  return async <T = Record<string, unknown>>(method: string, path: string, body?: unknown): Promise<Response<T>> => {
    const headers: Record<string, string> = {};
    if (token) headers.authorization = `Bearer ${token}`;
    if (body !== undefined) headers["content-type"] = "application/json";
    const res = await SELF.fetch(`http://commerce.test${path}`, {
      method,
      headers,
      body: body === undefined ? undefined : typeof body === "string" ? body : JSON.stringify(body),
    });
    const text = await res.text();
    return { status: res.status, body: (text ? JSON.parse(text) : null) as T };
  };
}

export type Client = ReturnType<typeof client>;

/** Every tenant this test file made, in order: for reading what a request wrote when only its trace id is at hand. */
export const givenTenantIds: string[] = [];

/**
 * The ledger rows `sql` selects (its first binding is a tenant id) across every tenant this file made:
 * a trace id is unique, so the rows of one request come from one ledger.
 */
export async function acrossTenants<T>(sql: string, ...bindings: unknown[]): Promise<T[]> {
  const rows: T[] = [];
  for (const tenantId of givenTenantIds) {
    const { results } = await ledgerDb(env, tenantId)
      .prepare(sql)
      .bind(tenantId, ...bindings)
      .all<T>();
    rows.push(...results);
  }
  return rows;
}

/**
 * `sql` (bindings as given) run in the ledger of every tenant this file made, their rows together: for
 * a row known by its own unique id (a session, an endpoint, a delivery), which only one ledger has.
 */
export async function inLedgers<T>(sql: string, ...bindings: unknown[]): Promise<T[]> {
  const rows: T[] = [];
  for (const tenantId of givenTenantIds) {
    const { results } = await ledgerDb(env, tenantId)
      .prepare(sql)
      .bind(...bindings)
      .all<T>();
    rows.push(...results);
  }
  return rows;
}

/**
 * A fresh tenant with one token per role; `api` calls as its admin. None of these tokens has a
 * scope: `withScopes` issues one that has (`publisher()`: an admin that may publish plugins).
 */
export async function givenTenant() {
  const slug = unique("store");
  const tenant = await createTenant(env.DB, { slug, name: `Store ${slug}` });
  givenTenantIds.push(tenant.id);
  const tokens: Record<Role, string> = {
    owner: await issueToken(env.DB, tenant.id, "owner", "test-owner"),
    admin: await issueToken(env.DB, tenant.id, "admin", "test-admin"),
    viewer: await issueToken(env.DB, tenant.id, "viewer", "test-viewer"),
  };
  const withScopes = async (scopes: TokenScope[], role: Role = "admin") => {
    const token = await issueToken(env.DB, tenant.id, role, `test-${role}-${scopes.join("-")}`, scopes);
    return { token, api: client(token) };
  };
  return {
    tenant,
    tokens,
    api: client(tokens.admin),
    as: (role: Role) => client(tokens[role]),
    withScopes,
    publisher: (role: Role = "admin") => withScopes(["plugins:publish"], role),
  };
}

/** Registers a plugin with a unique slug built by `build`, and returns its manifest. */
export async function givenPlugin(
  prefix: string,
  build: (b: ReturnType<typeof createPlugin>) => ReturnType<typeof createPlugin> = (b) => b,
): Promise<PluginManifest> {
  const manifest = build(createPlugin(`Plugin ${prefix}`, unique(prefix)).version("1.0.0")).build();
  await registerPlugin(env.DB, manifest);
  return manifest;
}

/** Polls `check` until it returns a value (anything but undefined), or fails after `timeoutMs`. */
export async function eventually<T>(check: () => Promise<T | undefined>, timeoutMs = 15_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`not reached within ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

/** A fresh tenant with each named plugin folder published, installed (with its config) and active, in order. */
export async function givenTenantWith(plugins: Record<string, Record<string, unknown>>) {
  const given = await givenTenant();
  for (const [slug, config] of Object.entries(plugins)) {
    await givenPublished(slug);
    const install = await given.api("POST", `/api/admin/plugins/${slug}/install`, { config });
    if (install.status !== 201) throw new Error(`installing ${slug}: ${JSON.stringify(install.body)}`);
    const activate = await given.api("POST", `/api/admin/plugins/${slug}/activate`);
    if (activate.status !== 200) throw new Error(`activating ${slug}: ${JSON.stringify(activate.body)}`);
  }
  return given;
}

/**
 * What a call into a plugin isolate needs, for a test that calls the sandbox directly (no request):
 * the test's bindings (with `overrides`), its loopback exports, and `settle()` to wait for its waitUntils.
 */
export function givenSandboxDeps(overrides: Partial<Cloudflare.Env> = {}): SandboxDeps & { settle(): Promise<void> } {
  const ctx = createExecutionContext();
  return {
    env: { ...env, ...overrides },
    exports: ctx.exports,
    waitUntil: (p: Promise<unknown>) => ctx.waitUntil(p),
    log: createLogger("silent"),
    settle: () => waitOnExecutionContext(ctx),
  };
}
