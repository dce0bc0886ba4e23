/**
 * `admin-cli quotas` and `admin-cli quotas set`: what one plugin may cost the tenant (events, log lines
 * and bytes, outbound requests per call; stored bytes per plugin), as defaults and the tenant's
 * overrides. `set` merges into the current overrides; `name=default` drops one. Owner only.
 */
import type { Command } from "commander";
import type { QuotaOverrides, QuotaSet, QuotasView } from "../../../api/src/sandbox/quotas.ts";
import { usageError } from "../errors.ts";
import { contextOf, examples } from "../program.ts";

const QUOTAS = "/api/admin/quotas";

/** `events_per_call=200` pairs; `default` drops the override. The platform validates names and bounds. */
function assignmentsOf(pairs: string[]): Record<string, number | null> {
  const out: Record<string, number | null> = {};
  for (const pair of pairs) {
    const match = /^([a-z_]+)=(\d+|default)$/.exec(pair);
    if (!match) throw usageError(`"${pair}" is not name=<whole number> or name=default (e.g. events_per_call=200).`);
    const [, name, value] = match as unknown as [string, string, string];
    out[name] = value === "default" ? null : Number(value);
  }
  return out;
}

function merged(current: Partial<QuotaSet>, changes: Record<string, number | null>): Partial<QuotaSet> {
  const next: Record<string, number> = { ...current };
  for (const [name, value] of Object.entries(changes)) {
    if (value === null) delete next[name];
    else next[name] = value;
  }
  return next as Partial<QuotaSet>;
}

export function registerQuotas(program: Command): void {
  const quotas = program
    .command("quotas")
    .description("Show the tenant's plugin quotas: the defaults and its overrides")
    .addHelpText(
      "after",
      examples("admin-cli quotas", "admin-cli quotas set --plugin audit-log log_lines_per_call=5000"),
    )
    .action(async (_options, command: Command) => {
      const { out, client } = contextOf(command);
      const view = await (await client()).get<QuotasView>(QUOTAS);
      out.result(view, () => {
        const plugins = Object.keys(view.overrides.plugins).sort();
        out.table([
          ["QUOTA", "DEFAULT", "TENANT", ...plugins.map((p) => p.toUpperCase())],
          ...(Object.keys(view.defaults) as (keyof QuotaSet)[]).map((name) => [
            name,
            String(view.defaults[name]),
            String(view.overrides.tenant[name] ?? "—"),
            ...plugins.map((p) => String(view.overrides.plugins[p]?.[name] ?? "—")),
          ]),
        ]);
      });
    });

  quotas
    .command("set")
    .description("Override quotas for all plugins, or for one with --plugin (name=default drops an override)")
    .argument("<assignments...>", "name=value pairs, e.g. events_per_call=200")
    .option("--plugin <slug>", "override for this plugin only")
    .addHelpText(
      "after",
      examples(
        "admin-cli quotas set events_per_call=200",
        "admin-cli quotas set --plugin audit-log log_lines_per_call=5000 log_bytes_per_call=default",
      ),
    )
    .action(async (pairs: string[], options: { plugin?: string }, command: Command) => {
      const { out, client } = contextOf(command);
      const changes = assignmentsOf(pairs);
      const api = await client();
      const { overrides } = await api.get<QuotasView>(QUOTAS);
      const next: QuotaOverrides = options.plugin
        ? {
            tenant: overrides.tenant,
            plugins: {
              ...overrides.plugins,
              [options.plugin]: merged(overrides.plugins[options.plugin] ?? {}, changes),
            },
          }
        : { tenant: merged(overrides.tenant, changes), plugins: overrides.plugins };
      const view = await api.put<QuotasView>(QUOTAS, next);
      out.result(view, () =>
        out.success(`Set ${Object.keys(changes).join(", ")} for ${options.plugin ?? "all plugins"} of this tenant.`),
      );
    });
}
