/**
 * A typed client of the peer's control API over plain fetch(), so a test in Node or in workerd drives
 * the peer the same way. Each method is one route of README.md's control API.
 */
import type {
  DeliveryRecord,
  FaultInput,
  LoggedRequest,
  ReleaseInput,
  WebhookConfigInput,
  WebhookState,
} from "./control-schema.ts";

export interface PeerObjects {
  payment_intents: Record<string, unknown>[];
  charges: Record<string, unknown>[];
  refunds: Record<string, unknown>[];
  events: Record<string, unknown>[];
}

export class StripePeerControl {
  readonly baseUrl: string;

  /** @example const control = new StripePeerControl("http://127.0.0.1:12111"); await control.reset(); */
  constructor(baseUrl: string) {
    this.baseUrl = baseUrl.replace(/\/$/, "");
  }

  private async call<T>(method: string, path: string, body?: unknown): Promise<T> {
    const res = await fetch(`${this.baseUrl}/__control${path}`, {
      method,
      headers: body === undefined ? {} : { "content-type": "application/json" },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const json = (await res.json()) as T & { error?: { code: string; message: string } };
    if (!res.ok) throw new Error(`stripe peer control ${method} ${path}: ${json.error?.code} ${json.error?.message}`);
    return json;
  }

  /** Forgets every object, event, key, fault and request; webhook settings back to the start options. */
  async reset(): Promise<void> {
    await this.call("POST", "/reset");
  }

  webhooks(): Promise<WebhookState> {
    return this.call("GET", "/webhooks");
  }

  configureWebhooks(config: WebhookConfigInput): Promise<WebhookState> {
    return this.call("PUT", "/webhooks", config);
  }

  /** Sends held events (or the ones named, in that order, repeats allowed), optionally tampered or stale. */
  async release(input: ReleaseInput = {}): Promise<DeliveryRecord[]> {
    return (await this.call<{ deliveries: DeliveryRecord[] }>("POST", "/webhooks/release", input)).deliveries;
  }

  /** Waits until every webhook delivery under way has been answered; returns all deliveries so far. */
  async flush(): Promise<DeliveryRecord[]> {
    return (await this.call<{ deliveries: DeliveryRecord[] }>("POST", "/webhooks/flush")).deliveries;
  }

  /** The customer's 3-D Secure answer for a PaymentIntent in requires_action. */
  async authenticate(paymentIntentId: string, outcome: "succeed" | "fail"): Promise<Record<string, unknown>> {
    const path = `/payment_intents/${encodeURIComponent(paymentIntentId)}/authenticate`;
    return (await this.call<{ payment_intent: Record<string, unknown> }>("POST", path, { outcome })).payment_intent;
  }

  async fault(input: FaultInput): Promise<void> {
    await this.call("POST", "/faults", input);
  }

  async clearFaults(): Promise<void> {
    await this.call("DELETE", "/faults");
  }

  /** The API requests received, oldest first; `path` may end in `*` to match a prefix. */
  async requests(filter: { method?: string; path?: string; idempotency_key?: string } = {}): Promise<LoggedRequest[]> {
    const query = new URLSearchParams(Object.entries(filter).filter((e): e is [string, string] => e[1] !== undefined));
    return (await this.call<{ requests: LoggedRequest[] }>("GET", `/requests?${query}`)).requests;
  }

  objects(): Promise<PeerObjects> {
    return this.call("GET", "/objects");
  }
}
