/** Authentication: tenant-scoped bearer tokens with roles owner, admin, viewer, and scopes beyond a role. */
export { AuthError, type AuthErrorCode } from "./errors.ts";
export { authenticate, requireRole, requireScope } from "./middleware.ts";
export {
  findPrincipal,
  hashToken,
  issueToken,
  type Principal,
  type Role,
  roleSchema,
  roles,
  type TokenScope,
  tokenScopeSchema,
  tokenScopes,
} from "./tokens.ts";
