/**
 * The webhook endpoint the peer delivers events to, signed as Stripe signs them: the `Stripe-Signature`
 * header comes from the `stripe` SDK's own `webhooks.generateTestHeaderStringAsync`, over the exact
 * body sent. Delivery is in the test's hands (modes in control-schema.ts), and a release can send
 * events in any order, twice, with a tampered body, a stale timestamp or another secret. Deliveries
 * go out one at a time, in order, and each one is recorded with the receiver's answer.
 */
import Stripe from "stripe";
import type {
  DeliveryRecord,
  HeldEvent,
  ReleaseInput,
  WebhookConfigInput,
  WebhookMode,
  WebhookState,
} from "./control-schema.ts";
import { releaseInput } from "./control-schema.ts";
import { eventObject } from "./events.ts";
import { nowSeconds } from "./ids.ts";
import type { EventRecord, Store } from "./store.ts";

export class WebhookError extends Error {}

export interface WebhookOptions {
  url: string | null;
  secret: string;
  apiVersion: string;
}

/** The classic attack: the amount inflated after signing. Objects without an amount get a marker instead. */
function tamper(payload: string): string {
  const event = JSON.parse(payload) as { data: { object: Record<string, unknown> } };
  const object = event.data.object;
  if (typeof object.amount === "number") object.amount *= 100;
  else object.metadata = { ...(object.metadata as object | undefined), tampered: "true" };
  return JSON.stringify(event, null, 2);
}

function held(event: EventRecord): HeldEvent {
  const id = event.object.id;
  return { id: event.id, type: event.type, created: event.created, object_id: typeof id === "string" ? id : null };
}

export class Webhooks {
  private readonly store: Store;
  private readonly defaults: WebhookOptions;
  private url: string | null;
  private secret: string;
  private apiVersion: string;
  private mode: WebhookMode = "automatic";
  private enabledEvents: string[] | null = null;
  private heldEvents: EventRecord[] = [];
  private readonly deliveries: DeliveryRecord[] = [];
  /** Every send waits for the one before: the receiver sees events in the order they were released. */
  private chain: Promise<unknown> = Promise.resolve();

  constructor(store: Store, options: WebhookOptions) {
    this.store = store;
    this.defaults = options;
    this.url = options.url;
    this.secret = options.secret;
    this.apiVersion = options.apiVersion;
  }

  /** The API version events are rendered in: the endpoint's, as on Stripe. */
  get eventApiVersion(): string {
    return this.apiVersion;
  }

  configure(input: WebhookConfigInput): void {
    if (input.url !== undefined) this.url = input.url;
    if (input.secret !== undefined) this.secret = input.secret;
    if (input.mode !== undefined) this.mode = input.mode;
    if (input.enabled_events !== undefined) this.enabledEvents = input.enabled_events;
    if (input.api_version !== undefined) this.apiVersion = input.api_version;
  }

  /** Back to the start options, nothing held, nothing delivered. */
  reset(): void {
    this.url = this.defaults.url;
    this.secret = this.defaults.secret;
    this.apiVersion = this.defaults.apiVersion;
    this.mode = "automatic";
    this.enabledEvents = null;
    this.heldEvents = [];
    this.deliveries.length = 0;
  }

  state(): WebhookState {
    return {
      url: this.url,
      secret: this.secret,
      mode: this.mode,
      enabled_events: this.enabledEvents,
      api_version: this.apiVersion,
      held: this.heldEvents.map(held),
      deliveries: [...this.deliveries],
    };
  }

  private wanted(event: EventRecord): boolean {
    return !this.enabledEvents || this.enabledEvents.includes("*") || this.enabledEvents.includes(event.type);
  }

  /**
   * Called with one API request's events before its answer is written: sends them now in
   * before_response mode (the caller awaits), holds them in hold mode. Returns what remains for afterResponse.
   */
  async beforeResponse(events: readonly EventRecord[]): Promise<EventRecord[]> {
    const wanted = events.filter((e) => this.wanted(e));
    if (this.mode === "hold") {
      this.heldEvents.push(...wanted);
      return [];
    }
    if (this.mode === "before_response") {
      await this.sendAll(wanted, {});
      return [];
    }
    return wanted;
  }

  /** Sends, in the background and in order, what beforeResponse left (automatic mode). */
  afterResponse(events: readonly EventRecord[]): void {
    if (events.length > 0) void this.sendAll(events, {}).catch(() => {});
  }

  /** Waits until every delivery under way has been answered. */
  async idle(): Promise<void> {
    await this.chain.catch(() => {});
  }

  /** Sends held events (or the ones named, held or not), as the test asks; answers what each delivery got. */
  async release(raw: ReleaseInput): Promise<DeliveryRecord[]> {
    const input = releaseInput.parse(raw);
    if (!this.url) throw new WebhookError("no webhook endpoint is configured: PUT /__control/webhooks {url}");
    let events: EventRecord[];
    if (input.event_ids) {
      events = input.event_ids.map((id) => {
        const event = this.store.events.get(id);
        if (!event) throw new WebhookError(`event_ids: no event ${id}`);
        return event;
      });
    } else {
      events = input.order === "newest_first" ? [...this.heldEvents].reverse() : [...this.heldEvents];
    }
    if (!input.keep) {
      const sent = new Set(events.map((e) => e.id));
      this.heldEvents = this.heldEvents.filter((e) => !sent.has(e.id));
    }
    return await this.sendAll(events, {
      tamper: input.tamper,
      ...(input.timestamp !== undefined ? { timestamp: input.timestamp } : {}),
      ...(input.secret !== undefined ? { secret: input.secret } : {}),
    });
  }

  private sendAll(
    events: readonly EventRecord[],
    how: { tamper?: boolean; timestamp?: number; secret?: string },
  ): Promise<DeliveryRecord[]> {
    const run = this.chain.then(async () => {
      const records: DeliveryRecord[] = [];
      for (const event of events) records.push(await this.send(event, how));
      return records;
    });
    this.chain = run.catch(() => {});
    return run;
  }

  private async send(
    event: EventRecord,
    how: { tamper?: boolean; timestamp?: number; secret?: string },
  ): Promise<DeliveryRecord> {
    const url = this.url;
    const signedAt = how.timestamp ?? nowSeconds();
    const payload = JSON.stringify(eventObject(event, 1), null, 2);
    const signature = await Stripe.webhooks.generateTestHeaderStringAsync({
      payload,
      secret: how.secret ?? this.secret,
      timestamp: signedAt,
    });
    const record: DeliveryRecord = {
      event_id: event.id,
      type: event.type,
      url: url ?? "",
      status: null,
      error: null,
      signed_at: signedAt,
      tampered: how.tamper ?? false,
      delivered_at: new Date().toISOString(),
    };
    if (!url) {
      record.error = "no webhook endpoint configured";
    } else {
      try {
        const res = await fetch(url, {
          method: "POST",
          headers: {
            "content-type": "application/json; charset=utf-8",
            "user-agent": "Stripe/1.0 (+https://stripe.com/docs/webhooks)",
            "cache-control": "no-cache",
            "stripe-signature": signature,
          },
          body: how.tamper ? tamper(payload) : payload,
          signal: AbortSignal.timeout(10_000),
        });
        record.status = res.status;
        await res.arrayBuffer();
      } catch (error) {
        record.error = error instanceof Error ? error.message : String(error);
      }
    }
    this.deliveries.push(record);
    return record;
  }
}
