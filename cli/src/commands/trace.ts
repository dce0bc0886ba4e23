/**
 * `admin-cli trace <id>`: what happened to a request (its trace id, `tr_…`, from the x-trace-id
 * header) or to one event (its id): the before hooks step by step, then each event's deliveries to
 * plugins and webhook endpoints with every attempt, its timing and its error.
 */
import type { Command } from "commander";
import type { ChainTrace, EventView, TraceView } from "../api.ts";
import { ms, path, time, truncate } from "../format.ts";
import type { Output } from "../output.ts";
import { contextOf, examples } from "../program.ts";

function printChain(out: Output, chain: ChainTrace): void {
  const { c } = out;
  const outcome = chain.outcome === "completed" ? c.green(chain.outcome) : c.red(chain.outcome);
  out.info(`  ${c.bold(chain.hook)}  ${outcome}  ${ms(chain.duration_ms)}`);
  if (chain.steps.length === 0) out.info(c.dim("    no active plugin handles it"));
  for (const s of chain.steps) {
    const bad = s.outcome === "failed" || s.outcome === "timeout" || s.outcome === "vetoed";
    out.info(
      `    ${String(s.priority).padStart(4)}  ${s.plugin}@${s.version} ${c.dim(s.handler)}  ${bad ? c.red(s.outcome) : s.outcome}${s.skipped ? c.yellow(" (skipped: on_failure skip)") : ""}  ${ms(s.duration_ms)}${s.error ? `  ${c.red(s.error)}` : ""}`,
    );
  }
}

function printEvent(out: Output, event: EventView): void {
  const { c } = out;
  out.info(
    `  ${c.bold(event.hook)}  ${c.dim(event.id)}  ${event.queue}  ${event.sent_at ? `sent ${time(event.sent_at)}` : c.yellow("not sent yet")}`,
  );
  if (event.deliveries.length === 0 && event.webhook_deliveries.length === 0) {
    out.info(c.dim("    no deliveries (yet): no subscribed active plugin or endpoint, or still queued"));
  }
  for (const d of event.deliveries) {
    // a replay gives a delivery a fresh run of max_attempts, so the count may pass it
    const attempts =
      d.attempts <= d.max_attempts
        ? `${d.attempts}/${d.max_attempts}`
        : `${d.attempts} (replayed; ${d.max_attempts} a run)`;
    out.info(`    → ${d.plugin_slug}  ${statusText(out, d.status)}  attempts ${attempts}`);
    for (const a of d.attempt_log) {
      out.info(
        `        #${a.attempt} ${time(a.started_at)}  ${statusText(out, a.outcome)}  ${ms(a.duration_ms)}${a.error ? `  ${c.red(truncate(a.error, 200))}` : ""}`,
      );
    }
  }
  for (const w of event.webhook_deliveries) {
    out.info(`    → webhook ${w.endpoint_id}  ${statusText(out, w.status)}  ${c.dim(w.id)}`);
    for (const a of w.attempts) {
      out.info(
        `        #${a.attempt} ${time(a.started_at)}  ${statusText(out, a.outcome)}  ${a.status_code ?? "-"}  ${ms(a.duration_ms)}${a.error ? `  ${c.red(truncate(a.error, 200))}` : ""}`,
      );
    }
  }
}

function statusText(out: Output, status: string): string {
  const { c } = out;
  if (status === "succeeded") return c.green(status);
  if (status === "failed" || status === "dead" || status === "timeout") return c.red(status);
  return c.yellow(status);
}

export function registerTrace(program: Command): void {
  program
    .command("trace")
    .description("Show what a request (trace id tr_…, from x-trace-id) or an event did: hooks, deliveries, attempts")
    .argument("<id>", "a trace id (tr_…) or an event id")
    .addHelpText(
      "after",
      examples(
        "admin-cli trace tr_e49548ff595b4dad8e022ffb968865b6",
        "admin-cli --json trace 3e7aea47-394f-4300-be20-746cf2c84c2d",
      ),
    )
    .action(async (id: string, _options, command: Command) => {
      const { out, client } = contextOf(command);
      const api = await client();
      if (id.startsWith("tr_")) {
        const trace = await api.get<TraceView>(`/api/admin/traces/${path(id)}`);
        out.result(trace, () => {
          out.info(out.c.bold(`Trace ${trace.trace_id}`));
          out.info("Before hooks:");
          if (trace.before_hooks.length === 0) out.info(out.c.dim("  none ran"));
          for (const chain of trace.before_hooks) printChain(out, chain);
          out.info("Events:");
          if (trace.events.length === 0) out.info(out.c.dim("  none written"));
          for (const event of trace.events) printEvent(out, event);
        });
        return;
      }
      const event = await api.get<EventView>(`/api/admin/events/${path(id)}`);
      out.result(event, () => {
        out.info(out.c.bold(`Event ${event.id}`) + (event.trace_id ? out.c.dim(`  (trace ${event.trace_id})`) : ""));
        printEvent(out, event);
      });
    });
}
