/**
 * Everything one call into a plugin needs, read for a tenant: the installed
 * version's manifest and bundle, the granted permissions, and the decrypted
 * configuration the plugin receives in its context.
 */
import {
  type Capability,
  type Permissions,
  type PluginManifest,
  type SocketGrant,
  socketAddressOf,
} from "@digital-commerce/plugin-sdk";
import { revealConfig } from "../config/index.ts";
import type { ApiEnv } from "../env.ts";
import { ledgerDb } from "../ledger/index.ts";
import { hostProblem, type UrlPolicy, urlProblem } from "../net/index.ts";
import {
  findInstallation,
  type Installation,
  knownVersion,
  listInstallations,
  type PluginState,
} from "../registry/index.ts";
import { findTenant } from "../tenants/index.ts";
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

type Secrets = Pick<ApiEnv, "DB" | "LEDGER" | "CONFIG_ENCRYPTION_KEY">;

/** Tenants read by this isolate, briefly: a store's name and settings change rarely, and each call needs them. */
const TENANT_TTL_MS = 30_000;
const tenants = new Map<string, { tenant: SandboxTarget["tenant"]; expires: number }>();

async function tenantOf(env: Secrets, tenantId: string): Promise<SandboxTarget["tenant"] | null> {
  const hit = tenants.get(tenantId);
  if (hit && hit.expires > Date.now()) return hit.tenant;
  const found = await findTenant(env.DB, tenantId);
  if (!found) return null;
  const tenant = { id: found.id, slug: found.slug, name: found.name, settings: found.settings };
  tenants.set(tenantId, { tenant, expires: Date.now() + TENANT_TTL_MS });
  return tenant;
}

/** The installation (the tenant's ledger) with its version's manifest and bundle (the catalogue, in D1). */
async function toTarget(
  env: Secrets,
  tenant: SandboxTarget["tenant"],
  installation: Installation,
): Promise<SandboxTarget> {
  const version = await knownVersion(env.DB, installation.slug, installation.version);
  if (!version) throw new Error(`installation ${installation.slug}@${installation.version} has no registered manifest`);
  if (!version.bundle_hash) {
    throw new SandboxError(
      "BUNDLE_MISSING",
      `${installation.slug}@${installation.version} was registered without a bundle; publish its code.`,
    );
  }
  const { manifest } = version;
  const config = await revealConfig(manifest.settings_schema, installation.config, {
    secret: env.CONFIG_ENCRYPTION_KEY,
    tenantId: tenant.id,
    slug: installation.slug,
  });
  return {
    tenant,
    slug: installation.slug,
    version: installation.version,
    hash: version.bundle_hash,
    state: installation.state,
    manifest,
    granted: installation.permissions,
    config,
  };
}

/** An installation its caller read (from a view of the tenant's ledger) as a call target; null for an unknown tenant. */
export async function installationTarget(
  env: Secrets,
  tenantId: string,
  installation: Installation,
): Promise<SandboxTarget | null> {
  const tenant = await tenantOf(env, tenantId);
  return tenant ? await toTarget(env, tenant, installation) : null;
}

/** The tenant's installation of `slug` as a call target, or null when the tenant does not have it. */
export async function findTarget(env: Secrets, tenantId: string, slug: string): Promise<SandboxTarget | null> {
  const [tenant, installation] = await Promise.all([
    tenantOf(env, tenantId),
    findInstallation(ledgerDb(env, tenantId), tenantId, slug),
  ]);
  return tenant && installation ? await toTarget(env, tenant, installation) : null;
}

/** Every plugin active for the tenant, as call targets, in one ledger call. */
export async function activeTargets(env: Secrets, tenantId: string): Promise<SandboxTarget[]> {
  const [tenant, installations] = await Promise.all([
    tenantOf(env, tenantId),
    listInstallations(ledgerDb(env, tenantId), tenantId),
  ]);
  if (!tenant) return [];
  return await Promise.all(installations.filter((i) => i.state === "active").map((i) => toTarget(env, tenant, i)));
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
