/**
 * The tenant's plugin quotas from the terminal: shown as defaults and overrides, set for one plugin
 * (merged into what is there), dropped back to the default, and refused with the field named. Each
 * test overrides a plugin slug of its own, so the shared platform's other tests run under the defaults.
 */
import { beforeAll, describe, expect, it } from "vitest";
import type { QuotasView } from "../../api/src/sandbox/quotas.ts";
import { givenLoggedIn, type LoggedIn, uniqueSlug } from "./operations.ts";

let me: LoggedIn;

beforeAll(async () => {
  me = await givenLoggedIn();
});

describe("admin-cli quotas", () => {
  it("sets a plugin's quotas, merges later changes into them, and drops one back to the default", async () => {
    const slug = uniqueSlug("cli-quota");
    const set = await me.cli(["quotas", "set", "--plugin", slug, "events_per_call=7", "log_lines_per_call=9"]);
    expect(set.code).toBe(0);
    expect(set.stdout).toContain(`Set events_per_call, log_lines_per_call for ${slug}`);

    const shown = await me.cli(["--json", "quotas"]);
    expect(shown.code).toBe(0);
    const view = shown.json<QuotasView>();
    expect(view.defaults.events_per_call).toBe(100);
    expect(view.overrides.plugins[slug]).toEqual({ events_per_call: 7, log_lines_per_call: 9 });

    expect((await me.cli(["quotas", "set", "--plugin", slug, "events_per_call=default"])).code).toBe(0);
    const after = (await me.cli(["--json", "quotas"])).json<QuotasView>();
    expect(after.overrides.plugins[slug]).toEqual({ log_lines_per_call: 9 });

    const table = await me.cli(["quotas"]);
    expect(table.stdout).toMatch(/log_lines_per_call\s+1000\s+/);
    // every quota of the schema is a row, the per-minute one too
    expect(table.stdout).toMatch(/events_per_minute\s+1000\s+/);
    expect(table.stdout).toContain(slug.toUpperCase());
  });

  it("refuses an assignment that is not name=number with exit 2, and a bound the platform refuses with exit 1", async () => {
    const slug = uniqueSlug("cli-quota");
    expect((await me.cli(["quotas", "set", "--plugin", slug, "events_per_call=lots"])).code).toBe(2);
    const refused = await me.cli(["--json", "quotas", "set", "--plugin", slug, "requests_per_call=999999999"]);
    expect(refused.code).toBe(1);
    expect(refused.json()).toMatchObject({ error: { code: "VALIDATION_FAILED" } });
    expect(JSON.stringify(refused.json())).toContain(`plugins.${slug}.requests_per_call`);
  });
});
