/**
 * Which hosts a plugin may reach: the rule behind `permissions.network`, one copy for the manifest's
 * checks, the platform's egress gate and the SDK's test context.
 */

/**
 * `host` or `host:port` of `url` against the listed patterns: exact, or `*.` for any subdomain (and any
 * port-less pattern only for the scheme's default port).
 *
 * @example
 * hostAllowed(new URL("https://api.stripe.com/v1/charges"), ["api.stripe.com"]); // true
 * hostAllowed(new URL("http://127.0.0.1:8791/"), ["127.0.0.1"]); // false: the port is not granted
 */
export function hostAllowed(url: URL, patterns: readonly string[]): boolean {
  const hostPort = url.port ? `${url.hostname}:${url.port}` : url.hostname;
  return patterns.some((pattern) => {
    if (pattern.startsWith("*.")) return url.hostname.endsWith(pattern.slice(1)) && !pattern.includes(":");
    return pattern === hostPort || (pattern === url.hostname && !url.port);
  });
}
