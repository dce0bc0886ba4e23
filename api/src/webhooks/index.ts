/**
 * Outbound webhooks: tenants' endpoints, the fan-out of events to deliveries, and signed delivery
 * attempts on a retry schedule (Standard Webhooks). See README.md beside this file.
 */
export { webhooksAdmin } from "./admin.ts";
export { attemptDelivery, type DeliveryEnv, type DeliveryOutcome, ENDPOINT_DISABLED_EVENT } from "./deliver.ts";
export { webhookDeliveriesOfEvent } from "./deliveries.ts";
export { WebhookError, type WebhookErrorCode } from "./errors.ts";
export { isWebhookTopic, subscribes } from "./event-types.ts";
export { deliveryIdOf, enqueueWebhookDeliveries, type FanOutEnv } from "./fan-out.ts";
export { MAX_ATTEMPTS, RETRY_DELAYS_SECONDS, retryDelaySeconds } from "./schedule.ts";
export { deliveryView, type WebhookDeliveryMessage, webhookDeliveryMessage } from "./schemas.ts";
