/**
 * What the deploy reads from wrangler 4.156's list commands. The samples are those commands' output formats:
 * `queues list` and `r2 bucket list` have no JSON form, so their table and labelled blocks are read by label.
 */
import { describe, expect, it } from "vitest";
import {
  parseD1List,
  parseKvList,
  parseQueuesTable,
  parseR2BucketList,
  parseSecretList,
} from "../../scripts/lib/deploy/wrangler-output.ts";

const BANNER = "\n ⛅️ wrangler 4.156.2\n────────────────────\n";

describe("reading wrangler's lists", () => {
  it("reads the queue names out of `wrangler queues list`'s table, whatever column they are in", () => {
    const table = [
      "┌──────────────────────────────────┬─────────────────┬──────────────────────────┬───────────┐",
      "│ id                               │ name            │ created_on               │ consumers │",
      "├──────────────────────────────────┼─────────────────┼──────────────────────────┼───────────┤",
      "│ 7f3c9a2e1b4d4e0f9a8b7c6d5e4f3a2b │ hook-events     │ 2026-11-20T10:00:00.000Z │ 1         │",
      "├──────────────────────────────────┼─────────────────┼──────────────────────────┼───────────┤",
      "│ 0a1b2c3d4e5f60718293a4b5c6d7e8f9 │ hook-events-dlq │ 2026-11-20T10:00:01.000Z │ 1         │",
      "└──────────────────────────────────┴─────────────────┴──────────────────────────┴───────────┘",
    ].join("\n");
    expect(parseQueuesTable(`${BANNER}${table}\n`)).toEqual(["hook-events", "hook-events-dlq"]);
    // an account without queues: wrangler prints its banner and an empty table, which is no text
    expect(parseQueuesTable(BANNER)).toEqual([]);
  });

  it("reads colored output as plain", () => {
    const table =
      "\u001b[90m┌────┐\u001b[39m\n\u001b[90m│\u001b[39m \u001b[34mname\u001b[39m \u001b[90m│\u001b[39m\n│ analytics-events │\n";
    expect(parseQueuesTable(table)).toEqual(["analytics-events"]);
  });

  it("refuses a queues table without a name column rather than guess", () => {
    expect(() => parseQueuesTable("│ id │ title │\n│ 1 │ x │\n")).toThrow(
      expect.objectContaining({ code: "WRANGLER_OUTPUT" }),
    );
  });

  it("reads the bucket names of `wrangler r2 bucket list`", () => {
    const text = `${BANNER}Listing buckets...\nname:           plugin-bundles\ncreation_date:  2026-11-20T10:00:00.000Z\n\nname:           plugin-storage\ncreation_date:  2026-11-20T10:00:02.000Z\n`;
    expect(parseR2BucketList(text)).toEqual(["plugin-bundles", "plugin-storage"]);
    expect(parseR2BucketList(`${BANNER}Listing buckets...\n\n`)).toEqual([]);
  });

  it("reads the JSON lists of D1 databases, KV namespaces and secrets", () => {
    expect(
      parseD1List(
        '[\n  {\n    "uuid": "2b8e5f0c-93aa-4c55-9d3e-7c1f0a6b4d21",\n    "name": "commerce",\n    "created_at": "2026-11-20T10:00:00.000Z",\n    "version": "production",\n    "num_tables": 12\n  }\n]\n',
      ),
    ).toEqual([{ name: "commerce", uuid: "2b8e5f0c-93aa-4c55-9d3e-7c1f0a6b4d21" }]);
    expect(
      parseKvList(
        '[{"id":"a3f1c9e27b4d4f0e8c6a5b2d1e0f9a87","title":"commerce-api-cache","supports_url_encoding":true}]',
      ),
    ).toEqual([{ title: "commerce-api-cache", id: "a3f1c9e27b4d4f0e8c6a5b2d1e0f9a87" }]);
    expect(parseSecretList('[\n  {\n    "name": "CONFIG_ENCRYPTION_KEY",\n    "type": "secret_text"\n  }\n]')).toEqual([
      "CONFIG_ENCRYPTION_KEY",
    ]);
  });

  it("says which command printed something it cannot read", () => {
    expect(() => parseD1List("✘ [ERROR] Not logged in.")).toThrow("`wrangler d1 list --json` did not print JSON");
    expect(() => parseKvList('[{"name":"no id"}]')).toThrow(
      "`wrangler kv namespace list` printed JSON of another shape",
    );
  });
});
