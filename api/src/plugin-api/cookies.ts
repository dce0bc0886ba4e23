/**
 * A plugin's cookies, kept in a jar of its own. A plugin endpoint may set cookies (the `state` of a
 * sign-in flow, say), but it shares the store's origin with the platform and every other plugin, so
 * the platform renames each cookie it sets to `dcp.<slug>.<name>`, pins its Path under the plugin's
 * own base path and drops any Domain; on the way in, the plugin sees only the cookies of its own jar,
 * under the names it chose. The store's session cookie and other plugins' cookies never reach it, and
 * it can neither overwrite nor clear them. Parsing and serialising is the `cookie` package's
 * (RFC 6265), not ours.
 */
import { parseCookie, parseSetCookie, stringifyCookie, stringifySetCookie } from "cookie";

const prefixOf = (slug: string) => `dcp.${slug}.`;

/** The Cookie header the plugin receives: its own cookies, unprefixed; null when it has none. */
export function pluginCookieHeader(header: string | null, slug: string): string | null {
  if (!header) return null;
  const prefix = prefixOf(slug);
  const own: Record<string, string> = {};
  for (const [name, value] of Object.entries(parseCookie(header))) {
    if (name.startsWith(prefix) && value !== undefined) own[name.slice(prefix.length)] = value;
  }
  return Object.keys(own).length > 0 ? stringifyCookie(own) : null;
}

/** A path the plugin chose, placed under its base path: `/callback` → `<base>/callback`; none → `<base>`. */
function pinnedPath(basePath: string, path: string | undefined): string {
  if (!path?.startsWith("/") || path.split("/").includes("..")) return basePath;
  return path === "/" ? basePath : `${basePath}${path}`;
}

/**
 * The Set-Cookie headers of the plugin's answer, as the browser gets them: each renamed into the
 * plugin's jar, its Path under `basePath`, without Domain. Returns what was refused too, to record.
 */
export function pluginSetCookies(
  values: readonly string[],
  slug: string,
  basePath: string,
): { cookies: string[]; refused: string[] } {
  const cookies: string[] = [];
  const refused: string[] = [];
  for (const value of values) {
    let parsed: ReturnType<typeof parseSetCookie>;
    try {
      parsed = parseSetCookie(value);
    } catch {
      refused.push(value.slice(0, 100));
      continue;
    }
    if (!parsed.name) {
      refused.push(value.slice(0, 100));
      continue;
    }
    const { domain: _dropped, ...rest } = parsed;
    cookies.push(
      stringifySetCookie({ ...rest, name: `${prefixOf(slug)}${parsed.name}`, path: pinnedPath(basePath, parsed.path) }),
    );
  }
  return { cookies, refused };
}
