/**
 * One peer's whole state, put together: the objects, the idempotency keys, the faults asked for, the
 * webhook endpoint and the request log. The HTTP side (server.ts, control.ts, three-d-secure.ts) reads
 * and changes it only through this.
 */
import type { OperationContext } from "./events.ts";
import { Faults } from "./faults.ts";
import { IdempotencyStore } from "./idempotency.ts";
import { RequestLog } from "./request-log.ts";
import type { EventRecord } from "./store.ts";
import { Store } from "./store.ts";
import { Webhooks } from "./webhooks.ts";

export interface PeerConfig {
  /** The secret keys the peer accepts; each is its own account (objects and idempotency keys apart). */
  apiKeys: readonly string[];
  webhookUrl: string | null;
  webhookSecret: string;
  /** The account's default API version: for requests without `Stripe-Version`, and for events. */
  apiVersion: string;
}

export class Peer {
  readonly config: PeerConfig;
  readonly store = new Store();
  readonly idempotency = new IdempotencyStore();
  readonly faults = new Faults();
  readonly log = new RequestLog();
  readonly webhooks: Webhooks;
  /** Set once the server listens: the base of the 3-D Secure page URLs. */
  baseUrl = "";

  constructor(config: PeerConfig) {
    this.config = config;
    this.webhooks = new Webhooks(this.store, {
      url: config.webhookUrl,
      secret: config.webhookSecret,
      apiVersion: config.apiVersion,
    });
  }

  /** A context for one operation; its events collect in `events`, in the order they happened. */
  context(
    account: string,
    request: { id: string | null; idempotencyKey: string | null; apiVersion?: string },
  ): {
    ctx: OperationContext;
    events: EventRecord[];
  } {
    const events: EventRecord[] = [];
    const ctx: OperationContext = {
      store: this.store,
      account,
      requestId: request.id,
      idempotencyKey: request.idempotencyKey,
      apiVersion: request.apiVersion ?? this.config.apiVersion,
      eventApiVersion: this.webhooks.eventApiVersion,
      baseUrl: this.baseUrl,
      emit: (event) => events.push(event),
    };
    return { ctx, events };
  }

  /** Everything back to how the peer started, except its keys and address. */
  reset(): void {
    this.store.reset();
    this.idempotency.reset();
    this.faults.clear();
    this.log.reset();
    this.webhooks.reset();
  }
}
