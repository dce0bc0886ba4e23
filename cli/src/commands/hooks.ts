/**
 * `admin-cli hooks list`: the hook catalogue. `admin-cli hooks run <hook> --payload file.json`: a
 * dry run of the tenant's handlers of a hook on a payload (`POST /api/admin/hooks/{hook}/run`),
 * each plugin's outcome, output and timing; nothing is committed. The hook name and the payload
 * are checked here first, against the SDK's catalogue, so a mistake costs no round trip.
 */
import { readFileSync } from "node:fs";
import {
  HookCatalogue,
  type HookName,
  hookNames,
  isHookName,
  suggestHooks,
  unknownHookMessage,
} from "@digital-commerce/plugin-sdk";
import type { Command } from "commander";
import type { HookRunResult } from "../api.ts";
import { usageError } from "../errors.ts";
import { contextOf, examples } from "../program.ts";
import { payloadTypeOf } from "../templates/hook-handler.ts";

function checkedHook(name: string): HookName {
  if (!isHookName(name)) {
    throw usageError(`Cannot run ${unknownHookMessage(name)}`, { hook: name, suggestions: suggestHooks(name) });
  }
  return name;
}

/** The payload from a file (or stdin for "-"), checked against the hook's schema; usage errors name each field. */
function checkedPayload(hook: HookName, file: string): unknown {
  let text: string;
  try {
    text = readFileSync(file === "-" ? 0 : file, "utf8");
  } catch (thrown) {
    const reason = (thrown as NodeJS.ErrnoException).code === "ENOENT" ? "does not exist" : String(thrown);
    throw usageError(`--payload ${file} ${reason}; pass a JSON file with the hook's payload, or - for stdin.`);
  }
  let payload: unknown;
  try {
    payload = JSON.parse(text);
  } catch (thrown) {
    throw usageError(`--payload ${file} is not JSON: ${thrown instanceof Error ? thrown.message : String(thrown)}`);
  }
  const parsed = HookCatalogue[hook].payload.safeParse(payload);
  if (!parsed.success) {
    const issues = parsed.error.issues.map((i) => ({ path: ["payload", ...i.path].join("."), message: i.message }));
    const lines = issues.map((i) => `  - ${i.path}: ${i.message}`).join("\n");
    throw usageError(`--payload ${file} is not a ${hook} payload (${payloadTypeOf(hook).name}):\n${lines}`, {
      hook,
      issues,
    });
  }
  return payload;
}

const compact = (value: unknown, width = 60) => {
  const text = value === undefined ? "" : JSON.stringify(value);
  return text.length > width ? `${text.slice(0, width - 1)}…` : text;
};

export function registerHooks(program: Command): void {
  const hooks = program
    .command("hooks")
    .description("The hook catalogue; dry runs of a hook's handlers on a payload")
    .addHelpText(
      "after",
      examples("admin-cli hooks list", "admin-cli hooks run before_payment_process --payload payment.json"),
    );

  hooks
    .command("list")
    .description("Every hook of the catalogue: its kind (before: inline, may veto; notification: queued) and payload")
    .addHelpText("after", examples("admin-cli hooks list", "admin-cli --json hooks list"))
    .action((_options: unknown, command: Command) => {
      const { out } = contextOf(command);
      const list = hookNames.map((name) => {
        const { kind, group, subject, description } = HookCatalogue[name];
        return { name, kind, group, subject, payload: payloadTypeOf(name).name, description };
      });
      out.result({ hooks: list }, () =>
        out.table([
          ["hook", "kind", "payload", "description"],
          ...list.map((h) => [h.name, h.kind, h.payload, h.description]),
        ]),
      );
    });

  hooks
    .command("run")
    .description(
      "Dry-run a hook on a payload against the platform: each plugin's outcome, output and timing; nothing is committed",
    )
    .argument("<hook>", "a hook of the catalogue (admin-cli hooks list)")
    .requiredOption("--payload <file>", "the payload as a JSON file, or - to read it from stdin")
    .addHelpText(
      "after",
      examples(
        `admin-cli hooks run before_payment_process --payload payment.json   # {"payment":{"amount":0.25,"currency":"USD"}}`,
        'echo \'{"product":{"title":" mug ","price":12,"currency":"USD"}}\' | admin-cli hooks run before_product_create --payload - --tenant demo',
      ),
    )
    .action(async (hookArg: string, options: { payload: string }, command: Command) => {
      const ctx = contextOf(command);
      const { out } = ctx;
      const hook = checkedHook(hookArg);
      const payload = checkedPayload(hook, options.payload);
      const client = await ctx.client();
      const run = await out.spin(`Running ${hook}`, () =>
        client.post<HookRunResult>(`/api/admin/hooks/${hook}/run`, { payload }),
      );
      out.result(run, () => {
        const took = ` in ${run.duration_ms} ms`;
        const outcome = run.kind === "before" ? `: ${run.outcome}` : "";
        out.info(`${out.c.bold(hook)} (${run.kind})${outcome}${took}; nothing was committed.`);
        if (run.steps.length === 0) {
          out.info("No active plugin of this tenant handles it.");
          return;
        }
        out.table([
          [
            "plugin",
            "version",
            "handler",
            "priority",
            "outcome",
            "ms",
            run.kind === "before" ? "output / error" : "error",
          ],
          ...run.steps.map((s) => [
            s.plugin,
            s.version,
            s.handler,
            String(s.priority),
            s.error ? out.c.red(s.outcome) : s.outcome,
            String(s.duration_ms),
            s.error ?? ("output" in s ? compact(s.output) : ""),
          ]),
        ]);
        if (run.kind === "before" && run.payload !== undefined) {
          out.info(`\nThe payload the operation would go on with:\n${JSON.stringify(run.payload, null, 2)}`);
        }
      });
    });
}
