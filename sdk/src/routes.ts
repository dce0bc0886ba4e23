/**
 * Endpoint paths with parameters: `/products/:sku/page` matches `/products/MUG-1/page` with
 * `{ sku: "MUG-1" }`, as in hono, Express and Medusa's routes. A parameter is one whole, non-empty
 * segment; where several endpoints match, the one with the most literal segments wins, so
 * `/products/featured` is not taken by `/products/:sku`. The platform matches with this module and
 * hands the plugin the parameters as `context.params`.
 */

/** A parameter segment: `:` and a name as in JavaScript identifiers. */
const PARAM = /^:([A-Za-z_][A-Za-z0-9_]*)$/;

/** The names of the path's parameters, in order (duplicates included, for the manifest to refuse). */
export function routeParams(pattern: string): string[] {
  return pattern.split("/").flatMap((segment) => {
    const match = PARAM.exec(segment);
    return match?.[1] ? [match[1]] : [];
  });
}

/** Why `pattern` cannot be an endpoint path, or null: a `:` segment that names nothing usable, a name used twice. */
export function routePatternProblem(pattern: string): string | null {
  for (const segment of pattern.split("/")) {
    if (segment.includes(":") && !PARAM.test(segment))
      return `"${segment}" is not a parameter: a parameter is a whole segment, ":" and a name such as :sku`;
  }
  const names = routeParams(pattern);
  const twice = names.find((n, i) => names.indexOf(n) !== i);
  return twice ? `the parameter :${twice} is named twice` : null;
}

/**
 * The parameters when `path` matches `pattern`, else null. Segments are compared after decoding,
 * so `/products/caf%C3%A9` gives `{ sku: "café" }`; a segment that does not decode matches nothing.
 *
 * @example
 * matchRoute("/products/:sku/page", "/products/MUG-1/page"); // { sku: "MUG-1" }
 */
export function matchRoute(pattern: string, path: string): Record<string, string> | null {
  const want = pattern.split("/");
  const got = path.split("/");
  if (want.length !== got.length) return null;
  const params: Record<string, string> = {};
  for (let i = 0; i < want.length; i++) {
    const w = want[i] as string;
    const g = got[i] as string;
    const param = PARAM.exec(w)?.[1];
    if (param) {
      if (g === "") return null;
      try {
        params[param] = decodeURIComponent(g);
      } catch {
        return null;
      }
    } else if (w !== g) return null;
  }
  return params;
}

/** How many of the pattern's segments are literal: the tie-break between endpoints that both match. */
const literalSegments = (pattern: string) => pattern.split("/").filter((s) => !PARAM.test(s)).length;

/**
 * The endpoint of `endpoints` that serves `method path`, with its parameters, or null.
 *
 * @example
 * findRoute([{ method: "GET", path: "/products/:sku" }], "GET", "/products/MUG-1"); // { route, params: { sku: "MUG-1" } }
 */
export function findRoute<T extends { method: string; path: string }>(
  endpoints: readonly T[],
  method: string,
  path: string,
): { route: T; params: Record<string, string> } | null {
  let best: { route: T; params: Record<string, string> } | null = null;
  for (const route of endpoints) {
    if (route.method !== method) continue;
    const params = matchRoute(route.path, path);
    if (params && (!best || literalSegments(route.path) > literalSegments(best.route.path))) best = { route, params };
  }
  return best;
}

/** Two patterns that match exactly the same paths (`/a/:x` and `/a/:y`): the shape both share. */
export function routeShape(pattern: string): string {
  return pattern
    .split("/")
    .map((s) => (PARAM.test(s) ? ":" : s))
    .join("/");
}
