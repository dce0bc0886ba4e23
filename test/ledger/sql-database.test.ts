/**
 * The ledger's D1-shaped database: the store modules' statements give the same answers on a tenant's
 * Durable Object as on D1, and a batch is all or nothing, as D1's is.
 */
import { env, runInDurableObject } from "cloudflare:test";
import { beforeAll, describe, expect, it } from "vitest";
import { ledgerDb, ledgerOf, SqlDatabase } from "../../api/src/ledger/index.ts";

const table = `CREATE TABLE IF NOT EXISTS parity (
  id TEXT PRIMARY KEY, n INTEGER NOT NULL, flag INTEGER, note TEXT, CHECK (n >= 0))`;

/** The same statements, on D1 and on a ledger's own SQLite through SqlDatabase. */
async function onBoth<T>(run: (db: D1Database) => Promise<T>): Promise<{ d1: T; ledger: T }> {
  await env.DB.prepare(table).run();
  const d1 = await run(env.DB);
  const ledger = await runInDurableObject(ledgerOf(env, "tenant_parity"), async (_instance, state) => {
    const db = new SqlDatabase(state.storage);
    await db.exec(table);
    return await run(db.asD1());
  });
  return { d1, ledger };
}

describe("SqlDatabase, D1's statement API on a Durable Object", () => {
  it("answers first, all and run as D1 does", async () => {
    const { d1, ledger } = await onBoth(async (db) => {
      await db.prepare("DELETE FROM parity").run();
      const inserted = await db
        .prepare("INSERT INTO parity (id, n, flag, note) VALUES (?, ?, ?, ?), (?, ?, ?, ?)")
        .bind("a", 1, true, null, "b", 2, false, "two")
        .run();
      const updated = await db.prepare("UPDATE parity SET n = n + 1 WHERE id = ?").bind("a").run();
      const none = await db.prepare("UPDATE parity SET n = 9 WHERE id = ?").bind("zzz").run();
      const selected = await db.prepare("SELECT COUNT(*) AS c FROM parity").run();
      return {
        changes: [inserted.meta.changes, updated.meta.changes, none.meta.changes, selected.meta.changes],
        first: await db.prepare("SELECT * FROM parity WHERE id = ?").bind("a").first(),
        column: await db.prepare("SELECT note FROM parity WHERE id = ?").bind("b").first("note"),
        missing: await db.prepare("SELECT * FROM parity WHERE id = ?").bind("nope").first(),
        all: (await db.prepare("SELECT id, n, flag FROM parity ORDER BY id").all()).results,
        raw: await db.prepare("SELECT id, n FROM parity ORDER BY id").raw(),
      };
    });
    expect(ledger).toEqual(d1);
    expect(ledger).toMatchObject({
      changes: [2, 1, 0, 0],
      first: { id: "a", n: 2, flag: 1, note: null },
      column: "two",
      missing: null,
      raw: [
        ["a", 2],
        ["b", 2],
      ],
    });
  });

  it("rolls a whole batch back when one statement fails, as D1 does", async () => {
    const { d1, ledger } = await onBoth(async (db) => {
      await db.prepare("DELETE FROM parity").run();
      const error = await db
        .batch([
          db.prepare("INSERT INTO parity (id, n) VALUES ('x', 1)"),
          db.prepare("INSERT INTO parity (id, n) VALUES ('y', -1)"),
        ])
        .then(
          () => "committed",
          (e: Error) => e.message,
        );
      const { results } = await db.prepare("SELECT id FROM parity").all();
      return { failedOn: /CHECK constraint failed/.test(error), rows: results };
    });
    expect(ledger).toEqual(d1);
    expect(ledger).toEqual({ failedOn: true, rows: [] });
  });

  it("refuses undefined as D1 does, naming the position", async () => {
    const { d1, ledger } = await onBoth(async (db) => {
      try {
        await db.prepare("SELECT ? AS v").bind(undefined).first();
        return "bound";
      } catch (error) {
        return /undefined/i.test((error as Error).message);
      }
    });
    expect(d1).toBe(true);
    expect(ledger).toBe(true);
  });
});

describe("a tenant's ledger, called from a Worker", () => {
  beforeAll(async () => {
    await ledgerDb(env, "tenant_remote").prepare(table).run();
  });

  it("keeps each tenant's rows in its own object", async () => {
    const one = ledgerDb(env, "tenant_remote");
    const other = ledgerDb(env, "tenant_remote_other");
    await other.prepare(table).run();
    await one.prepare("INSERT OR REPLACE INTO parity (id, n) VALUES ('mine', 1)").run();
    expect(await one.prepare("SELECT n FROM parity WHERE id = 'mine'").first("n")).toBe(1);
    expect(await other.prepare("SELECT n FROM parity WHERE id = 'mine'").first("n")).toBeNull();
  });

  it("commits a batch in one call, all or nothing, the failure's message carried back", async () => {
    const db = ledgerDb(env, "tenant_remote");
    await expect(
      db.batch([
        db.prepare("INSERT INTO parity (id, n) VALUES ('p', 1)"),
        db.prepare("INSERT INTO parity (id, n) VALUES ('q', -5)"),
      ]),
    ).rejects.toThrow(/CHECK constraint failed/);
    expect(await db.prepare("SELECT COUNT(*) AS c FROM parity WHERE id IN ('p', 'q')").first("c")).toBe(0);
    const [, second] = await db.batch([
      db.prepare("INSERT INTO parity (id, n) VALUES ('p', 1)"),
      db.prepare("UPDATE parity SET n = 7 WHERE id = 'p'"),
    ]);
    expect(second?.meta.changes).toBe(1);
    expect(await db.prepare("SELECT n FROM parity WHERE id = 'p'").first("n")).toBe(7);
  });
});
