/** Hono middleware: resolve the bearer token to a principal, and require a role for writes or a scope. */
import { createMiddleware } from "hono/factory";
import type { AppEnv } from "../app-env.ts";
import { AuthError } from "./errors.ts";
import { findPrincipal, type Role, type TokenScope } from "./tokens.ts";

export const authenticate = createMiddleware<AppEnv>(async (c, next) => {
  const header = c.req.header("authorization");
  const match = header?.match(/^Bearer\s+(\S+)$/i);
  if (!match?.[1]) {
    throw new AuthError("UNAUTHENTICATED", "Send an API token as 'Authorization: Bearer <token>'.");
  }
  const principal = await findPrincipal(c.env.DB, match[1]);
  if (!principal) throw new AuthError("UNAUTHENTICATED", "The API token is not valid.");
  c.set("principal", principal);
  c.set("log", c.get("log").child({ tenant: principal.tenantId }));
  await next();
});

const rank: Record<Role, number> = { viewer: 0, admin: 1, owner: 2 };

/** Reads need any role; changes need at least `admin`. */
export function requireRole(minimum: Role) {
  return createMiddleware<AppEnv>(async (c, next) => {
    const { role } = c.get("principal");
    if (rank[role] < rank[minimum]) {
      throw new AuthError("FORBIDDEN", `This needs the ${minimum} role; the token has ${role}.`, {
        required: minimum,
        role,
      });
    }
    await next();
  });
}

/** Needs the token to carry `scope` (see tokenScopes), whatever its role; `why` says what the scope guards. */
export function requireScope(scope: TokenScope, why: string) {
  return createMiddleware<AppEnv>(async (c, next) => {
    const { scopes } = c.get("principal");
    if (!scopes.includes(scope)) {
      throw new AuthError(
        "FORBIDDEN",
        `${why}, so it needs a token with the ${scope} scope; this token has ${scopes.length > 0 ? scopes.join(", ") : "no scopes"}. Ask the platform operator for one.`,
        { required_scope: scope, scopes },
      );
    }
    await next();
  });
}
