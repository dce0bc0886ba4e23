/**
 * `context.db.transaction(callback)` inside the isolate. The statements the
 * callback issues are queued and run together, atomically, when its promise
 * settles; each statement's promise then resolves with its rows. Awaiting a
 * statement inside the callback is refused with an error saying so, because a
 * Durable Object cannot hold a transaction open across calls from another
 * isolate (its input gate would hold the next statement forever).
 */
import type { Row, TransactionDatabase } from "../types.ts";
import type { DbBinding } from "./protocol.ts";

interface Queued {
  sql: string;
  params: unknown[];
  resolve(rows: Row[]): void;
  reject(error: unknown): void;
}

export const AWAITED_INSIDE_TRANSACTION =
  "a transaction's statements run together when its callback returns; collect their promises and await them after the transaction, not inside the callback";

export async function runTransaction<T>(db: DbBinding, callback: (tx: TransactionDatabase) => Promise<T>): Promise<T> {
  const queued: Queued[] = [];
  let open = true;
  /** A promise that refuses to be awaited while the callback still runs. */
  const guarded = <R>(settled: Promise<R>): Promise<R> =>
    ({
      // biome-ignore lint/suspicious/noThenProperty: the point is to intercept awaiting
      then: (onFulfilled, onRejected) =>
        (open ? Promise.reject(new Error(AWAITED_INSIDE_TRANSACTION)) : settled).then(onFulfilled, onRejected),
      catch: (onRejected) => settled.catch(onRejected),
      finally: (onFinally) => settled.finally(onFinally),
      [Symbol.toStringTag]: "Promise",
    }) as Promise<R>;
  const enqueue = (sql: string, params: unknown[] = []): Promise<Row[]> => {
    if (!open) return Promise.reject(new Error("this transaction has already run"));
    let entry: Queued | undefined;
    const settled = new Promise<Row[]>((resolve, reject) => {
      entry = { sql, params, resolve, reject };
    });
    // the failure reaches the caller through the transaction itself; a statement nobody awaits must not be "unhandled"
    settled.catch(() => undefined);
    queued.push(entry as Queued);
    return settled;
  };
  const tx: TransactionDatabase = {
    query: (sql, params) => guarded(enqueue(sql, params)),
    one: (sql, params) => {
      const first = enqueue(sql, params).then((rows) => rows[0] ?? null);
      first.catch(() => undefined);
      return guarded(first);
    },
  };
  let result: T;
  try {
    result = await callback(tx);
  } finally {
    open = false;
  }
  if (queued.length === 0) return result;
  try {
    const rows = await db.batch(queued.map((q) => ({ sql: q.sql, params: q.params })));
    for (const [i, q] of queued.entries()) q.resolve(rows[i] ?? []);
  } catch (error) {
    for (const q of queued) q.reject(error);
    throw error;
  }
  return result;
}
