/**
 * Deliveries of notification hooks and analytics events to plugins: the messages, the
 * retry policy, the delivery rows with their attempts, and the dead letters. The consumer
 * Worker runs them; the admin API reads, replays and purges them.
 */

export * from "./batch.ts";
export * from "./dead-letters.ts";
export * from "./messages.ts";
export * from "./retry-policy.ts";
export * from "./store.ts";
