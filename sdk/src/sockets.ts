/**
 * Which TCP destinations a plugin may open with `connect()` from `cloudflare:sockets`: the rule behind
 * `permissions.sockets` and socket-address settings, one copy for the manifest's checks and the
 * platform's egress gate. Source: README, "The sandbox" (sockets).
 */
import { z } from "zod";

/**
 * How the platform carries a granted connection to the server. The plugin always speaks plaintext to
 * the platform; `tls` and `starttls` are negotiated by the platform itself, so TLS to the real server
 * is never left to the plugin: `tls` connects with TLS from the first byte (implicit TLS, SMTP port
 * 465), `starttls` runs SMTP's EHLO / STARTTLS upgrade before the plugin sees a byte (port 587).
 */
export const socketTransports = ["plain", "starttls", "tls"] as const;
export const socketTransport = z.enum(socketTransports);
export type SocketTransport = z.infer<typeof socketTransport>;

/** Cloudflare blocks outbound port 25, so a grant of it could never work: refused when it is declared. */
export const BLOCKED_SOCKET_PORT = 25;
const blockedPortMessage = `port ${BLOCKED_SOCKET_PORT} is blocked for outbound connections on Cloudflare; use 587 (starttls) or 465 (tls)`;

export const socketPort = z
  .number()
  .int()
  .min(1)
  .max(65_535)
  .refine((p) => p !== BLOCKED_SOCKET_PORT, { message: blockedPortMessage });

/** A host name pattern as in `permissions.network`, without a port: the port is the grant's own field. */
export const socketHostPattern = z
  .string()
  .regex(/^(\*\.)?[a-z0-9-]+(\.[a-z0-9-]+)*$/, "must be a host name such as smtp.example.com or *.example.com");

export const socketGrantSchema = z.object({
  host: socketHostPattern,
  port: socketPort,
  transport: socketTransport,
});
export type SocketGrant = z.infer<typeof socketGrantSchema>;

/**
 * A host name as an http URL's parser reads it (lower case, `2130706433` as `127.0.0.1`), so a grant or
 * the address rule never sees an address spelt another way than the one it checks; "" when it is none.
 */
export function normalHostname(hostname: string): string {
  const http = `http://${hostname.includes(":") && !hostname.startsWith("[") ? `[${hostname}]` : hostname}/`;
  return URL.canParse(http) ? new URL(http).hostname : "";
}

/**
 * The grant that lets a plugin open `hostname:port`, or undefined: the host as `hostAllowed` matches it
 * (exact, or `*.` for any subdomain), and the port exactly.
 *
 * @example
 * const grants = [{ host: "smtp.example.com", port: 587, transport: "starttls" as const }];
 * socketAllowed({ hostname: "smtp.example.com", port: 587 }, grants)?.transport; // "starttls"
 * socketAllowed({ hostname: "smtp.example.com", port: 2525 }, grants); // undefined: another port
 */
export function socketAllowed(
  address: { hostname: string; port: number },
  grants: readonly SocketGrant[],
): SocketGrant | undefined {
  const hostname = normalHostname(address.hostname);
  return grants.find((g) => {
    if (g.port !== address.port) return false;
    return g.host.startsWith("*.") ? hostname.endsWith(g.host.slice(1)) : g.host === hostname;
  });
}

/**
 * A socket-address setting's value (`starttls://smtp.example.com:587`): the scheme names the transport
 * (`plain:`, `starttls:` or `tls:`), the port is required. Returns the grant, or why the value is not
 * one in words naming what to write.
 *
 * @example
 * socketAddressOf("tls://smtp.example.com:465"); // { grant: { host: "smtp.example.com", port: 465, transport: "tls" } }
 * socketAddressOf("smtp.example.com:587").problem; // "must be a socket address such as starttls://smtp.example.com:587"
 */
export function socketAddressOf(value: string): { grant: SocketGrant; problem?: undefined } | { problem: string } {
  const example = "must be a socket address such as starttls://smtp.example.com:587";
  if (!URL.canParse(value)) return { problem: example };
  const url = new URL(value);
  const transport = socketTransport.safeParse(url.protocol.replace(/:$/, ""));
  if (!transport.success) {
    return {
      problem: `must name its transport as the scheme (plain://, starttls:// or tls://), not ${url.protocol}//`,
    };
  }
  if (!url.hostname || !url.port) return { problem: `${example} (host and port)` };
  if (url.username || url.password || (url.pathname !== "" && url.pathname !== "/") || url.search || url.hash) {
    return { problem: "must be only scheme, host and port; credentials belong in their own (sensitive) settings" };
  }
  const grant = socketGrantSchema.safeParse({
    host: normalHostname(url.hostname),
    port: Number(url.port),
    transport: transport.data,
  });
  if (!grant.success) {
    const port = Number(url.port);
    return { problem: port === BLOCKED_SOCKET_PORT ? blockedPortMessage : example };
  }
  return { grant: grant.data };
}
