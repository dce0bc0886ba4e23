/**
 * The SDK's test context reaches a plugin's dependencies' services (`createTestContext({ dependencies })`)
 * as the platform does: the dependency's real services, run with its own context, with the platform's
 * refusals. Node, with the CLI's tests, because the test context needs node:sqlite.
 */
import { createPlugin, type PluginContext, type PluginServices } from "@digital-commerce/plugin-sdk";
import { createTestContext } from "@digital-commerce/plugin-sdk/testing";
import { describe, expect, it } from "vitest";
import { manifest as coreUtils } from "../../plugins/core-utils/manifest.ts";
import { services as coreUtilsServices } from "../../plugins/core-utils/src/services.ts";

// a builder collects what it is given: one per manifest
const shopBuilder = () => createPlugin("Shop", "shop-test").version("1.0.0").dependency("core-utils", "^1.3.0");
const shop = shopBuilder().build();
const withNotes = shopBuilder().dependency("notes-test", "^1.0.0").build();

const notes = createPlugin("Notes", "notes-test")
  .version("1.0.0")
  .setting("owner", { type: "string", label: "Owner", default: "nobody" })
  .permission({ capabilities: ["db", "logger"] })
  .migration("0001_notes", "CREATE TABLE notes (body TEXT)")
  .build();

const notesServices = {
  /** What the dependency's own context holds. */
  whoAmI: (context) => ({
    plugin: context.plugin.slug,
    owner: context.plugin.config.owner,
    tenant: context.tenant.slug,
    key: context.idempotency_key ?? null,
  }),
  add: async (context, body: string) => {
    await context.db.query("INSERT INTO notes (body) VALUES (?)", [body]);
    context.logger.info("note added", { body });
    return (await context.db.one("SELECT COUNT(*) AS n FROM notes"))?.n;
  },
  /** Changes what it was given: the caller's object must not change with it. */
  stamp: (_context, note: { stamped?: boolean }) => {
    note.stamped = true;
    return note;
  },
  callback: () => () => "back",
} satisfies PluginServices;

/** context.plugins without types: notes-test publishes none, and the refusals need names the types reject. */
const untyped = (context: PluginContext) =>
  context.plugins as unknown as Record<string, Record<string, (...args: unknown[]) => Promise<unknown>> | undefined>;

const given = (options: { rates?: Record<string, unknown>; idempotency_key?: string } = {}) =>
  createTestContext({
    manifest: withNotes,
    tenant: { slug: "demo" },
    ...(options.idempotency_key ? { idempotency_key: options.idempotency_key } : {}),
    dependencies: {
      "core-utils": {
        manifest: coreUtils,
        services: coreUtilsServices,
        config: { exchange_rates: options.rates ?? {} },
      },
      "notes-test": { manifest: notes, services: notesServices, config: { owner: "ada" } },
    },
  });

describe("createTestContext with dependencies", () => {
  it("calls core-utils' real money services, with core-utils' own settings", async () => {
    const { context } = given({ rates: { USD: 1, EUR: 0.92 } });
    const core = context.plugins["core-utils"];
    expect(await core.formatMoney(1250, "USD")).toBe("$12.50");
    expect(await core.toMinor("12.50", "USD")).toBe(1250);
    expect(await core.convert(1000, "USD", "EUR")).toBe(920);
    expect(await core.minimumCharge("JPY")).toBe(50);
  });

  it("runs each service with the dependency's own context for the same tenant, its key passed on", async () => {
    const t = given({ idempotency_key: "op-7" });
    const client = untyped(t.context)["notes-test"];
    expect(await client?.whoAmI?.()).toEqual({ plugin: "notes-test", owner: "ada", tenant: "demo", key: "op-7" });
    expect(await client?.add?.("first")).toBe(1);
    expect(await client?.add?.("second")).toBe(2);
    expect(t.dependencies["notes-test"]?.logs.map((l) => l.message)).toEqual(["note added", "note added"]);
    t.close();
  });

  it("copies arguments and answers, and refuses what is not plain data", async () => {
    const { context } = given();
    const client = untyped(context)["notes-test"];
    const note = { body: "x" };
    expect(await client?.stamp?.(note)).toEqual({ body: "x", stamped: true });
    expect(note).toEqual({ body: "x" });
    await expect(client?.stamp?.({ body: () => 1 })).rejects.toThrow(
      "INVALID_ARGUMENT: notes-test.stamp takes plain data only (arguments are copied into its isolate): args[0].body is a function.",
    );
    await expect(client?.callback?.()).rejects.toThrow(
      "notes-test failed in service callback: its answer must be plain data: result is a function",
    );
  });

  it("refuses as the platform does: a plugin it does not depend on, a service not exported, a service that throws", async () => {
    const { context } = given();
    const plugins = untyped(context);
    await expect(plugins.probe?.context?.()).rejects.toThrow(
      "NOT_A_DEPENDENCY: shop-test does not depend on probe, so it cannot call its services; its manifest's dependencies are core-utils, notes-test.",
    );
    await expect(plugins["core-utils"]?.frobnicate?.()).rejects.toThrow(
      "UNKNOWN_SERVICE: core-utils has no service frobnicate; its services are convert, formatMoney, minimumCharge, minorUnits, toMajorString, toMinor.",
    );
    await expect(context.plugins["core-utils"].toMinor("12.345", "USD")).rejects.toThrow(
      'core-utils failed in service toMinor: TOO_MANY_DECIMALS: amount: "12.345" has 3 decimals; USD has 2',
    );
    expect(Object.keys(context.plugins).sort()).toEqual(["core-utils", "notes-test"]);
  });

  it("says which dependency a test did not supply", async () => {
    const { context } = createTestContext({ manifest: shop });
    await expect(context.plugins["core-utils"].minorUnits("USD")).rejects.toThrow(
      'shop-test depends on core-utils, whose services this test did not supply; pass createTestContext({ dependencies: { "core-utils": { manifest, services } } })',
    );
  });

  it("refuses a dependency the manifest does not declare, or whose version does not fit, naming the option", () => {
    expect(() =>
      createTestContext({
        manifest: shop,
        dependencies: { "notes-test": { manifest: notes, services: notesServices } },
      }),
    ).toThrow("dependencies.notes-test: shop-test does not depend on notes-test; its dependencies are core-utils");
    const old = { ...coreUtils, version: "1.2.0" };
    expect(() =>
      createTestContext({
        manifest: shop,
        dependencies: { "core-utils": { manifest: old, services: coreUtilsServices } },
      }),
    ).toThrow("dependencies.core-utils.manifest: core-utils@1.2.0 does not satisfy shop-test's range ^1.3.0");
  });
});
