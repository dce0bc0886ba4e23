/**
 * Reading and replacing a plugin's configuration for a tenant. An active plugin
 * must stay complete: a change that drops a required setting is refused.
 */
import { assertComplete, maskedConfig, missingRequired, prepareConfig, sensitiveKeys } from "../config/index.ts";
import { findInstallation, getPluginVersion, versionsOf } from "../registry/index.ts";
import { now, type TenantScope } from "./commit.ts";
import { LifecycleError, notInstalled } from "./errors.ts";

export interface ConfigView {
  slug: string;
  version: string;
  config: Record<string, unknown>;
  sensitive: string[];
  missing_required: string[];
}

async function installedOrThrow(scope: TenantScope, slug: string) {
  const installation = await findInstallation(scope.db, scope.tenantId, slug);
  if (installation) return installation;
  await versionsOf(scope.catalogue, slug); // PLUGIN_NOT_FOUND for an unknown slug
  throw notInstalled(slug);
}

export async function getConfig(scope: TenantScope, slug: string): Promise<ConfigView> {
  const installation = await installedOrThrow(scope, slug);
  const { manifest } = await getPluginVersion(scope.catalogue, slug, installation.version);
  return {
    slug,
    version: installation.version,
    config: maskedConfig(manifest.settings_schema, installation.config),
    sensitive: sensitiveKeys(manifest.settings_schema),
    missing_required: missingRequired(manifest.settings_schema, installation.config),
  };
}

export async function updateConfig(
  scope: TenantScope,
  slug: string,
  input: Record<string, unknown>,
): Promise<ConfigView> {
  const installation = await installedOrThrow(scope, slug);
  const { manifest } = await getPluginVersion(scope.catalogue, slug, installation.version);
  const stored = await prepareConfig(manifest.settings_schema, input, installation.config, {
    secret: scope.secret,
    tenantId: scope.tenantId,
    slug,
    allowPrivateUrls: scope.allowPrivateUrls,
  });
  if (installation.state === "active") assertComplete(manifest.settings_schema, stored, slug);
  const result = await scope.db
    .prepare("UPDATE installations SET config = ?, updated_at = ? WHERE tenant_id = ? AND slug = ? AND updated_at = ?")
    .bind(JSON.stringify(stored), now(), scope.tenantId, slug, installation.updated_at)
    .run();
  if (result.meta.changes !== 1) {
    throw new LifecycleError(
      "CONCURRENT_MODIFICATION",
      `${slug} changed while its configuration was being saved; nothing was changed. Retry.`,
    );
  }
  scope.log.info({ plugin: slug, keys: Object.keys(stored) }, "plugin configuration updated");
  return {
    slug,
    version: installation.version,
    config: maskedConfig(manifest.settings_schema, stored),
    sensitive: sensitiveKeys(manifest.settings_schema),
    missing_required: missingRequired(manifest.settings_schema, stored),
  };
}
