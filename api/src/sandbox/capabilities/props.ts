import type { SocketGrant } from "@digital-commerce/plugin-sdk";

/** What the platform binds into each capability stub it hands a plugin isolate: whose data it may touch. */
export interface CapabilityProps {
  tenantId: string;
  slug: string;
}

export interface EgressProps extends CapabilityProps {
  /** Hosts the plugin's manifest lists and the tenant granted: `api.stripe.com`, `*.example.com`, `127.0.0.1:8443`. */
  hosts: string[];
  /** TCP destinations `connect()` may open, granted at install or configured as socket addresses. */
  sockets: SocketGrant[];
}

/** The one place a tenant's and a plugin's namespaces are joined, for KV keys, R2 keys and Durable Object names. */
export const namespaceOf = (props: CapabilityProps) => `${props.tenantId}/${props.slug}`;
