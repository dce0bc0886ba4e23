import type { SocketGrant } from "@digital-commerce/plugin-sdk";
import type { QuotaSet } from "../quotas.ts";

/** What the platform binds into each capability stub it hands a plugin isolate: whose data it may touch. */
export interface CapabilityProps {
  tenantId: string;
  slug: string;
}

/**
 * One plugin call, as the per-call capability stubs carry it (invoke.ts makes them for each call and
 * hands them to the call's entrypoint, not to the isolate's env): what the call's meter counts against.
 */
export interface MeteredCall {
  /** Random per call; the key of the call's counters in the plugin's meter. */
  id: string;
  /** Past it (the call's timeout and a grace), a stub the plugin kept from this call is refused. */
  expiresAt: number;
  quotas: QuotaSet;
}

export interface CallCapabilityProps extends CapabilityProps {
  call: MeteredCall;
}

export interface EgressProps extends CapabilityProps {
  /** Hosts the plugin's manifest lists and the tenant granted: `api.stripe.com`, `*.example.com`, `127.0.0.1:8443`. */
  hosts: string[];
  /** TCP destinations `connect()` may open, granted at install or configured as socket addresses. */
  sockets: SocketGrant[];
}

/** The one place a tenant's and a plugin's namespaces are joined, for KV keys, R2 keys and Durable Object names. */
export const namespaceOf = (props: CapabilityProps) => `${props.tenantId}/${props.slug}`;
