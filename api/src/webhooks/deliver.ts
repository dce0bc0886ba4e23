/**
 * One delivery attempt: read the delivery and its endpoint, take the lease, sign with the endpoint's
 * secrets, POST, record the attempt, then say whether the queue message is done or comes back later.
 * Every attempt is a row in webhook_attempts; the schedule and the disable rule are in schedule.ts.
 */

import { z } from "zod";
import type { ApiEnv } from "../env.ts";
import { ledgerDb } from "../ledger/index.ts";
import type { Logger } from "../logging/index.ts";
import { urlPolicyOf, urlProblem } from "../net/index.ts";
import { flushOutbox, type OutboxQueues, outboxEvent } from "../outbox/index.ts";
import { signingSecrets } from "./endpoints.ts";
import { type DeliverySettings, deliverySettingsOf, MAX_ATTEMPTS, retryDelaySeconds } from "./schedule.ts";
import { type EndpointRow, endpointRow, type WebhookDeliveryMessage } from "./schemas.ts";
import { signedHeaders } from "./secrets.ts";

/** What an attempt needs: D1, the sealing key, the outbox producers (system events), the dead-letter producer, the knobs. */
export type DeliveryEnv = Pick<ApiEnv, "LEDGER" | "CONFIG_ENCRYPTION_KEY" | "WEBHOOK_ALLOW_PRIVATE_URLS"> &
  OutboxQueues & {
    WEBHOOK_DELIVERIES_DLQ: Queue<unknown>;
    WEBHOOK_RETRY_SCALE?: string;
    WEBHOOK_TIMEOUT_MS?: string;
    WEBHOOK_DISABLE_AFTER_FAILURES?: string;
  };

/** What the consumer does with the message: it is finished (ack), or it comes back after `delaySeconds` (retry). */
export type DeliveryOutcome =
  | { action: "ack"; result: "succeeded" | "failed" | "skipped" | "stale" }
  | { action: "retry"; delaySeconds: number; reason: "failed" | "leased" };

/** The system event written when the disable rule disables an endpoint. */
export const ENDPOINT_DISABLED_EVENT = "event:webhook_endpoint_disabled";

const EXCERPT_BYTES = 1024;
// held a little past the attempt's timeout: a consumer that died mid-attempt frees the delivery after this
const LEASE_MARGIN_MS = 30_000;

const deliveryRow = z.object({
  id: z.string(),
  tenant_id: z.string(),
  endpoint_id: z.string(),
  event_id: z.string(),
  event_type: z.string(),
  body: z.string(),
  status: z.string(),
  lease_until: z.string().nullable(),
});
type DeliveryRow = z.infer<typeof deliveryRow>;
const attemptCounts = z.object({ attempts: z.number(), run_attempts: z.number() });

interface Attempt {
  startedAt: string;
  durationMs: number;
  outcome: "succeeded" | "failed" | "timeout";
  statusCode: number | null;
  excerpt: string | null;
  error: string | null;
}

export async function attemptDelivery(
  env: DeliveryEnv,
  message: WebhookDeliveryMessage,
  log: Logger,
): Promise<DeliveryOutcome> {
  const db = ledgerDb(env, message.tenant_id);
  const settings = deliverySettingsOf(env);
  const [deliveries, endpoints] = await db.batch([
    db
      .prepare(
        "SELECT id, tenant_id, endpoint_id, event_id, event_type, body, status, lease_until FROM webhook_deliveries WHERE id = ?",
      )
      .bind(message.delivery_id),
    db.prepare("SELECT * FROM webhook_endpoints WHERE id = ?").bind(message.endpoint_id),
  ]);
  const deliveryRaw = deliveries?.results[0];
  const endpointRaw = endpoints?.results[0];
  // deleted with its endpoint: nothing left to do
  if (deliveryRaw === undefined || endpointRaw === undefined) return { action: "ack", result: "stale" };
  const delivery = deliveryRow.parse(deliveryRaw);
  // finished by a duplicate of this message
  if (delivery.status !== "pending") return { action: "ack", result: "stale" };
  const endpoint = endpointRow.parse(endpointRaw);

  if (!endpoint.enabled) {
    await db
      .prepare(
        `UPDATE webhook_deliveries SET status = 'skipped', last_error = ?, lease_until = NULL, next_attempt_at = NULL,
                updated_at = ? WHERE id = ? AND status = 'pending'`,
      )
      .bind("the endpoint was disabled before this attempt", new Date().toISOString(), delivery.id)
      .run();
    return { action: "ack", result: "skipped" };
  }

  const now = Date.now();
  const claimed = await db
    .prepare(
      `UPDATE webhook_deliveries SET lease_until = ?, updated_at = ?
        WHERE id = ? AND status = 'pending' AND (lease_until IS NULL OR lease_until <= ?)
        RETURNING attempts, run_attempts`,
    )
    .bind(
      new Date(now + settings.timeoutMs + LEASE_MARGIN_MS).toISOString(),
      new Date(now).toISOString(),
      delivery.id,
      new Date(now).toISOString(),
    )
    .first();
  if (claimed === null) {
    // a duplicate of this message is attempting right now; look again once its lease has run out
    const leaseLeft = delivery.lease_until ? Date.parse(delivery.lease_until) - now : 0;
    return { action: "retry", delaySeconds: Math.max(1, Math.ceil(leaseLeft / 1000)), reason: "leased" };
  }

  const counts = attemptCounts.parse(claimed);
  const attempt = await post(env, endpoint, delivery, settings);
  const number = counts.attempts + 1;
  const runAttempt = counts.run_attempts + 1;
  const attemptLog = log.child({
    delivery_id: delivery.id,
    endpoint_id: endpoint.id,
    event_type: delivery.event_type,
    attempt: number,
  });
  const insertAttempt = db
    .prepare(
      `INSERT INTO webhook_attempts
         (delivery_id, attempt, started_at, duration_ms, outcome, status_code, response_excerpt, error)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
    )
    .bind(
      delivery.id,
      number,
      attempt.startedAt,
      attempt.durationMs,
      attempt.outcome,
      attempt.statusCode,
      attempt.excerpt,
      attempt.error,
    );
  const at = new Date().toISOString();

  if (attempt.outcome === "succeeded") {
    await db.batch([
      insertAttempt,
      db
        .prepare(
          `UPDATE webhook_deliveries SET status = 'succeeded', attempts = ?, run_attempts = ?, lease_until = NULL,
                  next_attempt_at = NULL, last_error = NULL, completed_at = ?, updated_at = ? WHERE id = ?`,
        )
        .bind(number, runAttempt, at, at, delivery.id),
      db
        .prepare("UPDATE webhook_endpoints SET consecutive_failures = 0 WHERE id = ? AND consecutive_failures <> 0")
        .bind(endpoint.id),
    ]);
    attemptLog.info({ status: attempt.statusCode, duration_ms: attempt.durationMs }, "webhook delivered");
    return { action: "ack", result: "succeeded" };
  }

  const delay = retryDelaySeconds(runAttempt, settings);
  if (delay !== null) {
    await db.batch([
      insertAttempt,
      db
        .prepare(
          `UPDATE webhook_deliveries SET attempts = ?, run_attempts = ?, lease_until = NULL, next_attempt_at = ?,
                  last_error = ?, updated_at = ? WHERE id = ?`,
        )
        .bind(number, runAttempt, new Date(Date.now() + delay * 1000).toISOString(), attempt.error, at, delivery.id),
    ]);
    attemptLog.warn(
      { status: attempt.statusCode, error: attempt.error, retry_in_seconds: delay },
      "webhook attempt failed; retrying",
    );
    return { action: "retry", delaySeconds: delay, reason: "failed" };
  }

  const [, , counted] = await db.batch([
    insertAttempt,
    db
      .prepare(
        `UPDATE webhook_deliveries SET status = 'failed', attempts = ?, run_attempts = ?, lease_until = NULL,
                next_attempt_at = NULL, last_error = ?, completed_at = ?, updated_at = ? WHERE id = ?`,
      )
      .bind(number, runAttempt, attempt.error, at, at, delivery.id),
    db
      .prepare(
        `UPDATE webhook_endpoints SET consecutive_failures = consecutive_failures + 1 WHERE id = ?
         RETURNING consecutive_failures`,
      )
      .bind(endpoint.id),
  ]);
  attemptLog.error(
    { status: attempt.statusCode, error: attempt.error, attempts: runAttempt },
    `webhook delivery failed after ${MAX_ATTEMPTS} attempts`,
  );
  await deadLetter(env, message, delivery, number, attempt.error, attemptLog);

  const failures = z.object({ consecutive_failures: z.number() }).parse(counted?.results[0]).consecutive_failures;
  if (failures >= settings.disableAfter)
    await disableFailingEndpoint(env, endpoint, failures, attempt.error, attemptLog);
  return { action: "ack", result: "failed" };
}

/** POSTs the delivery's body, signed, and measures what came back. Never throws for the endpoint's faults. */
async function post(env: DeliveryEnv, endpoint: EndpointRow, delivery: DeliveryRow, settings: DeliverySettings) {
  const started = new Date();
  const startedMs = performance.now();
  const done = (a: Omit<Attempt, "startedAt" | "durationMs">): Attempt => ({
    ...a,
    startedAt: started.toISOString(),
    durationMs: Math.round((performance.now() - startedMs) * 10) / 10,
  });

  // checked again at send time: the rule may have been relaxed when the URL was stored
  const refused = urlProblem(endpoint.url, urlPolicyOf(env));
  if (refused) return done({ outcome: "failed", statusCode: null, excerpt: null, error: `url refused: ${refused}` });

  const secrets = await signingSecrets(env.CONFIG_ENCRYPTION_KEY, endpoint, started);
  const headers = signedHeaders(delivery.id, started, delivery.body, secrets);
  let response: Response;
  try {
    response = await fetch(endpoint.url, {
      method: "POST",
      headers: { ...headers, "content-type": "application/json", "user-agent": "digital-commerce-webhooks/1" },
      body: delivery.body,
      // a redirect is a failed attempt: following it would let a public URL send the delivery anywhere
      redirect: "manual",
      signal: AbortSignal.timeout(settings.timeoutMs),
    });
  } catch (error) {
    if (isTimeout(error)) {
      return done({
        outcome: "timeout",
        statusCode: null,
        excerpt: null,
        error: `no answer within ${settings.timeoutMs} ms`,
      });
    }
    return done({
      outcome: "failed",
      statusCode: null,
      excerpt: null,
      error: `connection failed: ${messageOf(error)}`,
    });
  }
  const excerpt = await readExcerpt(response);
  const ok = response.status >= 200 && response.status < 300;
  return done({
    outcome: ok ? "succeeded" : "failed",
    statusCode: response.status,
    excerpt,
    error: ok ? null : `HTTP ${response.status}${response.statusText ? ` ${response.statusText}` : ""}`,
  });
}

function isTimeout(error: unknown): boolean {
  return error instanceof Error && (error.name === "TimeoutError" || error.name === "AbortError");
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/** The first KiB of the body as text; the rest is not read. Null when there is none or it could not be read in time. */
async function readExcerpt(response: Response): Promise<string | null> {
  const reader = response.body?.getReader();
  if (!reader) return null;
  const chunks: Uint8Array[] = [];
  let size = 0;
  try {
    while (size < EXCERPT_BYTES) {
      const { done, value } = await reader.read();
      if (done) break;
      chunks.push(value);
      size += value.byteLength;
    }
  } catch {
    // the body was cut off (the attempt's timeout, a reset): the status already decided the attempt
  } finally {
    // releases the rest of the body unread; a stream that already ended or failed has nothing to release
    reader.cancel().catch(() => {});
  }
  if (size === 0) return null;
  const bytes = new Uint8Array(size);
  let offset = 0;
  for (const c of chunks) {
    bytes.set(c, offset);
    offset += c.byteLength;
  }
  return new TextDecoder().decode(bytes.subarray(0, EXCERPT_BYTES));
}

/**
 * Sends an exhausted delivery to webhook-deliveries-dlq, where the dead-letter consumer records it.
 * D1 already says the delivery failed and the admin API can replay it from there, so a failed send is
 * logged, not retried: retrying the message would attempt the delivery again past its schedule.
 */
async function deadLetter(
  env: DeliveryEnv,
  message: WebhookDeliveryMessage,
  delivery: DeliveryRow,
  attempts: number,
  lastError: string | null,
  log: Logger,
): Promise<void> {
  try {
    await env.WEBHOOK_DELIVERIES_DLQ.send(
      { ...message, hook: delivery.event_type, attempts, last_error: lastError },
      { contentType: "json" },
    );
  } catch (error) {
    log.error({ err: error }, "could not send the exhausted webhook delivery to its dead-letter queue; D1 keeps it");
  }
}

/**
 * Disables an endpoint the disable rule caught and writes `event:webhook_endpoint_disabled` in the same
 * batch. The guard lets exactly one consumer do it, so the event is written once.
 */
async function disableFailingEndpoint(
  env: DeliveryEnv,
  endpoint: EndpointRow,
  failures: number,
  lastError: string | null,
  log: Logger,
): Promise<void> {
  const db = ledgerDb(env, endpoint.tenant_id);
  const at = new Date().toISOString();
  const event = outboxEvent(db, endpoint.tenant_id, ENDPOINT_DISABLED_EVENT, null, {
    endpoint_id: endpoint.id,
    url: endpoint.url,
    consecutive_failures: failures,
    last_error: lastError,
    disabled_at: at,
  });
  try {
    await db.batch([
      db
        .prepare(
          "INSERT INTO webhook_guards (ok) SELECT EXISTS (SELECT 1 FROM webhook_endpoints WHERE id = ? AND enabled = 1)",
        )
        .bind(endpoint.id),
      db
        .prepare(
          `UPDATE webhook_endpoints SET enabled = 0, disabled_reason = 'failing', disabled_at = ?, updated_at = ?
            WHERE id = ?`,
        )
        .bind(at, at, endpoint.id),
      event.statement,
      db.prepare("DELETE FROM webhook_guards"),
    ]);
  } catch (error) {
    // another consumer disabled it first (or an admin did): its batch wrote the event
    if (error instanceof Error && /CHECK constraint failed/i.test(error.message)) return;
    throw error;
  }
  log.warn({ consecutive_failures: failures }, "webhook endpoint disabled after a run of failed deliveries");
  await flushOutbox(db, env, [event], log);
}
