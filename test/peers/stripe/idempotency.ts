/**
 * Stripe's idempotent requests (https://docs.stripe.com/api/idempotent_requests): the first answer to
 * a POST with an `Idempotency-Key` is saved, whatever it was (a 402 decline or a 500 too), and a later
 * request with the same key and the same parameters gets it back with `Idempotent-Replayed: true`.
 * The same key with other parameters, or on another endpoint, is refused; while the first request
 * still runs, a second one gets a 409. Nothing is saved for a request refused before the endpoint ran
 * (bad parameters, authentication), so it can be retried with the same key. Keys are scoped to the
 * account (the API key) and are forgotten after 24 hours.
 */

import { StripeApiError } from "./errors.ts";
import { canonicalParams, type FormParams } from "./form.ts";

export interface SavedResponse {
  status: number;
  body: unknown;
  /** The request whose answer this is: Stripe names it in the replay's `Original-Request` header. */
  requestId: string;
}

interface Entry {
  method: string;
  path: string;
  fingerprint: string;
  savedAt: number;
  response: SavedResponse | null;
}

export type IdempotencyDecision =
  | { kind: "fresh"; save(response: SavedResponse): void; forget(): void }
  | { kind: "replay"; response: SavedResponse }
  | { kind: "refused"; error: StripeApiError };

const DAY_MS = 24 * 60 * 60 * 1000;

function idempotencyError(status: number, message: string): StripeApiError {
  return new StripeApiError(status, { type: "idempotency_error", message }, { executed: false });
}

export class IdempotencyStore {
  private readonly entries = new Map<string, Entry>();
  private readonly now: () => number;

  constructor(now: () => number = Date.now) {
    this.now = now;
  }

  begin(account: string, key: string, method: string, path: string, params: FormParams): IdempotencyDecision {
    if (key.length > 255) {
      return {
        kind: "refused",
        error: new StripeApiError(
          400,
          { type: "invalid_request_error", message: "Keys for idempotent requests can only be 255 characters long." },
          { executed: false },
        ),
      };
    }
    const scoped = `${account}\u0000${key}`;
    const fingerprint = canonicalParams(params);
    const existing = this.entries.get(scoped);
    if (existing && this.now() - existing.savedAt < DAY_MS) {
      if (existing.method !== method || existing.path !== path) {
        return {
          kind: "refused",
          error: idempotencyError(
            400,
            `Keys for idempotent requests can only be used for the same endpoint they were first used for ` +
              `('${method} ${path}' vs '${existing.method} ${existing.path}'). Try using a key other than ` +
              `'${key}' if you meant to execute a different request.`,
          ),
        };
      }
      if (existing.fingerprint !== fingerprint) {
        return {
          kind: "refused",
          error: idempotencyError(
            400,
            "Keys for idempotent requests can only be used with the same parameters they were first used with. " +
              `Try using a key other than '${key}' if you meant to execute a different request.`,
          ),
        };
      }
      if (!existing.response) {
        return {
          kind: "refused",
          error: idempotencyError(
            409,
            "There is currently another in-progress request using this Idempotent Key (that probably means you " +
              `submitted twice, and the other request is still going through): ${key}. Please try again later.`,
          ),
        };
      }
      return { kind: "replay", response: existing.response };
    }
    const entry: Entry = { method, path, fingerprint, savedAt: this.now(), response: null };
    this.entries.set(scoped, entry);
    return {
      kind: "fresh",
      save: (response) => {
        entry.response = response;
        entry.savedAt = this.now();
      },
      forget: () => {
        if (this.entries.get(scoped) === entry) this.entries.delete(scoped);
      },
    };
  }

  reset(): void {
    this.entries.clear();
  }
}
