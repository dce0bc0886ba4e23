/** Errors of authentication and authorization. */
import { PlatformError } from "../errors/index.ts";

export type AuthErrorCode = "UNAUTHENTICATED" | "FORBIDDEN";
export class AuthError extends PlatformError<AuthErrorCode> {}
