/** Authentication: tenant-scoped bearer tokens with roles owner, admin, viewer. */
export { AuthError, type AuthErrorCode } from "./errors.ts";
export { authenticate, requireRole } from "./middleware.ts";
export { findPrincipal, hashToken, issueToken, type Principal, type Role, roleSchema, roles } from "./tokens.ts";
