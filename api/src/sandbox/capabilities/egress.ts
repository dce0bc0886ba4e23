/**
 * The egress gate: the plugin isolate's globalOutbound, so every fetch() it
 * makes arrives here. Requests to hosts the manifest lists (and the tenant
 * granted) pass; any other is refused with a 403 naming the host, and recorded.
 */

import { WorkerEntrypoint } from "cloudflare:workers";
import { hostAllowed } from "@digital-commerce/plugin-sdk";
import type { ApiEnv } from "../../env.ts";
import type { EgressProps } from "./props.ts";
import { recordSecurityEvent } from "./security-events.ts";

export class EgressGate extends WorkerEntrypoint<ApiEnv, EgressProps> {
  override async fetch(request: Request): Promise<Response> {
    const url = new URL(request.url);
    const { tenantId, slug, hosts } = this.ctx.props;
    if (hostAllowed(url, hosts)) return await fetch(request);
    const detail = `${request.method} ${url.protocol}//${url.host}${url.pathname}`;
    this.ctx.waitUntil(recordSecurityEvent(this.env.DB, { tenantId, slug, kind: "egress_denied", detail }));
    const message = `EGRESS_DENIED: ${slug} may not reach ${url.host}; its manifest's permissions.network lists ${hosts.length ? hosts.join(", ") : "no hosts"}.`;
    return Response.json(
      { error: { code: "EGRESS_DENIED", message } },
      { status: 403, headers: { "x-platform-egress": "denied" } },
    );
  }

  /** Raw TCP from connect(): no capability grants it, so every attempt is refused and recorded. */
  override async connect(_socket: Socket): Promise<void> {
    const { tenantId, slug } = this.ctx.props;
    // refused before the socket opens: the plugin's connect() fails and no byte leaves
    await recordSecurityEvent(this.env.DB, { tenantId, slug, kind: "egress_denied", detail: "connect() raw TCP" });
    throw new Error(`EGRESS_DENIED: ${slug} may not open raw TCP connections`);
  }
}
