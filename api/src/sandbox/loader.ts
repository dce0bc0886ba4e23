/**
 * Starts (or finds warm) the isolate of one plugin for one tenant through the
 * Worker Loader. Its env holds the stubs bound once per isolate (the dependencies'
 * services, sessions), its globalOutbound is the egress gate. The capabilities a
 * call's quotas count (db, cache, storage, events, logger) are not in env: each
 * call's entrypoint gets its own stubs in its props, bound to this tenant, plugin
 * and call, so the call's meter knows whose call an emit or a log line is. Only the
 * capabilities the tenant granted are there. Nothing starts until a call needs it.
 *
 * The isolate id names tenant, plugin, version, bundle hash and grants, so a new
 * version or bundle never reuses an old isolate, and one tenant's plugin globals
 * are never another tenant's. A generation number lets the platform abandon an
 * isolate that timed out or hit a limit: the next call starts a fresh one.
 *
 * The id is prefixed with the hosting Worker (SANDBOX_HOST): `npm run dev` runs the API and
 * consumer Workers in one workerd process, whose loaders share one table of ids, and a second
 * Worker loading an id the first already holds fails with "inserted row already exists" (seen).
 */
import type { SocketGrant } from "@digital-commerce/plugin-sdk";
import type { PluginWorkerApi } from "@digital-commerce/plugin-sdk/runtime";
import type { ApiEnv } from "../env.ts";
import { urlPolicyOf } from "../net/index.ts";
import { loadBundleCode } from "./bundles.ts";
import type { CallCapabilityProps, CapabilityProps, MeteredCall } from "./capabilities/index.ts";
import type { EffectiveLimits } from "./limits.ts";
import { egressHosts, grants, type SandboxTarget, socketGrants } from "./target.ts";

export const COMPATIBILITY_DATE = "2026-11-01";

type Exports = Cloudflare.Exports;

const generations = new Map<string, number>();

/** What the isolate's egress gate lets through: HTTP hosts and TCP destinations. */
interface Egress {
  hosts: string[];
  sockets: SocketGrant[];
}

// the egress grants are part of the id: a changed service or socket address starts an isolate whose gate knows it
const baseId = (t: SandboxTarget, egress: Egress) =>
  `${t.tenant.id}:${t.slug}@${t.version}#${t.hash.slice(0, 16)}:${t.granted.capabilities.join(",")}:${egress.hosts.join(",")}:${egress.sockets.map((s) => `${s.transport}://${s.host}:${s.port}`).join(",")}`;

type LoaderEnv = Pick<ApiEnv, "LOADER" | "BUNDLES" | "SANDBOX_HOST" | "WEBHOOK_ALLOW_PRIVATE_URLS">;

const egressOf = (env: Pick<ApiEnv, "WEBHOOK_ALLOW_PRIVATE_URLS">, target: SandboxTarget): Egress => ({
  hosts: egressHosts(target, urlPolicyOf(env)),
  sockets: socketGrants(target, urlPolicyOf(env)),
});

export function isolateId(target: SandboxTarget, host: string | undefined, egress: Egress): string {
  const base = baseId(target, egress);
  return `${host ?? "api"}/${base}:g${generations.get(base) ?? 0}`;
}

/** Makes the next call start a new isolate instead of reusing the current one. */
export function abandonIsolate(env: Pick<ApiEnv, "WEBHOOK_ALLOW_PRIVATE_URLS">, target: SandboxTarget): void {
  const base = baseId(target, egressOf(env, target));
  generations.set(base, (generations.get(base) ?? 0) + 1);
}

/** Whether the plugin may reach the network at all: only then does its call need a place in the gate's count. */
export function reachesNetwork(env: Pick<ApiEnv, "WEBHOOK_ALLOW_PRIVATE_URLS">, target: SandboxTarget): boolean {
  const egress = egressOf(env, target);
  return egress.hosts.length > 0 || egress.sockets.length > 0;
}

function capabilityEnv(exports: Exports, target: SandboxTarget): Record<string, unknown> {
  const props: CapabilityProps = { tenantId: target.tenant.id, slug: target.slug };
  const env: Record<string, unknown> = {};
  if (grants(target, "http")) env.HTTP = true;
  // opens store sessions: auth plugins only (the manifest schema refuses it for others; checked again here)
  if (grants(target, "sessions") && target.manifest.category === "auth") {
    env.SESSIONS = exports.SessionsCapability({ props });
  }
  // not a grant: declaring a dependency is what lets a plugin call its services (context.plugins)
  if (target.manifest.dependencies.length > 0) env.PLUGINS = exports.PluginsCapability({ props });
  return env;
}

/** The stubs of one call: the SDK's entrypoint builds the call's context from them (`ctx.props.capabilities`). */
function callCapabilities(exports: Exports, target: SandboxTarget, call: MeteredCall): Record<string, unknown> {
  const props: CallCapabilityProps = { tenantId: target.tenant.id, slug: target.slug, call };
  const capabilities: Record<string, unknown> = {};
  if (grants(target, "db")) capabilities.DB = exports.DbCapability({ props });
  if (grants(target, "cache")) capabilities.CACHE = exports.CacheCapability({ props });
  if (grants(target, "storage")) capabilities.STORAGE = exports.StorageCapability({ props });
  if (grants(target, "events")) capabilities.EVENTS = exports.EventsCapability({ props });
  if (grants(target, "logger")) capabilities.LOG = exports.LogCapability({ props });
  return capabilities;
}

export function pluginWorker(
  env: LoaderEnv,
  exports: Exports,
  target: SandboxTarget,
  limits: EffectiveLimits,
  call: MeteredCall,
): PluginWorkerApi {
  const egress = egressOf(env, target);
  const worker = env.LOADER.get(isolateId(target, env.SANDBOX_HOST, egress), async () => ({
    compatibilityDate: COMPATIBILITY_DATE,
    mainModule: "plugin.js",
    modules: { "plugin.js": await loadBundleCode(env.BUNDLES, target.slug, target.version, target.hash) },
    env: capabilityEnv(exports, target),
    globalOutbound: exports.EgressGate({
      props: {
        tenantId: target.tenant.id,
        slug: target.slug,
        hosts: egress.hosts,
        sockets: egress.sockets,
      },
    }),
    limits: { cpuMs: limits.cpuMs, subRequests: limits.subRequests },
  }));
  return worker.getEntrypoint(undefined, {
    limits: { cpuMs: limits.cpuMs, subRequests: limits.subRequests },
    props: { capabilities: callCapabilities(exports, target, call) },
  }) as unknown as PluginWorkerApi;
}
