/**
 * `admin-cli list | install | activate | deactivate | uninstall`: a tenant's plugins through the admin
 * API. Every change shows the platform's plan first (the same call with ?dry_run=true: what it would
 * install or change, refused exactly as the real call would be), then asks, then acts.
 */
import type { Command } from "commander";
import type {
  AvailablePlugin,
  DryRun,
  Installation,
  InstalledEntry,
  InstallResult,
  PluginState,
  TransitionResult,
} from "../api.ts";
import type { Client } from "../client.ts";
import { confirm } from "../confirm.ts";
import { CliError, usageError } from "../errors.ts";
import { inCliTerms, path, permissionsText, plural } from "../format.ts";
import type { Output } from "../output.ts";
import { contextOf, examples } from "../program.ts";
import { settingsFrom } from "../settings-input.ts";

const PLUGINS = "/api/admin/plugins";

function stateText(out: Output, state: PluginState | "available"): string {
  const { c } = out;
  return { active: c.green, inactive: c.yellow, installed: c.cyan, uninstalled: c.dim, available: c.dim }[state](state);
}

/** Runs a platform call, its advice put in CLI terms (`--cascade` rather than `cascade=true`). */
export async function call<T>(work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (error) {
    throw inCliTerms(error);
  }
}

/** The plan of a change; refuses to go on when the platform acted instead of planning. */
export async function dryRun<T extends { dry_run: true } = DryRun>(
  client: Client,
  method: "POST" | "DELETE",
  url: string,
  body?: unknown,
): Promise<T> {
  const sep = url.includes("?") ? "&" : "?";
  const planUrl = `${url}${sep}dry_run=true`;
  const plan = await call(() => (method === "POST" ? client.post<T>(planUrl, body) : client.delete<T>(planUrl)));
  if (plan?.dry_run !== true) {
    throw new CliError(
      "DRY_RUN_UNSUPPORTED",
      `The platform at ${client.connection.url} does not plan with ?dry_run=true, so it may have applied the change already; check with admin-cli list --installed, and update the platform.`,
      { details: plan },
    );
  }
  return plan;
}

export function registerPlugins(program: Command): void {
  program
    .command("list")
    .description("List the plugins available to the tenant, or with --installed those it has installed")
    .option("--installed", "only the tenant's installed plugins, with their granted permissions")
    .addHelpText("after", examples("admin-cli list", "admin-cli list --installed", "admin-cli --json list"))
    .action(async (options: { installed?: boolean }, command: Command) => {
      const { out, client } = contextOf(command);
      const api = await client();
      if (options.installed) {
        const answer = await api.get<{ plugins: Installation[] }>(`${PLUGINS}/installed`);
        out.result(answer, () => {
          if (answer.plugins.length === 0) return out.info("No plugins installed. See admin-cli list.");
          out.table([
            ["PLUGIN", "VERSION", "STATE", "CATEGORY", "PERMISSIONS"],
            ...answer.plugins.map((p) => [
              p.as_dependency ? `${p.slug} ${out.c.dim("(dependency)")}` : p.slug,
              p.version,
              stateText(out, p.state),
              p.category,
              permissionsText(p.permissions),
            ]),
          ]);
        });
        return;
      }
      const answer = await api.get<{ plugins: AvailablePlugin[] }>(`${PLUGINS}/available`);
      out.result(answer, () => {
        if (answer.plugins.length === 0)
          return out.info("The catalogue is empty: publish a plugin with admin-cli publish.");
        out.table([
          ["PLUGIN", "LATEST", "STATE", "CATEGORY", "DEPENDS ON"],
          ...answer.plugins.map((p) => [
            p.slug,
            p.latest_version,
            stateText(out, p.state),
            p.category,
            p.dependencies.map((d) => `${d.name} ${d.version}`).join(", "),
          ]),
        ]);
      });
    });

  program
    .command("install")
    .description("Install a plugin (and the dependencies it needs), after showing the plan and its permissions")
    .argument("<slug[@range]>", "the plugin, optionally with a semver range: stripe-gateway@^1.0.0")
    .option("--version <range>", "a semver range of acceptable versions (the same as slug@range)")
    .option("--config <file>", "initial settings from a JSON file")
    .option("--set <key=value...>", "initial settings (JSON values parse: retries=3, debug=true)")
    .option("--no-dependencies", "refuse, naming them, rather than install missing dependencies")
    .option("--dry-run", "show the plan only")
    .option("-y, --yes", "do not ask for confirmation (scripts)")
    .addHelpText(
      "after",
      examples(
        "admin-cli install stripe-gateway --tenant demo",
        "admin-cli install stripe-gateway@^1.0.0 --set api_key=sk_test_123 --yes",
        "admin-cli install core-utils --config core-utils.json --dry-run",
      ),
    )
    .action(
      async (
        target: string,
        options: {
          version?: string;
          config?: string;
          set?: string[];
          dependencies: boolean;
          dryRun?: boolean;
          yes?: boolean;
        },
        command: Command,
      ) => {
        const { out, client } = contextOf(command);
        const at = target.indexOf("@");
        const slug = at === -1 ? target : target.slice(0, at);
        const inline = at === -1 ? undefined : target.slice(at + 1);
        if (!slug || inline === "") throw usageError(`"${target}" is not <slug> or <slug>@<range>.`);
        if (inline && options.version && inline !== options.version) {
          throw usageError(`Two ranges given: ${slug}@${inline} and --version ${options.version}; give one.`);
        }
        const range = inline ?? options.version;
        const config = settingsFrom(options.config, options.set);
        const body = {
          ...(range ? { version: range } : {}),
          ...(Object.keys(config).length > 0 ? { config } : {}),
          install_dependencies: options.dependencies,
        };
        const api = await client();
        const url = `${PLUGINS}/${path(slug)}/install`;
        const plan = await dryRun(api, "POST", url, body);
        const entries = plan.installed ?? [];
        showInstallPlan(out, slug, entries);
        if (options.dryRun) return out.result(plan, () => {});
        const others = entries.filter((e) => e.slug !== slug).map((e) => e.slug);
        await confirm(
          `Install ${slug}${others.length > 0 ? ` with ${others.join(", ")}` : ""} and grant the permissions shown?`,
          { yes: options.yes, what: `installing ${slug}` },
        );
        const result = await out.spin(`Installing ${slug}`, () => call(() => api.post<InstallResult>(url, body)));
        out.result(result, () => {
          const mine = result.installed.find((e) => e.slug === slug);
          const deps = result.installed.filter((e) => e.slug !== slug).map((e) => `${e.slug}@${e.version}`);
          out.success(
            `Installed ${slug}@${mine?.version ?? result.plugin.version}${deps.length > 0 ? ` with ${deps.join(", ")}` : ""}; it is ${result.plugin.state}.`,
          );
          out.info(
            `Next: admin-cli config get ${slug}, then admin-cli activate ${slug}${deps.length > 0 ? " --cascade" : ""}`,
          );
        });
      },
    );

  const transitions = [
    {
      name: "activate",
      describe: "Activate an installed plugin; --cascade activates its inactive dependencies first",
      cascade: "activate its inactive dependencies first",
      method: "POST",
      url: (slug: string) => `${PLUGINS}/${path(slug)}/activate`,
      doing: "Activating",
      done: "Activated",
      note: "",
      examples: ["admin-cli activate stripe-gateway --cascade", "admin-cli activate core-utils --yes"],
    },
    {
      name: "deactivate",
      describe: "Deactivate a plugin; --cascade deactivates its active dependents too",
      cascade: "deactivate its active dependents too",
      method: "POST",
      url: (slug: string) => `${PLUGINS}/${path(slug)}/deactivate`,
      doing: "Deactivating",
      done: "Deactivated",
      note: "",
      examples: ["admin-cli deactivate stripe-gateway", "admin-cli deactivate core-utils --cascade --yes"],
    },
    {
      name: "uninstall",
      describe: "Uninstall a plugin; --cascade deactivates it and uninstalls its dependents too",
      cascade: "deactivate it and uninstall its dependents too",
      method: "DELETE",
      url: (slug: string) => `${PLUGINS}/${path(slug)}`,
      doing: "Uninstalling",
      done: "Uninstalled",
      note: "Each one's data (its database, storage objects, cache entries) is deleted.",
      examples: ["admin-cli uninstall stripe-gateway", "admin-cli uninstall core-utils --cascade --yes"],
    },
  ] as const;

  for (const t of transitions) {
    program
      .command(t.name)
      .description(t.describe)
      .argument("<slug>", "the plugin")
      .option("--cascade", t.cascade)
      .option("--dry-run", "show the plan only")
      .option("-y, --yes", "do not ask for confirmation (scripts)")
      .addHelpText("after", examples(...t.examples))
      .action(
        async (slug: string, options: { cascade?: boolean; dryRun?: boolean; yes?: boolean }, command: Command) => {
          const { out, client } = contextOf(command);
          const api = await client();
          const url = `${t.url(slug)}${options.cascade ? "?cascade=true" : ""}`;
          const plan = await dryRun(api, t.method, url);
          const changed = plan.changed ?? [];
          out.info(
            `Plan: ${t.name} ${changed.join(", then ")}${changed.length > 1 ? out.c.dim(` (${plural(changed.length, "plugin")}, in this order)`) : ""}`,
          );
          if (t.note) out.info(`  ${t.note}`);
          if (options.dryRun) return out.result(plan, () => {});
          await confirm(`${t.name[0]?.toUpperCase()}${t.name.slice(1)} ${changed.join(", ")}?`, {
            yes: options.yes,
            what: `${t.doing.toLowerCase()} ${slug}`,
          });
          const result = await out.spin(`${t.doing} ${changed.join(", ")}`, () =>
            call(() => (t.method === "POST" ? api.post<TransitionResult>(url) : api.delete<TransitionResult>(url))),
          );
          out.result(result, () => out.success(`${t.done} ${result.changed.join(", ")}.`));
        },
      );
  }
}

function showInstallPlan(out: Output, slug: string, entries: readonly InstalledEntry[]): void {
  out.info(
    `Plan: install ${slug}${entries.length > 1 ? ` and ${plural(entries.length - 1, "dependency", "dependencies")}` : ""}`,
  );
  out.table([
    ["", "PLUGIN", "VERSION", "AS", "PERMISSIONS REQUESTED"],
    ...entries.map((e) => [
      out.c.green("+"),
      e.slug,
      e.version,
      e.as_dependency ? "dependency" : "requested",
      permissionsText(e.permissions),
    ]),
  ]);
  if (entries.some((e) => e.permissions.network.length > 0 || e.permissions.capabilities.length > 0)) {
    out.info(
      "Installing grants each plugin the permissions it requests: network hosts it may call, capabilities it may use.",
    );
  }
}
