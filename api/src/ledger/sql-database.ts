/**
 * D1's statement API over a Durable Object's own SQLite, so the platform's store modules (written
 * against D1: `prepare().bind().first()/all()/run()`, `batch()`) run inside the tenant's ledger
 * unchanged and without a round trip per query. A `batch` is one `transactionSync`: every statement
 * commits or none does, as in D1, and a throw (a failed CHECK guard, a UNIQUE violation) rolls all
 * of it back. Every await resolves at once, so a store function that only talks to this database
 * runs to its end before the object takes its next request: it is serial per tenant by construction.
 */

type Binding = string | number | null | ArrayBuffer;

/** D1 refuses `undefined` and takes booleans as 1/0; SQLite storage takes neither, so both are settled here. */
function toBinding(value: unknown, index: number): Binding {
  if (value === null || typeof value === "string" || typeof value === "number" || value instanceof ArrayBuffer)
    return value;
  if (typeof value === "boolean") return value ? 1 : 0;
  if (typeof value === "bigint") return Number(value);
  if (ArrayBuffer.isView(value))
    return value.buffer.slice(value.byteOffset, value.byteOffset + value.byteLength) as ArrayBuffer;
  throw new TypeError(`D1_TYPE_ERROR: Type '${typeof value}' not supported for value at position ${index + 1}`);
}

interface Meta {
  changes: number;
  last_row_id: number;
  rows_read: number;
  rows_written: number;
  duration: number;
  changed_db: boolean;
  size_after: number;
  served_by: string;
}

export class SqlStatement {
  readonly #db: SqlDatabase;
  readonly query: string;
  readonly params: Binding[];

  constructor(db: SqlDatabase, query: string, params: Binding[] = []) {
    this.#db = db;
    this.query = query;
    this.params = params;
  }

  bind(...values: unknown[]): SqlStatement {
    return new SqlStatement(this.#db, this.query, values.map(toBinding));
  }

  async first<T = Record<string, unknown>>(column?: string): Promise<T | null> {
    const [row] = this.#db.execute(this).results;
    if (row === undefined) return null;
    if (column === undefined) return row as T;
    if (!(column in row)) throw new Error(`D1_COLUMN_NOTFOUND: Column not found (${column})`);
    return row[column] as T;
  }

  async all<T = Record<string, unknown>>(): Promise<D1Result<T>> {
    return this.#db.execute(this) as D1Result<T>;
  }

  async run<T = Record<string, unknown>>(): Promise<D1Result<T>> {
    return this.#db.execute(this) as D1Result<T>;
  }

  async raw<T = unknown[]>(options?: { columnNames?: boolean }): Promise<T[]> {
    const cursor = this.#db.sql.exec(this.query, ...this.params);
    const rows = [...cursor.raw()] as T[];
    return options?.columnNames ? ([cursor.columnNames as T, ...rows] as T[]) : rows;
  }
}

export class SqlDatabase {
  readonly sql: SqlStorage;
  readonly #storage: DurableObjectStorage;

  constructor(storage: DurableObjectStorage) {
    this.#storage = storage;
    this.sql = storage.sql;
  }

  prepare(query: string): SqlStatement {
    return new SqlStatement(this, query);
  }

  /** All of them in one transaction, as D1's batch: the first failure rolls every one back and is thrown. */
  async batch<T = Record<string, unknown>>(statements: SqlStatement[]): Promise<D1Result<T>[]> {
    return this.#storage.transactionSync(() => statements.map((s) => this.execute(s) as D1Result<T>));
  }

  /** Statements separated by `;`, no bindings (migrations). */
  async exec(query: string): Promise<{ count: number; duration: number }> {
    this.sql.exec(query);
    return { count: query.split(";").filter((s) => s.trim()).length, duration: 0 };
  }

  /** One statement, run to its end, with D1's result shape. */
  execute(statement: SqlStatement): D1Result<Record<string, unknown>> {
    const started = performance.now();
    const cursor = this.sql.exec(statement.query, ...statement.params);
    const results = cursor.toArray() as Record<string, unknown>[];
    // a statement that wrote nothing changed nothing: no second statement for a read
    const { changes, id } =
      cursor.rowsWritten > 0
        ? this.sql.exec<{ changes: number; id: number }>("SELECT changes() AS changes, last_insert_rowid() AS id").one()
        : { changes: 0, id: 0 };
    const meta: Meta = {
      changes,
      last_row_id: id,
      rows_read: cursor.rowsRead,
      rows_written: cursor.rowsWritten,
      duration: performance.now() - started,
      changed_db: cursor.rowsWritten > 0,
      size_after: this.sql.databaseSize,
      served_by: "tenant-ledger",
    };
    // D1Meta's optional fields (regions, timings) have no meaning in one object's database
    return { results, success: true, meta } as unknown as D1Result<Record<string, unknown>>;
  }

  /** This object's database where the store modules expect D1: the statement API they use is the same. */
  asD1(): D1Database {
    return this as unknown as D1Database;
  }
}
