/**
 * The shapes of the peer's control API (`/__control/...`), one zod schema each: the server parses
 * request bodies with them and control-client.ts is typed from them. No Node imports, so a workerd
 * test can use the client too.
 */
import { z } from "zod";

export const webhookModes = ["automatic", "before_response", "hold"] as const;
export type WebhookMode = (typeof webhookModes)[number];

export const webhookConfigInput = z.strictObject({
  url: z.url().nullable().optional(),
  secret: z.string().startsWith("whsec_", "a Stripe signing secret starts with whsec_").optional(),
  /**
   * automatic: each event is sent right after the API answer that caused it, in order;
   * before_response: sent (and answered) before that API answer is written;
   * hold: kept until the test releases it.
   */
  mode: z.enum(webhookModes).optional(),
  /** Only these event types are sent (all when omitted or null), like an endpoint's enabled_events. */
  enabled_events: z.array(z.string().min(1)).nullable().optional(),
  api_version: z.string().min(1).optional(),
});
export type WebhookConfigInput = z.infer<typeof webhookConfigInput>;

const requests = z.number().int().positive().optional();

/** What the next API requests meet; `requests` omitted means "until the faults are cleared". */
export const faultInput = z.discriminatedUnion("kind", [
  /** Stripe is down: a 5xx `api_error` before anything runs. */
  z.strictObject({ kind: z.literal("unavailable"), status: z.number().int().min(500).max(599).default(503), requests }),
  /** The connection is closed before anything runs. */
  z.strictObject({ kind: z.literal("drop_connection"), requests }),
  /** The request runs, then the connection is closed before the answer: only a retry with the same key learns what happened. */
  z.strictObject({ kind: z.literal("drop_response"), requests }),
  /** 429 `rate_limit`, before anything runs. */
  z.strictObject({ kind: z.literal("rate_limit"), requests }),
  /** Waits `ms` before running the request (while its idempotency key is held). */
  z.strictObject({ kind: z.literal("delay"), ms: z.number().int().min(0).max(120_000), requests }),
]);
export type FaultInput = z.input<typeof faultInput>;
export type FaultSpec = z.output<typeof faultInput>;

/** How to send held or past events: which, in what order, and spoiled how. */
export const releaseInput = z.strictObject({
  /** Events to send in this order (repeats allowed: the same event twice); default every held event. */
  event_ids: z.array(z.string().startsWith("evt_")).optional(),
  /** For the default set: oldest first, or newest first. */
  order: z.enum(["oldest_first", "newest_first"]).default("oldest_first"),
  /** Change the body after signing, so the signature no longer matches. */
  tamper: z.boolean().default(false),
  /** Sign with this Unix time instead of now (a stale timestamp, beyond the receiver's tolerance). */
  timestamp: z.number().int().positive().optional(),
  /** Sign with another secret. */
  secret: z.string().optional(),
  /** Keep released events in the held queue (to send them again later). */
  keep: z.boolean().default(false),
});
export type ReleaseInput = z.input<typeof releaseInput>;

export const authenticationInput = z.strictObject({ outcome: z.enum(["succeed", "fail"]) });

export interface DeliveryRecord {
  event_id: string;
  type: string;
  url: string;
  status: number | null;
  error: string | null;
  signed_at: number;
  tampered: boolean;
  delivered_at: string;
}

export interface HeldEvent {
  id: string;
  type: string;
  created: number;
  object_id: string | null;
}

export interface WebhookState {
  url: string | null;
  secret: string;
  mode: WebhookMode;
  enabled_events: string[] | null;
  api_version: string;
  held: HeldEvent[];
  deliveries: DeliveryRecord[];
}

export interface LoggedRequest {
  id: string;
  method: string;
  path: string;
  idempotency_key: string | null;
  stripe_version: string | null;
  params: unknown;
  status: number | null;
  replayed: boolean;
  fault: string | null;
  received_at: string;
}
