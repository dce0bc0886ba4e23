/**
 * The commerce API: a store's products, orders, payments, users and sessions on D1, each
 * operation firing the spec's hooks at its moment (before hooks inline, after hooks and analytics
 * events committed to the outbox with the change). Mounted at /api/commerce.
 */
export { commerceApi } from "./api.ts";
export { CommerceError, type CommerceErrorCode } from "./errors.ts";
export { applyPaymentUpdate, type PaymentApplied } from "./payment-state.ts";
export { SESSION_COOKIE, sessionCookieAfter, storeSessionOf } from "./session-cookie.ts";
export { SessionsCapability } from "./sessions-capability.ts";
