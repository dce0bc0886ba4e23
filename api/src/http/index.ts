/** The HTTP edge: request ids and logging, validation failures and errors in the one error shape. */
export { errorResponse } from "./errors.ts";
export { requestContext } from "./request-context.ts";
export { sandboxDepsOf } from "./sandbox-deps.ts";
export { hookRunOf, tenantDbOf, traceContext } from "./trace-context.ts";
export { validationHook } from "./validation.ts";
