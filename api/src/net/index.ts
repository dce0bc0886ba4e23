/** Where the platform may send requests on someone's say: webhook endpoints and plugins' service addresses. */
export { type UrlPolicy, urlPolicyOf, urlProblem } from "./url-policy.ts";
