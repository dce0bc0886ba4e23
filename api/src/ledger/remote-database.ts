/**
 * D1's statement API for a Worker, answered by a tenant's ledger: each `first()/all()/run()` is one
 * call to the object and a `batch()` is one call in one transaction. For the cold paths (admin
 * reads, rare writes) that keep their store functions as they were; a hot path runs as one ledger
 * program instead (programs.ts), one call for the whole operation.
 */
import { hearGeneration } from "./generations.ts";
import type { TenantLedger } from "./tenant-ledger.ts";
import { type LedgerAnswer, unwrap, type WireStatement } from "./wire.ts";

type Binding = WireStatement["params"][number];

function toBinding(value: unknown, index: number): Binding {
  if (value === null || typeof value === "string" || typeof value === "number" || value instanceof ArrayBuffer)
    return value;
  if (typeof value === "boolean") return value ? 1 : 0;
  throw new TypeError(`D1_TYPE_ERROR: Type '${typeof value}' not supported for value at position ${index + 1}`);
}

/** The answer's value (or its error thrown), its generation noted for the tenant. */
export function heard<T>(tenantId: string, answer: LedgerAnswer<T>): T {
  hearGeneration(tenantId, answer.generation);
  return unwrap(answer);
}

export class RemoteStatement {
  readonly #ledger: DurableObjectStub<TenantLedger>;
  readonly #tenantId: string;
  readonly wire: WireStatement;

  constructor(ledger: DurableObjectStub<TenantLedger>, tenantId: string, wire: WireStatement) {
    this.#ledger = ledger;
    this.#tenantId = tenantId;
    this.wire = wire;
  }

  bind(...values: unknown[]): RemoteStatement {
    return new RemoteStatement(this.#ledger, this.#tenantId, { sql: this.wire.sql, params: values.map(toBinding) });
  }

  async #result(): Promise<D1Result<Record<string, unknown>>> {
    return heard(this.#tenantId, await this.#ledger.query(this.wire));
  }

  async first<T = Record<string, unknown>>(column?: string): Promise<T | null> {
    const [row] = (await this.#result()).results;
    if (row === undefined) return null;
    if (column === undefined) return row as T;
    if (!(column in row)) throw new Error(`D1_COLUMN_NOTFOUND: Column not found (${column})`);
    return row[column] as T;
  }

  async all<T = Record<string, unknown>>(): Promise<D1Result<T>> {
    return (await this.#result()) as D1Result<T>;
  }

  async run<T = Record<string, unknown>>(): Promise<D1Result<T>> {
    return (await this.#result()) as D1Result<T>;
  }

  async raw<T = unknown[]>(): Promise<T[]> {
    return (await this.#result()).results.map((row) => Object.values(row)) as T[];
  }
}

export class RemoteDatabase {
  readonly #ledger: DurableObjectStub<TenantLedger>;
  readonly #tenantId: string;

  constructor(ledger: DurableObjectStub<TenantLedger>, tenantId: string) {
    this.#ledger = ledger;
    this.#tenantId = tenantId;
  }

  prepare(sql: string): RemoteStatement {
    return new RemoteStatement(this.#ledger, this.#tenantId, { sql, params: [] });
  }

  async batch<T = Record<string, unknown>>(statements: RemoteStatement[]): Promise<D1Result<T>[]> {
    return heard(this.#tenantId, await this.#ledger.batch(statements.map((s) => s.wire))) as D1Result<T>[];
  }

  /** Where the store modules expect D1: the statement API they use is the same. */
  asD1(): D1Database {
    return this as unknown as D1Database;
  }
}
