/**
 * Endpoint URLs and the SSRF stance, for webhook endpoints and plugins' service addresses (settings
 * with `egress: true`). Either makes the platform send requests wherever a tenant
 * says, so by default an endpoint must be http(s) on a public unicast address: literal loopback,
 * private (RFC 1918), link-local (cloud metadata at 169.254.169.254), carrier-grade NAT, unique-local,
 * multicast and reserved addresses are refused, and so are `localhost`, `*.localhost`, `*.local` and
 * `*.internal` names. The rule is checked when an endpoint is registered or changed, and again before
 * every attempt (a row stored while the rule was relaxed is not sent once it is strict). Redirects are
 * never followed: a 3xx is a failed attempt, so a public URL cannot bounce a delivery inward.
 *
 * Not covered: a public name whose DNS answer is a private address. Workers cannot pin the address
 * fetch() connects to; on Cloudflare's network a Worker's fetch() cannot reach a deployment's private
 * network anyway, so this rule matters most for self-hosted workerd. `WEBHOOK_ALLOW_PRIVATE_URLS="true"`
 * lifts the address rule for local development and tests, whose receivers and service counterparts
 * listen on 127.0.0.1.
 */
import ipaddr from "ipaddr.js";

const MAX_URL_LENGTH = 2048;
const internalNames = /(^|\.)(localhost|local|internal)$/i;

export interface UrlPolicy {
  allowPrivate: boolean;
}

export function urlPolicyOf(env: { WEBHOOK_ALLOW_PRIVATE_URLS?: string }): UrlPolicy {
  return { allowPrivate: env.WEBHOOK_ALLOW_PRIVATE_URLS === "true" };
}

/** Why `url` may not be an endpoint, in words a user can act on; null when it may. */
export function urlProblem(url: string, policy: UrlPolicy): string | null {
  if (url.length > MAX_URL_LENGTH) return `must be at most ${MAX_URL_LENGTH} characters`;
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return "must be an absolute http:// or https:// URL";
  }
  if (parsed.protocol !== "https:" && parsed.protocol !== "http:") {
    return `must use http or https, not ${parsed.protocol.replace(/:$/, "")}`;
  }
  // credentials in a URL end up in logs and delivery views; the signature authenticates the platform instead
  if (parsed.username || parsed.password) return "must not carry a user name or password";
  if (parsed.hash) return "must not have a #fragment";
  // the URL parser has already normalised the host: "http://2130706433/" reads as 127.0.0.1
  return hostProblem(parsed.hostname, policy);
}

/**
 * Why `hostname` may not be a destination, or null: the address rule alone, shared by URLs and the
 * sockets a plugin opens (`permissions.sockets`, socket-address settings).
 */
export function hostProblem(hostname: string, policy: UrlPolicy): string | null {
  if (policy.allowPrivate) return null;
  const host = hostname.replace(/^\[|\]$/g, "");
  if (ipaddr.isValid(host)) {
    const address = ipaddr.parse(host);
    const effective =
      address.kind() === "ipv6" && (address as ipaddr.IPv6).isIPv4MappedAddress()
        ? (address as ipaddr.IPv6).toIPv4Address()
        : address;
    const range = effective.range();
    if (range !== "unicast") return `must be a public address; ${host} is ${range}`;
    return null;
  }
  if (internalNames.test(host)) return `must be a public host; ${host} names this machine or a private network`;
  return null;
}
