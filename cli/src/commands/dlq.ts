/**
 * `admin-cli dlq list|replay|purge`: deliveries whose attempts were spent. A replay gives a delivery a
 * fresh run of attempts under the same id (so plugins deduplicate on the same idempotency key); a
 * purge forgets letters for good, so it asks first.
 */
import type { Command } from "commander";
import type { DeadLetter, PurgeResult, ReplayResult } from "../api.ts";
import { confirm } from "../confirm.ts";
import { usageError } from "../errors.ts";
import { path, plural, time, truncate } from "../format.ts";
import type { Output } from "../output.ts";
import { contextOf, examples } from "../program.ts";

const LETTERS = "/api/admin/dead-letters";
/** How many letters GET /api/admin/dead-letters answers at most. */
const LIST_LIMIT = 100;

interface Filter {
  plugin?: string;
  hook?: string;
}

function query(filter: Filter & { all?: boolean }): string {
  const params = new URLSearchParams();
  if (filter.plugin) params.set("plugin", filter.plugin);
  if (filter.hook) params.set("hook", filter.hook);
  if (filter.all) params.set("all", "true");
  const text = params.toString();
  return text ? `?${text}` : "";
}

/** One letter id, or a plugin (and optionally a hook): never both, never neither. */
function target(id: string | undefined, filter: Filter, verb: string): void {
  if (id && (filter.plugin || filter.hook))
    throw usageError(`${verb} either one letter by id or --plugin's letters, not both.`);
  if (!id && !filter.plugin)
    throw usageError(`${verb} what? Give a dead letter's id, or --plugin <slug> [--hook <hook>].`);
}

/** One block per letter: ids and errors are too long for a table's columns. */
function letterList(out: Output, letters: readonly DeadLetter[]): void {
  const { c } = out;
  for (const l of letters) {
    out.info(c.bold(l.id));
    out.info(
      `  ${[l.plugin_slug ?? l.queue, l.hook, plural(l.attempts, "attempt"), `dead since ${time(l.created_at)}`, l.replayed_at ? c.yellow(`replayed ${time(l.replayed_at)}`) : ""].filter(Boolean).join(" · ")}`,
    );
    if (l.last_error) out.info(`  ${c.red(truncate(l.last_error, 200))}`);
  }
}

function showReplay(out: Output, result: ReplayResult): void {
  if (result.replayed.length > 0)
    out.success(`Replayed ${plural(result.replayed.length, "dead letter")}: ${result.replayed.join(", ")}`);
  else out.info("Nothing replayed.");
  for (const s of result.skipped) out.warn(`Skipped ${s.id}: ${s.reason}`);
}

export function registerDlq(program: Command): void {
  const dlq = program
    .command("dlq")
    .description("Dead letters: deliveries whose attempts were spent; list, replay, purge")
    .addHelpText("after", examples("admin-cli dlq list --plugin audit-log", "admin-cli dlq replay --plugin audit-log"));

  dlq
    .command("list")
    .description("List open dead letters, newest first (--all includes replayed ones)")
    .option("--plugin <slug>", "only this plugin's")
    .option("--hook <hook>", "only this hook's")
    .option("--all", "include letters already replayed")
    .addHelpText(
      "after",
      examples("admin-cli dlq list", "admin-cli dlq list --plugin audit-log --hook after_order_create --all"),
    )
    .action(async (options: Filter & { all?: boolean }, command: Command) => {
      const { out, client } = contextOf(command);
      const answer = await (await client()).get<{ dead_letters: DeadLetter[] }>(`${LETTERS}${query(options)}`);
      out.result(answer, () => {
        if (answer.dead_letters.length === 0) return out.info("No dead letters.");
        letterList(out, answer.dead_letters);
      });
    });

  dlq
    .command("replay")
    .description("Replay one dead letter, or every open one of a plugin (and hook): a fresh run of attempts")
    .argument("[id]", "the dead letter")
    .option("--plugin <slug>", "every open letter of this plugin")
    .option("--hook <hook>", "with --plugin: only this hook's")
    .addHelpText(
      "after",
      examples(
        "admin-cli dlq replay dlv_3e7a…_audit-log_after_order_create.1",
        "admin-cli dlq replay --plugin audit-log --hook after_order_create",
      ),
    )
    .action(async (id: string | undefined, options: Filter, command: Command) => {
      const { out, client } = contextOf(command);
      target(id, options, "Replay");
      const api = await client();
      const result = id
        ? await api.post<ReplayResult>(`${LETTERS}/${path(id)}/replay`)
        : await out.spin(`Replaying ${options.plugin}'s dead letters`, () =>
            api.post<ReplayResult>(`${LETTERS}/replay`, {
              plugin: options.plugin,
              ...(options.hook ? { hook: options.hook } : {}),
            }),
          );
      out.result(result, () => showReplay(out, result));
    });

  dlq
    .command("purge")
    .description("Delete one dead letter, or every open one of a plugin (and hook), for good")
    .argument("[id]", "the dead letter")
    .option("--plugin <slug>", "every open letter of this plugin")
    .option("--hook <hook>", "with --plugin: only this hook's")
    .option("-y, --yes", "do not ask for confirmation (scripts)")
    .addHelpText(
      "after",
      examples(
        "admin-cli dlq purge dlv_3e7a…_audit-log_after_order_create.1",
        "admin-cli dlq purge --plugin audit-log --yes",
      ),
    )
    .action(async (id: string | undefined, options: Filter & { yes?: boolean }, command: Command) => {
      const { out, client } = contextOf(command);
      target(id, options, "Purge");
      const api = await client();
      let url: string;
      if (id) {
        url = `${LETTERS}/${path(id)}`;
        await confirm(`Purge dead letter ${id}? It cannot be replayed afterwards.`, {
          yes: options.yes,
          what: `purging ${id}`,
        });
      } else {
        const filter = { plugin: options.plugin, hook: options.hook };
        const { dead_letters: letters } = await api.get<{ dead_letters: DeadLetter[] }>(`${LETTERS}${query(filter)}`);
        if (letters.length === 0) {
          return out.result({ purged: 0 }, () => out.info("No open dead letters match; nothing purged."));
        }
        // the list stops at the platform's page of 100; the purge takes every match
        const count =
          letters.length >= LIST_LIMIT
            ? `${LIST_LIMIT} or more open dead letters`
            : plural(letters.length, "open dead letter");
        out.info(`Plan: purge ${count}`);
        letterList(out, letters);
        await confirm(`Purge ${count} for good?`, {
          yes: options.yes,
          what: `purging ${options.plugin}'s dead letters`,
        });
        url = `${LETTERS}${query(filter)}`;
      }
      const result = await api.delete<PurgeResult>(url);
      out.result(result, () => out.success(`Purged ${plural(result.purged, "dead letter")}.`));
    });
}
