/**
 * The split: D1 keeps the global, read-mostly tables (and the index of which tenant runs which plugin
 * version, which rollouts read across tenants); every tenant-scoped table is in each tenant's
 * ledger and nowhere else, so a query that reached for D1 by mistake fails loudly.
 */
import { env } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { runLedger } from "../../api/src/ledger/index.ts";

const tablesOf = (rows: { type: string; name: string }[]) =>
  rows
    .filter((r) => r.type === "table")
    .map((r) => r.name)
    .sort();

describe("the split between D1 and the tenant ledgers", () => {
  it("leaves D1 the tenants, their token digests, the plugin catalogue and its rollouts only", async () => {
    const { results } = await env.DB.prepare(
      "SELECT type, name FROM sqlite_master WHERE name NOT LIKE 'sqlite_%' AND name NOT LIKE '\\_%' ESCAPE '\\' AND name NOT LIKE 'd1_%'",
    ).all<{ type: string; name: string }>();
    // tenant_plugins is an index of the ledgers' installations (api/src/rollouts), never their truth
    expect(tablesOf(results)).toEqual([
      "api_tokens",
      "plugin_versions",
      "rollout_tenants",
      "rollouts",
      "tenant_plugins",
      "tenants",
    ]);
  });

  it("gives each ledger every tenant-scoped table, and none of D1's", async () => {
    const tables = tablesOf(await runLedger(env, "tenant_schema", "schema", undefined as never));
    expect(tables).toEqual(
      expect.arrayContaining(["installations", "outbox", "deliveries", "delivery_attempts", "dead_letters"]),
    );
    expect(tables).toEqual(expect.arrayContaining(["products", "orders", "payments", "plugin_calls", "hook_traces"]));
    expect(tables).not.toContain("tenants");
    expect(tables).not.toContain("plugin_versions");
    expect(tables).not.toContain("api_tokens");
  });
});
