/**
 * When a failed attempt is tried again, and when an endpoint is given up on.
 *
 * Retry schedule, Svix's (https://docs.svix.com/retries): an attempt at once, then after 5 s, 5 min,
 * 30 min, 2 h, 5 h, 10 h and 10 h: 8 attempts over about 27.5 hours, long enough to ride out a day's
 * outage and short enough that an event is not days stale when it lands. Each delay gets ±10 % jitter,
 * so deliveries that failed together (an endpoint's outage) do not all return in the same second when
 * it recovers. Every delay is under Queues' 24-hour `delaySeconds` cap.
 *
 * Disable rule: an endpoint is disabled after WEBHOOK_DISABLE_AFTER_FAILURES (default 5) deliveries in
 * a row have each exhausted the whole schedule, with no successful delivery between. Counted in
 * deliveries, not attempts: a short outage during a burst fails many attempts, and would disable a
 * healthy endpoint; an exhausted delivery instead means the endpoint failed for more than a day, and
 * five in a row that it keeps failing (Stripe and Svix likewise wait for days of failure, not a count
 * of attempts). A single success resets the count.
 */

/** Seconds to wait before each retry: RETRY_DELAYS[n] follows the (n+1)th failed attempt. */
export const RETRY_DELAYS_SECONDS = [5, 5 * 60, 30 * 60, 2 * 3600, 5 * 3600, 10 * 3600, 10 * 3600] as const;
/** The first attempt plus one per retry delay. */
export const MAX_ATTEMPTS = RETRY_DELAYS_SECONDS.length + 1;

export const DEFAULT_TIMEOUT_MS = 15_000;
export const DEFAULT_DISABLE_AFTER = 5;

export interface DeliverySettings {
  /** Multiplies every retry delay; tests use a tiny factor. */
  retryScale: number;
  /** How long one attempt may take, connection to last byte of the excerpt. */
  timeoutMs: number;
  /** Exhausted deliveries in a row that disable an endpoint. */
  disableAfter: number;
}

const positive = (raw: string | undefined, fallback: number) => {
  const n = Number(raw);
  return raw !== undefined && raw !== "" && Number.isFinite(n) && n > 0 ? n : fallback;
};

export function deliverySettingsOf(env: {
  WEBHOOK_RETRY_SCALE?: string;
  WEBHOOK_TIMEOUT_MS?: string;
  WEBHOOK_DISABLE_AFTER_FAILURES?: string;
}): DeliverySettings {
  return {
    retryScale: positive(env.WEBHOOK_RETRY_SCALE, 1),
    timeoutMs: positive(env.WEBHOOK_TIMEOUT_MS, DEFAULT_TIMEOUT_MS),
    disableAfter: Math.floor(positive(env.WEBHOOK_DISABLE_AFTER_FAILURES, DEFAULT_DISABLE_AFTER)),
  };
}

/** The delay before the retry that follows failed attempt number `attempt` (1-based), or null once the schedule is spent. */
export function retryDelaySeconds(attempt: number, settings: DeliverySettings, random = Math.random): number | null {
  const base = RETRY_DELAYS_SECONDS[attempt - 1];
  if (base === undefined) return null;
  const jitter = 0.9 + 0.2 * random();
  return Math.min(86_400, Math.round(base * settings.retryScale * jitter));
}
