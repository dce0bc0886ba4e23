/**
 * When a failed delivery is tried again: exponential backoff with equal jitter
 * (half the delay fixed, half random, so retries of a burst spread out but never
 * collapse to "now"), capped at Queues' 24-hour maximum delay.
 * Source: https://developers.cloudflare.com/queues/configuration/batching-retries/
 */

/** Queues refuses a delaySeconds above 24 hours. */
export const MAX_DELAY_SECONDS = 24 * 60 * 60;
export const DEFAULT_BASE_SECONDS = 10;
export const DEFAULT_MAX_ATTEMPTS = 5;

export interface RetryPolicy {
  maxAttempts: number;
  baseSeconds: number;
}

function positive(value: string | undefined, fallback: number): number {
  const n = Number(value);
  return value !== undefined && Number.isFinite(n) && n >= 0 ? n : fallback;
}

export interface RetryVars {
  HOOK_MAX_ATTEMPTS?: string;
  HOOK_RETRY_BASE_SECONDS?: string;
  ANALYTICS_MAX_ATTEMPTS?: string;
  ANALYTICS_RETRY_BASE_SECONDS?: string;
}

/**
 * A queue's policy from its vars (the analytics queue falls back to the hook queue's); on the
 * hook-events queue a hook's `max_attempts` overrides the attempts.
 */
export function retryPolicy(
  vars: RetryVars,
  hookMaxAttempts?: number,
  queue: "hook-events" | "analytics-events" = "hook-events",
): RetryPolicy {
  const analytics = queue === "analytics-events";
  const attempts = (analytics ? vars.ANALYTICS_MAX_ATTEMPTS : undefined) ?? vars.HOOK_MAX_ATTEMPTS;
  const base = (analytics ? vars.ANALYTICS_RETRY_BASE_SECONDS : undefined) ?? vars.HOOK_RETRY_BASE_SECONDS;
  const queueMax = Math.min(100, Math.max(1, Math.floor(positive(attempts, DEFAULT_MAX_ATTEMPTS))));
  return {
    maxAttempts: hookMaxAttempts ?? queueMax,
    baseSeconds: positive(base, DEFAULT_BASE_SECONDS),
  };
}

/** Seconds to wait before attempt `attempt + 1`, after `attempt` failures (1-based). */
export function backoffSeconds(policy: RetryPolicy, attempt: number, random = Math.random): number {
  const exponential = Math.min(MAX_DELAY_SECONDS, policy.baseSeconds * 2 ** Math.max(0, attempt - 1));
  return Math.min(MAX_DELAY_SECONDS, Math.ceil(exponential / 2 + random() * (exponential / 2)));
}
