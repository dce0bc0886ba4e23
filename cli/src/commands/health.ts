/** `admin-cli health <slug>`: the plugin's state, its checks, its calls over the last day, its last error. */
import type { Command } from "commander";
import type { HealthView } from "../api.ts";
import { ms, path, time } from "../format.ts";
import { contextOf, examples } from "../program.ts";

export function registerHealth(program: Command): void {
  program
    .command("health")
    .description("Show a plugin's health: state, dependency and configuration checks, calls, latency, last error")
    .argument("<slug>", "the plugin")
    .addHelpText("after", examples("admin-cli health stripe-gateway", "admin-cli --json health stripe-gateway"))
    .action(async (slug: string, _options, command: Command) => {
      const { out, client } = contextOf(command);
      const view = await (await client()).get<HealthView>(`/api/admin/plugins/${path(slug)}/health`);
      out.result(view, () => {
        const { c } = out;
        const colour = {
          healthy: c.green,
          degraded: c.yellow,
          unhealthy: c.red,
          inactive: c.yellow,
          not_installed: c.dim,
        };
        out.info(`${c.bold(view.slug)}: ${view.state}, ${colour[view.status](view.status)}`);
        for (const check of view.checks) {
          out.info(`  ${check.ok ? c.green("✔") : c.red("✖")} ${check.name}: ${check.detail}`);
        }
        const k = view.calls;
        out.info(
          `Calls (${k.window}): ${k.calls}, errors ${k.errors}, timeouts ${k.timeouts}, limits exceeded ${k.limits_exceeded}, egress denied ${k.denied_egress}; latency p50 ${ms(k.p50_ms)}, p95 ${ms(k.p95_ms)}`,
        );
        const last = [...(view.last_error ? [view.last_error] : []), ...(k.last_error ? [k.last_error] : [])].sort(
          (a, b) => b.at.localeCompare(a.at),
        )[0];
        out.info(last ? `Last error: ${time(last.at)} ${c.red(last.code)} ${last.message}` : "Last error: none");
      });
    });
}
