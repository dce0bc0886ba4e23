/**
 * Failures of queued work that no retry can fix (refused credentials, a setting that is wrong): the
 * handler says so, and the platform dead-letters the delivery at once instead of spending every retry
 * on it. The operator fixes the cause and replays the dead letter. Any other error is retried.
 */

/** The mark the plugin's runtime puts on the error it rethrows, so the platform sees it across RPC. */
export const PERMANENT_FAILURE_MARK = "PERMANENT_FAILURE";

/** Thrown by a hook or webhook handler for a failure the same delivery would meet on every retry. */
export class PermanentFailure extends Error {
  override readonly name = "PermanentFailure";
  readonly code: string;
  constructor(code: string, message: string) {
    super(`${code}: ${message}`);
    this.code = code;
  }
}

/**
 * Ends the delivery being handled as a dead letter now: retrying would meet the same failure.
 * Outside a queued delivery (a before hook, an endpoint) it is an ordinary error.
 *
 * @example
 * if (reply.code === 535) failPermanently("SMTP_AUTH_FAILED", "the server refused smtp_user and smtp_password");
 */
export function failPermanently(code: string, message: string): never {
  throw new PermanentFailure(code, message);
}

/** Whether a failure's message carries the mark: the platform's side of the contract. */
export function isPermanentFailure(message: string): boolean {
  return message.startsWith(`${PERMANENT_FAILURE_MARK}: `);
}
