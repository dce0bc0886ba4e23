/**
 * Everything one call into a plugin needs, read for a tenant: the installed
 * version's manifest and bundle, the granted permissions, and the decrypted
 * configuration the plugin receives in its context.
 */
import {
  type Capability,
  type Permissions,
  type PluginManifest,
  permissionsSchema,
  pluginManifestSchema,
  type SocketGrant,
  socketAddressOf,
} from "@digital-commerce/plugin-sdk";
import { z } from "zod";
import { revealConfig } from "../config/index.ts";
import { hostProblem, type UrlPolicy, urlProblem } from "../net/index.ts";
import { type PluginState, pluginState } from "../registry/index.ts";
import { SandboxError } from "./errors.ts";

export interface SandboxTarget {
  tenant: { id: string; slug: string; name: string; settings: Record<string, unknown> };
  slug: string;
  version: string;
  hash: string;
  state: PluginState;
  manifest: PluginManifest;
  /** What the tenant granted at install: the isolate gets these capabilities and hosts, nothing else. */
  granted: Permissions;
  config: Record<string, unknown>;
}

const targetRow = z.object({
  tenant_id: z.string(),
  tenant_slug: z.string(),
  tenant_name: z.string(),
  tenant_settings: z.string(),
  slug: z.string(),
  version: z.string(),
  state: pluginState,
  config: z.string(),
  permissions: z.string(),
  manifest: z.string(),
  bundle_hash: z.string().nullable(),
});

const targetQuery = `SELECT t.id AS tenant_id, t.slug AS tenant_slug, t.name AS tenant_name, t.settings AS tenant_settings,
            i.slug, i.version, i.state, i.config, i.permissions, v.manifest, v.bundle_hash
       FROM installations i
       JOIN tenants t ON t.id = i.tenant_id
       JOIN plugin_versions v ON v.slug = i.slug AND v.version = i.version`;

type Secrets = { DB: D1Database; CONFIG_ENCRYPTION_KEY: string };

async function toTarget(env: Secrets, raw: unknown): Promise<SandboxTarget> {
  const row = targetRow.parse(raw);
  if (!row.bundle_hash) {
    throw new SandboxError(
      "BUNDLE_MISSING",
      `${row.slug}@${row.version} was registered without a bundle; publish its code.`,
    );
  }
  const manifest = pluginManifestSchema.parse(JSON.parse(row.manifest));
  const config = await revealConfig(manifest.settings_schema, JSON.parse(row.config) as Record<string, unknown>, {
    secret: env.CONFIG_ENCRYPTION_KEY,
    tenantId: row.tenant_id,
    slug: row.slug,
  });
  return {
    tenant: {
      id: row.tenant_id,
      slug: row.tenant_slug,
      name: row.tenant_name,
      settings: JSON.parse(row.tenant_settings) as Record<string, unknown>,
    },
    slug: row.slug,
    version: row.version,
    hash: row.bundle_hash,
    state: row.state,
    manifest,
    granted: permissionsSchema.parse(JSON.parse(row.permissions)),
    config,
  };
}

/** The tenant's installation of `slug` as a call target, or null when the tenant does not have it. */
export async function findTarget(env: Secrets, tenantId: string, slug: string): Promise<SandboxTarget | null> {
  const raw = await env.DB.prepare(`${targetQuery} WHERE i.tenant_id = ? AND i.slug = ?`).bind(tenantId, slug).first();
  return raw ? await toTarget(env, raw) : null;
}

/** Every plugin active for the tenant, as call targets, in one query. */
export async function activeTargets(env: Secrets, tenantId: string): Promise<SandboxTarget[]> {
  const { results } = await env.DB.prepare(`${targetQuery} WHERE i.tenant_id = ? AND i.state = 'active'`)
    .bind(tenantId)
    .all();
  return await Promise.all(results.map((raw) => toTarget(env, raw)));
}

export function grants(target: SandboxTarget, capability: Capability): boolean {
  return target.granted.capabilities.includes(capability);
}

/**
 * The hosts the egress gate lets the plugin reach: what the tenant granted at install, and the host of
 * each service-address setting (`egress: true`) the operator configured, checked again by the address
 * rule in force (a value stored while private addresses were allowed is not reachable once they are not).
 * Nothing without the http capability.
 */
export function egressHosts(target: SandboxTarget, policy: UrlPolicy): string[] {
  if (!grants(target, "http")) return [];
  const hosts = new Set(target.granted.network);
  for (const [key, spec] of Object.entries(target.manifest.settings_schema)) {
    const value = target.config[key];
    if (!spec.egress || typeof value !== "string" || urlProblem(value, policy) !== null) continue;
    const url = new URL(value);
    hosts.add(url.port ? `${url.hostname}:${url.port}` : url.hostname);
  }
  return [...hosts];
}

/**
 * The TCP destinations the egress gate lets the plugin `connect()` to: what the tenant granted at install
 * (`permissions.sockets`) and each socket-address setting the operator configured, within the transports
 * that setting allows. The address rule is checked here too (a pattern's suffix for `*.` hosts), and
 * again by the gate on the host each connection names.
 */
export function socketGrants(target: SandboxTarget, policy: UrlPolicy): SocketGrant[] {
  const grants = new Map<string, SocketGrant>();
  const add = (g: SocketGrant) => {
    if (hostProblem(g.host.replace(/^\*\./, ""), policy) === null) grants.set(`${g.host}:${g.port}`, g);
  };
  for (const g of target.granted.sockets) add(g);
  for (const [key, spec] of Object.entries(target.manifest.settings_schema)) {
    const value = target.config[key];
    if (!spec.socket || typeof value !== "string") continue;
    const address = socketAddressOf(value);
    // a value stored under another manifest version's rules is not a grant under this one's
    if (address.problem === undefined && spec.socket.includes(address.grant.transport)) add(address.grant);
  }
  return [...grants.values()];
}
