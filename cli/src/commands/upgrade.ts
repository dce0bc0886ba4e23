/**
 * `admin-cli upgrade | rollback`: an installation moved to another version of its plugin, or back to the
 * one before its last upgrade. As with install and activate, the platform's plan comes first (the call
 * with ?dry_run=true: each plugin that moves, its changelog, how each setting carries over, the database
 * migrations, the permission changes), then a question, then the change.
 */
import type { Command } from "commander";
import type { ConfigChange, Permissions, RollbackPlan, UpgradePlan, VersionChangeResult, VersionStep } from "../api.ts";
import { confirm } from "../confirm.ts";
import { CliError } from "../errors.ts";
import { path, plural } from "../format.ts";
import type { Output } from "../output.ts";
import { contextOf, examples } from "../program.ts";
import { settingsFrom } from "../settings-input.ts";
import { call, dryRun } from "./plugins.ts";

const PLUGINS = "/api/admin/plugins";

/** Each grant on its own: `network api.stripe.com`, `capability db`, `socket tls://smtp.example.com:465`. */
function grants(p: Permissions): string[] {
  return [
    ...p.network.map((host) => `network ${host}`),
    ...p.capabilities.map((capability) => `capability ${capability}`),
    ...p.sockets.map((s) => `socket ${s.transport}://${s.host}:${s.port}`),
  ];
}

function settingText(change: ConfigChange): string {
  switch (change.change) {
    case "kept":
      return "kept";
    case "renamed":
      return `renamed from ${change.from}, value carried over`;
    case "retyped":
      return `from ${change.from}, converted ${change.from_type} → ${change.to_type}`;
    case "added":
      // no stored value to carry over: a setting new in this version, or one left at its default until now
      return change.default === undefined ? "no value" : `default ${JSON.stringify(change.default)}`;
    case "set":
      return "set by --set";
    case "removed":
      return "removed: its value is dropped";
  }
}

/**
 * The steps of an upgrade or rollback, one block per plugin that moves: the permissions a step asks for
 * stand out, since approving them is part of the change. `applied`: the steps of an upgrade that went
 * through (dev's summary of each build), only what changed, under a line that already names `root`'s move.
 */
export function showSteps(
  out: Output,
  steps: readonly VersionStep[],
  kind: "upgrade" | "rollback",
  applied?: { root: string },
): void {
  const { c } = out;
  for (const step of steps) {
    if (step.slug !== applied?.root) {
      out.info(
        `  ${c.bold(step.slug)} ${step.from} → ${c.bold(step.to)}${step.reason === "requested" ? "" : c.dim(` (${step.reason})`)}`,
      );
    }
    if (step.changelog) {
      const [first, ...rest] = step.changelog.trim().split("\n");
      out.info(`    Changelog: ${first}`);
      for (const line of rest) out.info(`               ${line}`);
    }
    const settings = applied ? step.config.filter((s) => s.change !== "kept") : step.config;
    if (kind === "rollback") out.info(`    Settings: restored as they were at ${step.to}`);
    else if (settings.length > 0) {
      const width = Math.max(...settings.map((s) => s.key.length));
      out.info("    Settings:");
      for (const s of settings) out.info(`      ${s.key.padEnd(width)}  ${settingText(s)}`);
    }
    if (step.migrations.length > 0) {
      const what = kind === "rollback" ? "to undo (their down)" : applied ? "run" : "to run";
      out.info(`    Database migrations ${what}: ${step.migrations.join(", ")}`);
    }
    const added = grants(step.permissions.added).map((g) => `+ ${g}`);
    const removed = grants(step.permissions.removed).map((g) => `- ${g}`);
    if (added.length > 0) {
      const line = applied
        ? `Permissions approved: ${added.join(", ")}`
        : `Permissions asked for: ${added.join(", ")}${kind === "upgrade" ? " (not granted now: needs approval)" : ""}`;
      out.info(`    ${c.yellow(c.bold(line))}`);
    }
    if (removed.length > 0) out.info(`    Permissions withdrawn: ${removed.join(", ")}`);
    if (added.length === 0 && removed.length === 0 && !applied) out.info("    Permissions: unchanged");
  }
}

/** `stripe-gateway 2.0.0 → 2.1.0 (with core-utils 1.3.0 → 1.4.0)`. */
function moves(slug: string, steps: readonly VersionStep[]): string {
  const mine = steps.find((s) => s.slug === slug);
  const others = steps.filter((s) => s.slug !== slug).map((s) => `${s.slug} ${s.from} → ${s.to}`);
  return `${slug}${mine ? ` ${mine.from} → ${mine.to}` : ""}${others.length > 0 ? ` (with ${others.join(", ")})` : ""}`;
}

/**
 * The upgrade's refusals with their advice in CLI terms: `--approve-permissions` and `--dry-run` rather
 * than the body field and query, and the settings a new version needs as `--set` flags.
 */
function inUpgradeTerms(error: unknown, slug: string): unknown {
  if (!(error instanceof CliError)) return error;
  let message = error.message
    .replace(/approve_permissions: true/g, "--approve-permissions")
    .replace(/dry_run=true/g, "--dry-run");
  if (error.code === "INVALID_CONFIGURATION") {
    const issues = (error.details as { issues?: { field?: string; message?: string }[] } | undefined)?.issues ?? [];
    const needed = issues
      .filter((i) => i.field?.startsWith("config.") && !i.message?.startsWith("is not a setting"))
      .map((i) => (i.field as string).slice("config.".length));
    if (needed.length > 0) {
      message += `\nGive the new version's value${needed.length === 1 ? "" : "s"} with --set: admin-cli upgrade ${slug} ${needed.map((k) => `--set ${k}=…`).join(" ")}`;
    }
  }
  return message === error.message
    ? error
    : new CliError(error.code, message, { exitCode: error.exitCode, details: error.details });
}

async function upgradeCall<T>(slug: string, work: () => Promise<T>): Promise<T> {
  try {
    return await call(work);
  } catch (error) {
    throw inUpgradeTerms(error, slug);
  }
}

interface UpgradeOptions {
  to?: string;
  config?: string;
  set?: string[];
  approvePermissions?: boolean;
  dryRun?: boolean;
  yes?: boolean;
}

export function registerUpgrade(program: Command): void {
  program
    .command("upgrade")
    .description(
      "Move an installed plugin to another version, after showing the plan: settings, migrations, permissions",
    )
    .argument("<slug>", "the installed plugin")
    .option(
      "--to <version|range>",
      "an exact version, or a semver range whose newest allowed version wins (default: the newest)",
    )
    .option("--config <file>", "settings for the new version from a JSON file (the others carry over)")
    .option("--set <key=value...>", "settings for the new version (JSON values parse: retries=3, debug=true)")
    .option("--approve-permissions", "approve the permissions the new version asks for beyond those granted now")
    .option("--dry-run", "show the plan only")
    .option("-y, --yes", "do not ask for confirmation (scripts); new permissions still need --approve-permissions")
    .addHelpText(
      "after",
      examples(
        "admin-cli upgrade stripe-gateway --dry-run",
        "admin-cli upgrade stripe-gateway --to 2.1.0",
        "admin-cli upgrade stripe-gateway --to ^2.0.0 --set capture_mode=manual --approve-permissions --yes",
      ),
    )
    .action(async (slug: string, options: UpgradeOptions, command: Command) => {
      const { out, client } = contextOf(command);
      const config = settingsFrom(options.config, options.set);
      const body = {
        ...(options.to ? { version: options.to } : {}),
        ...(Object.keys(config).length > 0 ? { config } : {}),
      };
      const api = await client();
      const url = `${PLUGINS}/${path(slug)}/upgrade`;
      const plan = await upgradeCall(slug, () => dryRun<UpgradePlan>(api, "POST", url, body));
      const target = plan.steps.find((s) => s.slug === slug);
      out.info(`Plan: upgrade ${moves(slug, plan.steps)}`);
      showSteps(out, plan.steps, "upgrade");
      if (options.dryRun) return out.result(plan, () => {});
      // at a terminal, one question covers the change and its new permissions; --yes never approves them
      const asking = plan.approval_needed && !options.approvePermissions;
      const others = plan.steps.filter((s) => s.slug !== slug).map((s) => s.slug);
      await confirm(
        `Upgrade ${slug} to ${target?.to ?? "the version shown"}${others.length > 0 ? ` with ${others.join(", ")}` : ""}${asking ? " and grant the new permissions shown" : ""}?`,
        { yes: options.yes, what: `upgrading ${slug}` },
      );
      const approve = Boolean(options.approvePermissions) || (asking && !options.yes);
      const result = await out.spin(`Upgrading ${slug}`, () =>
        upgradeCall(slug, () => api.post<VersionChangeResult>(url, { ...body, approve_permissions: approve })),
      );
      out.result(result, () => {
        out.success(`Upgraded ${moves(slug, result.steps)}; it is ${result.plugin.state}.`);
        out.info(`Undo it with admin-cli rollback ${slug}`);
      });
    });

  program
    .command("rollback")
    .description("Undo a plugin's last upgrade: the earlier version with its settings, permissions and database")
    .argument("<slug>", "the installed plugin")
    .option("--dry-run", "show the plan only")
    .option("-y, --yes", "do not ask for confirmation (scripts)")
    .addHelpText(
      "after",
      examples("admin-cli rollback stripe-gateway --dry-run", "admin-cli rollback stripe-gateway --yes"),
    )
    .action(async (slug: string, options: { dryRun?: boolean; yes?: boolean }, command: Command) => {
      const { out, client } = contextOf(command);
      const api = await client();
      const url = `${PLUGINS}/${path(slug)}/rollback`;
      const plan = await dryRun<RollbackPlan>(api, "POST", url);
      const target = plan.steps.find((s) => s.slug === slug);
      out.info(
        `Plan: roll back ${moves(slug, plan.steps)}${plan.steps.length > 1 ? out.c.dim(` (${plural(plan.steps.length, "plugin")}, as the upgrade moved them)`) : ""}`,
      );
      showSteps(out, plan.steps, "rollback");
      if (options.dryRun) return out.result(plan, () => {});
      await confirm(`Roll ${slug} back to ${target?.to ?? "the version shown"}?`, {
        yes: options.yes,
        what: `rolling back ${slug}`,
      });
      const result = await out.spin(`Rolling back ${slug}`, () => call(() => api.post<VersionChangeResult>(url)));
      out.result(result, () => out.success(`Rolled back ${moves(slug, result.steps)}; it is ${result.plugin.state}.`));
    });
}
