/**
 * The egress gate: the plugin isolate's globalOutbound, so every fetch() it
 * makes arrives here. Requests to hosts the manifest lists (and the tenant
 * granted) pass; any other is refused with a 403 naming the host, and recorded. Its `connect()` does the
 * same for TCP: granted destinations are carried (TLS by the gate where the grant says so), others refused.
 *
 * Each granted request or connection is charged to the plugin's call meter (requests_per_call), the
 * local stand-in for the Worker Loader's `subRequests`, which only production enforces: past the
 * quota a request is answered 429 QUOTA_EXCEEDED and a connection refused with a 421 line, both recorded.
 */

import { WorkerEntrypoint } from "cloudflare:workers";
import { hostAllowed, socketAllowed } from "@digital-commerce/plugin-sdk";
import type { ApiEnv } from "../../env.ts";
import { ledgerDb } from "../../ledger/index.ts";
import { hostProblem, urlPolicyOf } from "../../net/index.ts";
import { recordCall } from "../accounting.ts";
import type { Charge } from "./call-meter.ts";
import { pluginDatabase } from "./database.ts";
import type { EgressProps } from "./props.ts";
import { recordSecurityEvent } from "./security-events.ts";
import { destinationOf, establish, pipeBoth, refuse, SocketError } from "./sockets.ts";

export class EgressGate extends WorkerEntrypoint<ApiEnv, EgressProps> {
  override async fetch(request: Request): Promise<Response> {
    const url = new URL(request.url);
    const { tenantId, slug, hosts } = this.ctx.props;
    if (hostAllowed(url, hosts)) {
      const charge = await this.#charge();
      if (charge.ok) return await fetch(request);
      const message = `${charge.code}: ${slug} may not reach ${url.host}: ${charge.message}.`;
      return Response.json(
        { error: { code: charge.code, message } },
        { status: 429, headers: { "x-platform-egress": "quota" } },
      );
    }
    const detail = `${request.method} ${url.protocol}//${url.host}${url.pathname}`;
    this.ctx.waitUntil(
      recordSecurityEvent(ledgerDb(this.env, tenantId), { tenantId, slug, kind: "egress_denied", detail }),
    );
    const message = `EGRESS_DENIED: ${slug} may not reach ${url.host}; its manifest's permissions.network lists ${hosts.length ? hosts.join(", ") : "no hosts"}.`;
    return Response.json(
      { error: { code: "EGRESS_DENIED", message } },
      { status: 403, headers: { "x-platform-egress": "denied" } },
    );
  }

  /**
   * TCP from `connect()`: a destination the grants list is carried over its transport (sockets.ts);
   * any other, or one the address rule refuses, gets a 421 line and is recorded. Each connection,
   * carried or refused, is counted in the plugin's accounting, its duration the time to establish it.
   */
  override async connect(socket: Socket): Promise<void> {
    const { tenantId, slug, sockets } = this.ctx.props;
    const startedAt = new Date();
    const asked = (await socket.opened).localAddress ?? "an unnamed destination";
    const destination = destinationOf(asked);
    const grant = destination ? socketAllowed(destination, sockets) : undefined;
    const addressProblem = destination ? hostProblem(destination.hostname, urlPolicyOf(this.env)) : null;
    const account = (name: string, error: SocketError | null) =>
      this.ctx.waitUntil(
        recordCall(ledgerDb(this.env, tenantId), {
          tenantId,
          slug,
          kind: "socket",
          name,
          startedAt: startedAt.toISOString(),
          durationMs: Date.now() - startedAt.getTime(),
          outcome: error ? "error" : "ok",
          ...(error ? { error: { code: error.code, message: error.message } } : {}),
        }),
      );
    if (!destination || !grant || addressProblem !== null) {
      const listed = sockets.length ? sockets.map((g) => `${g.transport} ${g.host}:${g.port}`).join(", ") : "none";
      const why = addressProblem
        ? `${asked} ${addressProblem}`
        : `its grants (permissions.sockets and socket-address settings) list ${listed}`;
      const refusal = new SocketError("SOCKET_DENIED", `${slug} may not connect to ${asked}; ${why}.`);
      this.ctx.waitUntil(
        recordSecurityEvent(ledgerDb(this.env, tenantId), {
          tenantId,
          slug,
          kind: "egress_denied",
          detail: `connect ${asked}`,
        }),
      );
      await refuse(socket, refusal.message);
      account(`connect ${asked}`, refusal);
      return;
    }
    const charge = await this.#charge();
    if (!charge.ok) {
      const refusal = new SocketError(charge.code, `${slug} may not connect to ${asked}: ${charge.message}.`);
      await refuse(socket, refusal.message);
      account(`connect ${asked}`, refusal);
      return;
    }
    const upstream = await establish(destination.hostname, grant);
    // accounted once the connection is up (or failed to come up): the runtime may end this handler
    // as soon as the plugin's invocation ends, before the conversation's close is seen here
    account(
      `${grant.transport} ${destination.hostname}:${destination.port}`,
      upstream instanceof SocketError ? upstream : null,
    );
    if (upstream instanceof SocketError) return await refuse(socket, upstream.message);
    await pipeBoth(socket, upstream);
  }

  async #charge(): Promise<Charge> {
    const owner = { tenantId: this.ctx.props.tenantId, slug: this.ctx.props.slug };
    return await pluginDatabase(this.env, owner).chargeRequest(owner);
  }
}
