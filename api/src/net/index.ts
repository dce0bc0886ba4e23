/** Where the platform may send requests on someone's say: webhook endpoints and plugins' service addresses. */
export { hostProblem, type UrlPolicy, urlPolicyOf, urlProblem } from "./url-policy.ts";
