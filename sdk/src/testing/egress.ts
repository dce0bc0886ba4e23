/**
 * The egress gate in a test: `context.http` reaches only the hosts the manifest's
 * `permissions.network` lists, and any other gets the platform's 403 EGRESS_DENIED answer
 * (README, "The sandbox"). Allowed requests go to the test's `fetch`, else the real network.
 */

/** A request `context.http` made, allowed or refused. */
export interface EgressRecord {
  method: string;
  url: string;
  allowed: boolean;
}

import { hostAllowed } from "../hosts.ts";

export { hostAllowed };

/**
 * A `fetch` that lets through only requests to `hosts`, recording each in `log`.
 *
 * @example
 * const gated = egressGate("stripe-gateway", ["api.stripe.com"], fetch, []);
 * (await gated("https://evil.example/")).status; // 403
 */
export function egressGate(
  slug: string,
  hosts: readonly string[],
  upstream: (request: Request) => Promise<Response>,
  log: EgressRecord[],
): typeof fetch {
  return async (input, init) => {
    const request = new Request(input, init);
    const url = new URL(request.url);
    const allowed = hostAllowed(url, hosts);
    log.push({ method: request.method, url: request.url, allowed });
    if (allowed) return await upstream(request);
    const message = `EGRESS_DENIED: ${slug} may not reach ${url.host}; its manifest's permissions.network lists ${hosts.length ? hosts.join(", ") : "no hosts"}.`;
    return Response.json(
      { error: { code: "EGRESS_DENIED", message } },
      { status: 403, headers: { "x-platform-egress": "denied" } },
    );
  };
}
