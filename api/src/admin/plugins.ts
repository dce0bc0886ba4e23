/** Handlers of /api/admin/plugins: every route reads or changes the calling token's tenant only. */

import { OpenAPIHono, type z } from "@hono/zod-openapi";
import type { Context } from "hono";
import { bodyLimit } from "hono/body-limit";
import type { AppEnv } from "../app-env.ts";
import { requireRole, requireScope } from "../auth/index.ts";
import { forgetSubscribers } from "../hooks/index.ts";
import { sandboxDepsOf, tenantDbOf, validationHook } from "../http/index.ts";
import { ledgerDb, type TenantDb } from "../ledger/index.ts";
import type { GlobalDb } from "../ledger/tenant-db.ts";
import {
  activatePlugin,
  deactivatePlugin,
  getConfig,
  installPlugin,
  planActivate,
  planDeactivate,
  planInstall,
  planRollback,
  planUninstall,
  planUpgrade,
  readSnapshot,
  type TenantScope,
  uninstallPlugin,
  updateConfig,
  versionsIn,
} from "../lifecycle/index.ts";
import { urlPolicyOf } from "../net/index.ts";
import { indexAfterCommit } from "../rollouts/index.ts";
import { callHistory, callStats } from "../sandbox/index.ts";
import { connectionCheck } from "./connection-check.ts";
import { bundleTooLarge, MAX_PUBLISH_BODY_BYTES, publishVersion } from "./publish.ts";
import { cachedRead, forgetTenant, wantsFresh } from "./read-cache.ts";
import * as routes from "./routes.ts";
import type { installedRow } from "./schemas.ts";
import {
  availableViews,
  dependenciesViewOf,
  graphViewOf,
  healthViewOf,
  installationViewOf,
  type LastError,
  latestOf,
} from "./views.ts";

export const pluginsAdmin = new OpenAPIHono<AppEnv>({ defaultHook: validationHook });

function scopeOf(c: Context<AppEnv>): TenantScope {
  return {
    catalogue: c.env.DB,
    db: tenantDbOf(c),
    queues: c.env,
    tenantId: c.get("principal").tenantId,
    secret: c.env.CONFIG_ENCRYPTION_KEY,
    allowPrivateUrls: urlPolicyOf(c.env).allowPrivate,
    log: c.get("log"),
    sandbox: sandboxDepsOf(c),
    // which tenants run which version: the D1 index rollouts and the versions catalogue read
    afterCommit: indexAfterCommit(c.env, c.get("principal").tenantId),
  };
}

/** Viewers read; changes need admin or owner, and drop this tenant's cached views. */
pluginsAdmin.on(["POST", "PUT", "DELETE"], "*", requireRole("admin"), async (c, next) => {
  try {
    await next();
  } finally {
    forgetTenant(c.get("principal").tenantId);
    forgetSubscribers(c.get("principal").tenantId);
  }
});

/** Publishing reaches past the tenant, to the catalogue every tenant shares: it needs a scope, not just a role. */
pluginsAdmin.on(
  "POST",
  "/",
  requireScope("plugins:publish", "Publishing adds a plugin version to the catalogue every tenant sees"),
  bodyLimit({
    maxSize: MAX_PUBLISH_BODY_BYTES,
    onError: () => {
      throw bundleTooLarge();
    },
  }),
);

/** A read view of the calling tenant, from the read cache unless the client asks for a fresh one. */
function view<T>(c: Context<AppEnv>, name: string, load: (tenantId: string) => Promise<T>): Promise<T> {
  const tenantId = c.get("principal").tenantId;
  const fresh = wantsFresh(c.req.header("cache-control"), c.req.header("pragma"));
  return cachedRead(tenantId, name, fresh, () => load(tenantId));
}

pluginsAdmin.openapi(routes.listAvailable, async (c) => {
  const plugins = await view(c, "available", async (tenantId) =>
    availableViews(await readSnapshot(c.env.DB, ledgerDb(c.env, tenantId), tenantId)),
  );
  return c.json({ plugins }, 200);
});

pluginsAdmin.openapi(routes.listInstalled, async (c) => {
  const plugins = await view(c, "installed", (tenantId) =>
    installedViews(c.env.DB, ledgerDb(c.env, tenantId), tenantId),
  );
  return c.json({ plugins }, 200);
});

/** The tenant's installations (its ledger) with each one's name and category (its version's manifest, in D1). */
async function installedViews(catalogue: GlobalDb, db: TenantDb, tenantId: string) {
  const snapshot = await readSnapshot(catalogue, db, tenantId);
  return [...snapshot.installed.values()].map((p) => ({
    slug: p.slug,
    name: p.manifest.name,
    category: p.manifest.category,
    version: p.version,
    state: p.state,
    as_dependency: p.as_dependency,
    permissions: p.permissions,
    installed_at: p.installed_at,
    updated_at: p.updated_at,
  })) satisfies z.output<typeof installedRow>[];
}

pluginsAdmin.openapi(routes.dependencyGraph, async (c) => {
  return c.json(
    await view(c, "graph", async (tenantId) =>
      graphViewOf(await readSnapshot(c.env.DB, ledgerDb(c.env, tenantId), tenantId)),
    ),
    200,
  );
});

pluginsAdmin.openapi(routes.getDetails, async (c) => {
  const { slug } = c.req.valid("param");
  const snapshot = await readSnapshot(c.env.DB, tenantDbOf(c), c.get("principal").tenantId);
  const versions = await versionsIn(c.env.DB, snapshot, slug);
  const installed = snapshot.installed.get(slug);
  return c.json(
    {
      slug,
      latest_version: latestOf(versions).version,
      versions: versions.map((v) => v.version),
      manifest: installed?.manifest ?? latestOf(versions).manifest,
      installation: installed ? installationViewOf(installed) : null,
    },
    200,
  );
});

async function installationAfter(c: Context<AppEnv>, slug: string) {
  const snapshot = await readSnapshot(c.env.DB, tenantDbOf(c), c.get("principal").tenantId);
  const p = snapshot.installed.get(slug);
  return p ? installationViewOf(p) : null;
}

pluginsAdmin.openapi(routes.publish, async (c) => {
  const published = await publishVersion(c.env, c.req.valid("json"));
  c.get("log").info(
    { plugin: published.slug, version: published.version, created: published.created },
    "plugin published",
  );
  return published.created ? c.json(published, 201) : c.json(published, 200);
});

// A dry run is the transition's plan without its commit: planned from the same read, refused the same way.

pluginsAdmin.openapi(routes.install, async (c) => {
  const { slug } = c.req.valid("param");
  const body = c.req.valid("json") ?? { install_dependencies: true };
  const options = { version: body.version, config: body.config, installDependencies: body.install_dependencies };
  if (c.req.valid("query").dry_run) {
    const plan = await planInstall(scopeOf(c), slug, options);
    return c.json({ dry_run: true as const, installed: plan.result }, 200);
  }
  const installed = await installPlugin(scopeOf(c), slug, options);
  const plugin = await installationAfter(c, slug);
  if (!plugin) throw new Error(`${slug} vanished right after its install committed`);
  return c.json({ plugin, installed }, 201);
});

pluginsAdmin.openapi(routes.activate, async (c) => {
  const { slug } = c.req.valid("param");
  const { cascade, dry_run } = c.req.valid("query");
  if (dry_run)
    return c.json({ dry_run: true as const, changed: (await planActivate(scopeOf(c), slug, { cascade })).result }, 200);
  const changed = await activatePlugin(scopeOf(c), slug, { cascade });
  return c.json({ plugin: await installationAfter(c, slug), changed }, 200);
});

pluginsAdmin.openapi(routes.deactivate, async (c) => {
  const { slug } = c.req.valid("param");
  const { cascade, dry_run } = c.req.valid("query");
  if (dry_run) {
    return c.json(
      { dry_run: true as const, changed: (await planDeactivate(scopeOf(c), slug, { cascade })).result },
      200,
    );
  }
  const changed = await deactivatePlugin(scopeOf(c), slug, { cascade });
  return c.json({ plugin: await installationAfter(c, slug), changed }, 200);
});

pluginsAdmin.openapi(routes.upgrade, async (c) => {
  const { slug } = c.req.valid("param");
  const body = c.req.valid("json") ?? { approve_permissions: false };
  const plan = await planUpgrade(scopeOf(c), slug, {
    version: body.version,
    config: body.config,
    approvePermissions: body.approve_permissions,
  });
  if (c.req.valid("query").dry_run) return c.json({ dry_run: true as const, ...plan.result }, 200);
  const { steps } = await plan.commit();
  const plugin = await installationAfter(c, slug);
  if (!plugin) throw new Error(`${slug} vanished right after its upgrade committed`);
  return c.json({ plugin, steps }, 200);
});

pluginsAdmin.openapi(routes.rollback, async (c) => {
  const { slug } = c.req.valid("param");
  const plan = await planRollback(scopeOf(c), slug);
  if (c.req.valid("query").dry_run) return c.json({ dry_run: true as const, ...plan.result }, 200);
  const { steps } = await plan.commit();
  const plugin = await installationAfter(c, slug);
  if (!plugin) throw new Error(`${slug} vanished right after its rollback committed`);
  return c.json({ plugin, steps }, 200);
});

pluginsAdmin.openapi(routes.uninstall, async (c) => {
  const { slug } = c.req.valid("param");
  const { cascade, dry_run } = c.req.valid("query");
  if (dry_run) {
    return c.json(
      { dry_run: true as const, changed: (await planUninstall(scopeOf(c), slug, { cascade })).result },
      200,
    );
  }
  const changed = await uninstallPlugin(scopeOf(c), slug, { cascade });
  return c.json({ plugin: null, changed }, 200);
});

pluginsAdmin.openapi(routes.getConfig, async (c) => {
  return c.json(await getConfig(scopeOf(c), c.req.valid("param").slug), 200);
});

pluginsAdmin.openapi(routes.putConfig, async (c) => {
  return c.json(await updateConfig(scopeOf(c), c.req.valid("param").slug, c.req.valid("json")), 200);
});

pluginsAdmin.openapi(routes.dependencies, async (c) => {
  const { slug } = c.req.valid("param");
  const snapshot = await readSnapshot(c.env.DB, tenantDbOf(c), c.get("principal").tenantId);
  await versionsIn(c.env.DB, snapshot, slug);
  return c.json(dependenciesViewOf(snapshot, slug), 200);
});

pluginsAdmin.openapi(routes.healthHistory, async (c) => {
  const { slug } = c.req.valid("param");
  const { bucket, buckets } = c.req.valid("query");
  const tenantId = c.get("principal").tenantId;
  // a slug the catalogue does not know: 404 with suggestions, as every other route of a plugin
  const snapshot = await readSnapshot(c.env.DB, ledgerDb(c.env, tenantId), tenantId);
  await versionsIn(c.env.DB, snapshot, slug);
  return c.json(await callHistory(ledgerDb(c.env, tenantId), tenantId, slug, { bucket, buckets }), 200);
});

pluginsAdmin.openapi(routes.health, async (c) => {
  const { slug } = c.req.valid("param");
  const tenantId = c.get("principal").tenantId;
  const snapshot = await readSnapshot(c.env.DB, ledgerDb(c.env, tenantId), tenantId);
  await versionsIn(c.env.DB, snapshot, slug);
  const row = await ledgerDb(c.env, tenantId)
    .prepare(
      `SELECT created_at AS at, json_extract(payload, '$.error.code') AS code, json_extract(payload, '$.error.message') AS message
       FROM outbox WHERE tenant_id = ? AND plugin_slug = ? AND hook = 'plugin_error' ORDER BY created_at DESC LIMIT 1`,
    )
    .bind(tenantId, slug)
    .first<LastError>();
  const installed = snapshot.installed.get(slug);
  const connection = installed
    ? await connectionCheck(sandboxDepsOf(c), {
        tenantId,
        slug,
        category: installed.manifest.category,
        state: installed.state,
        updatedAt: installed.updated_at,
      })
    : null;
  const calls = await callStats(ledgerDb(c.env, tenantId), tenantId, slug);
  return c.json(healthViewOf(snapshot, slug, row, calls, connection ? [connection] : []), 200);
});
