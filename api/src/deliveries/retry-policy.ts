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

/** The queue's policy from its vars; a hook's `max_attempts` overrides the attempts. */
export function retryPolicy(
  vars: { HOOK_MAX_ATTEMPTS?: string; HOOK_RETRY_BASE_SECONDS?: string },
  hookMaxAttempts?: number,
): RetryPolicy {
  const queueMax = Math.min(100, Math.max(1, Math.floor(positive(vars.HOOK_MAX_ATTEMPTS, DEFAULT_MAX_ATTEMPTS))));
  return {
    maxAttempts: hookMaxAttempts ?? queueMax,
    baseSeconds: positive(vars.HOOK_RETRY_BASE_SECONDS, DEFAULT_BASE_SECONDS),
  };
}

/** Seconds to wait before attempt `attempt + 1`, after `attempt` failures (1-based). */
export function backoffSeconds(policy: RetryPolicy, attempt: number, random = Math.random): number {
  const exponential = Math.min(MAX_DELAY_SECONDS, policy.baseSeconds * 2 ** Math.max(0, attempt - 1));
  return Math.min(MAX_DELAY_SECONDS, Math.ceil(exponential / 2 + random() * (exponential / 2)));
}
