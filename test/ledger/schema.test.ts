/**
 * The ledger holds every tenant-scoped table; until D1's copies are dropped, the two must not drift:
 * the same columns, constraints and indexes, less the foreign keys to D1's global tables.
 */
import { env } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { runLedger } from "../../api/src/ledger/index.ts";

/** D1's global, read-mostly tables: these stay in D1. */
const GLOBAL = new Set(["tenants", "api_tokens", "plugin_versions"]);

const normalized = (sql: string) =>
  sql
    .replace(/\s+REFERENCES tenants\(id\) ON DELETE CASCADE/g, "")
    .replace(/,\s*FOREIGN KEY \(slug, version\) REFERENCES plugin_versions\(slug, version\)/g, "")
    .replace(/CREATE TABLE "(\w+)"/, "CREATE TABLE $1")
    .replace(/"(orders|payments)"/g, "$1")
    .replace(/--[^\n]*/g, "")
    .replace(/\s+/g, " ")
    .trim();

describe("the tenant ledger's schema", () => {
  it("has every tenant-scoped table and index of D1, and none of the global ones", async () => {
    const { results } = await env.DB.prepare(
      "SELECT type, name, tbl_name, sql FROM sqlite_master WHERE sql IS NOT NULL AND name NOT LIKE 'sqlite_%' AND name NOT LIKE '\\_%' ESCAPE '\\' AND name NOT LIKE 'd1_%'",
    ).all<{ type: string; name: string; tbl_name: string; sql: string }>();
    const d1 = results
      .filter((r) => !GLOBAL.has(r.tbl_name))
      .map((r) => ({ type: r.type, name: r.name, sql: normalized(r.sql) }))
      .sort((a, b) => `${a.type}/${a.name}`.localeCompare(`${b.type}/${b.name}`));
    const ledger = (await runLedger(env, "tenant_schema", "schema", undefined as never))
      .map((r) => ({ type: r.type, name: r.name, sql: normalized(r.sql) }))
      .sort((a, b) => `${a.type}/${a.name}`.localeCompare(`${b.type}/${b.name}`));
    expect(ledger.map((r) => r.name)).toEqual(d1.map((r) => r.name));
    expect(ledger).toEqual(d1);
  });
});
