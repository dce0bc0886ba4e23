/**
 * Idempotent requests, as Stripe's Idempotency-Key works: the first answer to a key is kept with
 * the SHA-256 of the request's canonical body; a repeat with the same body gets that answer again
 * (same status and body), a repeat with another body is refused, because answering it with the
 * first request's outcome would hide that the second was never carried out.
 * Source: https://docs.stripe.com/api/idempotent_requests
 */

import { z } from "zod";
import type { TenantDb } from "../ledger/tenant-db.ts";
import { CommerceError } from "./errors.ts";

/** An answer as a client received it, kept to be replayed. */
export interface StoredAnswer {
  status: number;
  body: unknown;
}

/** What an operation answers: the answer, and whether it is the replay of an earlier request's. */
export interface IdempotentAnswer extends StoredAnswer {
  replayed: boolean;
}

/** JSON with keys sorted at every level, so the same request hashes the same whatever its key order. */
function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(",")}]`;
  if (value !== null && typeof value === "object") {
    const entries = Object.entries(value)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(",")}}`;
  }
  return JSON.stringify(value);
}

/** The SHA-256 (hex) of the request's canonical body: the validated body, defaults filled in. */
export async function requestHash(body: unknown): Promise<string> {
  const digest = await crypto.subtle.digest("SHA-256", new TextEncoder().encode(canonicalJson(body)));
  return [...new Uint8Array(digest)].map((b) => b.toString(16).padStart(2, "0")).join("");
}

/**
 * Refuses a key already used with another body. A row kept before hashes were ('') matches
 * any body: nothing tells what it was.
 */
export function refuseReusedKey(stored: string, hash: string, key: string, what: string): void {
  if (stored === "" || stored === hash) return;
  throw new CommerceError(
    "IDEMPOTENCY_KEY_REUSED",
    `Idempotency-Key ${key} was already used for ${what} with a different request body; send the same body to get the first answer again, or use a new key for a new request.`,
    { idempotency_key: key },
  );
}

const answerColumns = z.object({ answer_status: z.number().int().nullable(), answer_body: z.string().nullable() });

/** The answer a row keeps, or null while the request's outcome is still unknown. */
export function storedAnswerOf(row: unknown): StoredAnswer | null {
  const { answer_status, answer_body } = answerColumns.parse(row);
  if (answer_status === null || answer_body === null) return null;
  return { status: answer_status, body: JSON.parse(answer_body) };
}

/**
 * Keeps `answer` on the row unless an answer is there already (a duplicate of the request
 * answered first), and answers with whichever was kept: the first answer is the one every repeat gets.
 */
export async function keepFirstAnswer(
  db: TenantDb,
  table: "payments" | "payment_operations",
  tenantId: string,
  id: string,
  answer: StoredAnswer,
): Promise<IdempotentAnswer> {
  const write = await db
    .prepare(
      `UPDATE ${table} SET answer_status = ?, answer_body = ? WHERE tenant_id = ? AND id = ? AND answer_status IS NULL`,
    )
    .bind(answer.status, JSON.stringify(answer.body), tenantId, id)
    .run();
  if (write.meta.changes > 0) return { ...answer, replayed: false };
  const row = await db
    .prepare(`SELECT answer_status, answer_body FROM ${table} WHERE tenant_id = ? AND id = ?`)
    .bind(tenantId, id)
    .first();
  const kept = row === null ? null : storedAnswerOf(row);
  return kept ? { ...kept, replayed: true } : { ...answer, replayed: false };
}
