/**
 * Retries inside one attempt, for the platform's own reads (D1, R2) that fail for a moment.
 * A plugin's failure is never retried here: that is the queue's job, with backoff between attempts.
 */
import pRetry from "p-retry";

// D1's and the runtime's words for a hiccup that the same call may not meet again
const TRANSIENT =
  /network connection lost|internal error|reset because its code was updated|D1_ERROR.*(busy|overloaded|timeout)|storage.*(timeout|overloaded)/i;

export function isTransient(error: unknown): boolean {
  return error instanceof Error && TRANSIENT.test(error.message);
}

export function withTransientRetries<T>(read: () => Promise<T>): Promise<T> {
  return pRetry(read, { retries: 2, minTimeout: 50, maxTimeout: 500, shouldRetry: ({ error }) => isTransient(error) });
}
