/**
 * What crosses between a Worker and a tenant's ledger: statements as SQL and bindings, and answers
 * whose failures keep their platform error code (RPC carries an Error's message, not its class).
 */
import { type ErrorCode, PlatformError } from "../errors/index.ts";

export interface WireStatement {
  sql: string;
  params: (string | number | null | ArrayBuffer)[];
}

/** Every answer carries the ledger's generation (view.ts) as of its end: what callers' caches check. */
export type LedgerAnswer<T> = (
  | { ok: true; value: T }
  | { ok: false; error: { name: string; code: ErrorCode | null; message: string; details?: unknown } }
) & { generation?: number };

/** A ledger-side throw as an answer, so the caller can throw the same coded error on its side. */
export function failedAnswer(error: unknown): LedgerAnswer<never> {
  if (error instanceof PlatformError)
    return { ok: false, error: { name: error.name, code: error.code, message: error.message, details: error.details } };
  const e = error instanceof Error ? error : new Error(String(error));
  return { ok: false, error: { name: e.name, code: null, message: e.message } };
}

/** The value, or the ledger's error thrown again: a PlatformError with its code, else a plain Error. */
export function unwrap<T>(answer: LedgerAnswer<T>): T {
  if (answer.ok) return answer.value;
  const { name, code, message, details } = answer.error;
  const error = code === null ? new Error(message) : new PlatformError(code, message, details);
  error.name = name;
  throw error;
}
