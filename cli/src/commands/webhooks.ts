/**
 * `admin-cli webhooks list|add|rotate|replay|deliveries|disable|enable`: the tenant's outbound webhook
 * endpoints (api/src/webhooks/README.md). A signing secret is shown once, by add and rotate.
 */
import type { Command } from "commander";
import type { CreatedEndpoint, RotatedSecret, WebhookDelivery, WebhookEndpoint, WebhookReplayResult } from "../api.ts";
import { usageError } from "../errors.ts";
import { ms, path, plural, time, truncate } from "../format.ts";
import type { Output } from "../output.ts";
import { contextOf, examples } from "../program.ts";

const WEBHOOKS = "/api/admin/webhooks";

function stateOf(out: Output, e: WebhookEndpoint): string {
  if (e.enabled) return out.c.green("enabled");
  return out.c.red(`disabled${e.disabled_reason ? ` (${e.disabled_reason})` : ""}`);
}

function showSecret(out: Output, secret: string): void {
  out.info(`Signing secret: ${out.c.bold(secret)}`);
  out.warn("This is the only time the secret is shown: store it now (the receiver verifies signatures with it).");
}

function integer(name: string) {
  return (value: string): number => {
    if (!/^\d+$/.test(value)) throw usageError(`${name} must be a whole number of seconds, not "${value}".`);
    return Number(value);
  };
}

export function registerWebhooks(program: Command): void {
  const webhooks = program
    .command("webhooks")
    .description("Outbound webhook endpoints: list, add, rotate a secret, replay, deliveries, disable, enable")
    .addHelpText(
      "after",
      examples(
        "admin-cli webhooks add https://erp.example.com/hooks --events after_order_create",
        "admin-cli webhooks list",
      ),
    );

  webhooks
    .command("list")
    .description("List the tenant's webhook endpoints")
    .addHelpText("after", examples("admin-cli webhooks list", "admin-cli --json webhooks list"))
    .action(async (_options, command: Command) => {
      const { out, client } = contextOf(command);
      const answer = await (await client()).get<{ endpoints: WebhookEndpoint[] }>(WEBHOOKS);
      out.result(answer, () => {
        if (answer.endpoints.length === 0)
          return out.info("No webhook endpoints. Add one with admin-cli webhooks add.");
        out.table([
          ["ID", "URL", "EVENTS", "STATE", "FAILURES", "DESCRIPTION"],
          ...answer.endpoints.map((e) => [
            e.id,
            e.url,
            e.events.join(","),
            stateOf(out, e),
            String(e.consecutive_failures),
            truncate(e.description, 40),
          ]),
        ]);
      });
    });

  webhooks
    .command("add")
    .description("Register an endpoint; prints its signing secret, once")
    .argument("<url>", "where deliveries are POSTed")
    .requiredOption("--events <types>", "comma-separated: notification hooks, event:<name>, or * for all")
    .option("--description <text>", "what the endpoint is for")
    .addHelpText(
      "after",
      examples(
        "admin-cli webhooks add https://erp.example.com/hooks --events after_order_create,after_order_complete",
        'admin-cli webhooks add http://127.0.0.1:9000/orders --events "*" --description "local receiver"',
      ),
    )
    .action(async (url: string, options: { events: string; description?: string }, command: Command) => {
      const { out, client } = contextOf(command);
      const events = options.events
        .split(",")
        .map((e) => e.trim())
        .filter(Boolean);
      if (events.length === 0) throw usageError("--events needs at least one event type, e.g. after_order_create.");
      const created = await (await client()).post<CreatedEndpoint>(WEBHOOKS, {
        url,
        events,
        ...(options.description ? { description: options.description } : {}),
      });
      out.result(created, () => {
        out.success(`Added ${created.endpoint.id} → ${created.endpoint.url} (${created.endpoint.events.join(", ")})`);
        showSecret(out, created.secret);
      });
    });

  webhooks
    .command("rotate")
    .description("Replace an endpoint's signing secret; the old one keeps signing too during the overlap")
    .argument("<id>", "the endpoint (ep_…)")
    .option(
      "--overlap <seconds>",
      "how long the old secret keeps signing (default 86400, at most 604800)",
      integer("--overlap"),
    )
    .addHelpText(
      "after",
      examples(
        "admin-cli webhooks rotate ep_6f1c0c8e2b8d4b6f9a8e5d3c2b1a0f9e",
        "admin-cli webhooks rotate ep_… --overlap 3600",
      ),
    )
    .action(async (id: string, options: { overlap?: number }, command: Command) => {
      const { out, client } = contextOf(command);
      const rotated = await (await client()).post<RotatedSecret>(
        `${WEBHOOKS}/${path(id)}/rotate-secret`,
        options.overlap === undefined ? {} : { overlap_seconds: options.overlap },
      );
      out.result(rotated, () => {
        out.success(
          `Rotated the secret of ${id}${rotated.previous_secret_until ? `; the previous one signs too until ${time(rotated.previous_secret_until)}` : ""}.`,
        );
        showSecret(out, rotated.secret);
      });
    });

  webhooks
    .command("replay")
    .description("Send an endpoint's failed and skipped deliveries again, each on a fresh schedule")
    .argument("<id>", "the endpoint (ep_…)")
    .option("--since <iso-time>", "only deliveries created at or after this time, e.g. 2026-11-26T10:00:00Z")
    .addHelpText(
      "after",
      examples("admin-cli webhooks replay ep_…", "admin-cli webhooks replay ep_… --since 2026-11-26T10:00:00Z"),
    )
    .action(async (id: string, options: { since?: string }, command: Command) => {
      const { out, client } = contextOf(command);
      if (options.since !== undefined && Number.isNaN(Date.parse(options.since))) {
        throw usageError(`--since must be an ISO time like 2026-11-26T10:00:00Z, not "${options.since}".`);
      }
      const api = await client();
      const result = await out.spin(`Replaying ${id}'s deliveries`, () =>
        api.post<WebhookReplayResult>(`${WEBHOOKS}/${path(id)}/replay`, options.since ? { since: options.since } : {}),
      );
      out.result(result, () => {
        out.success(`Replayed ${plural(result.replayed, "delivery", "deliveries")} of ${id}.`);
        if (result.remaining > 0) out.info(`${result.remaining} more remain: run the command again.`);
      });
    });

  webhooks
    .command("deliveries")
    .description("An endpoint's recent deliveries, newest first, each with every attempt")
    .argument("<id>", "the endpoint (ep_…)")
    .option("--status <status>", "pending, succeeded, failed or skipped")
    .option("--limit <n>", "how many (default 50, at most 200)", integer("--limit"))
    .addHelpText("after", examples("admin-cli webhooks deliveries ep_… --status failed --limit 10"))
    .action(async (id: string, options: { status?: string; limit?: number }, command: Command) => {
      const { out, client } = contextOf(command);
      const params = new URLSearchParams();
      if (options.status) params.set("status", options.status);
      if (options.limit !== undefined) params.set("limit", String(options.limit));
      const qs = params.toString();
      const answer = await (await client()).get<{ deliveries: WebhookDelivery[] }>(
        `${WEBHOOKS}/${path(id)}/deliveries${qs ? `?${qs}` : ""}`,
      );
      out.result(answer, () => {
        if (answer.deliveries.length === 0) return out.info("No deliveries.");
        for (const d of answer.deliveries) {
          out.info(`${out.c.bold(d.event_type)}  ${d.status}  ${out.c.dim(d.id)}  ${time(d.created_at)}`);
          for (const a of d.attempts) {
            out.info(
              `    #${a.attempt} ${time(a.started_at)}  ${a.outcome}  ${a.status_code ?? "-"}  ${ms(a.duration_ms)}${a.error ? `  ${out.c.red(truncate(a.error, 80))}` : ""}`,
            );
          }
        }
      });
    });

  webhooks
    .command("disable")
    .description("Stop delivering to an endpoint: its events are recorded as skipped until it is enabled")
    .argument("<id>", "the endpoint (ep_…)")
    .addHelpText("after", examples("admin-cli webhooks disable ep_…"))
    .action(async (id: string, _options, command: Command) => {
      const { out, client } = contextOf(command);
      const endpoint = await (await client()).patch<WebhookEndpoint>(`${WEBHOOKS}/${path(id)}`, { enabled: false });
      out.result(endpoint, () => out.success(`Disabled ${id}; admin-cli webhooks enable ${id} resumes it.`));
    });

  webhooks
    .command("enable")
    .description("Re-enable an endpoint (disabled by hand or by failing) and reset its failure count")
    .argument("<id>", "the endpoint (ep_…)")
    .addHelpText("after", examples("admin-cli webhooks enable ep_…", "admin-cli webhooks replay ep_…"))
    .action(async (id: string, _options, command: Command) => {
      const { out, client } = contextOf(command);
      const answer = await (await client()).post<unknown>(`${WEBHOOKS}/${path(id)}/enable`);
      out.result(answer, () =>
        out.success(`Enabled ${id}; replay what it missed with admin-cli webhooks replay ${id}.`),
      );
    });
}
