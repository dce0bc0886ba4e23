/**
 * `admin-cli config get|set`: a plugin's settings for the tenant. The platform masks sensitive values
 * as ******** in every answer, and the CLI never unmasks them; `set` merges into the current settings,
 * and a masked value sent back keeps what is stored, so setting one key never clears a secret.
 */
import type { Command } from "commander";
import type { ConfigView } from "../api.ts";
import { usageError } from "../errors.ts";
import { path } from "../format.ts";
import type { Output } from "../output.ts";
import { contextOf, examples } from "../program.ts";
import { settingsFrom } from "../settings-input.ts";

const configUrl = (slug: string) => `/api/admin/plugins/${path(slug)}/config`;

function showConfig(out: Output, view: ConfigView): void {
  const keys = Object.keys(view.config);
  out.info(`${out.c.bold(view.slug)}@${view.version}`);
  if (keys.length === 0) out.info("  no settings stored");
  else {
    out.table([
      ["KEY", "VALUE", ""],
      ...keys.map((k) => [
        k,
        // text as it is, except empty text, which would look like no value
        typeof view.config[k] === "string" && view.config[k] !== ""
          ? String(view.config[k])
          : JSON.stringify(view.config[k]),
        view.sensitive.includes(k) ? out.c.dim("sensitive") : "",
      ]),
    ]);
  }
  if (view.missing_required.length > 0) {
    out.warn(
      `Required before activation: ${view.missing_required.join(", ")} (admin-cli config set ${view.slug} ${view.missing_required[0]}=...)`,
    );
  }
}

export function registerConfig(program: Command): void {
  const config = program
    .command("config")
    .description("Read or change a plugin's settings (sensitive values stay masked)")
    .addHelpText(
      "after",
      examples("admin-cli config get stripe-gateway", "admin-cli config set stripe-gateway api_key=sk_test_123"),
    );

  config
    .command("get")
    .description("Show a plugin's settings, sensitive values masked, and the required ones still missing")
    .argument("<slug>", "the installed plugin")
    .addHelpText("after", examples("admin-cli config get stripe-gateway", "admin-cli --json config get stripe-gateway"))
    .action(async (slug: string, _options, command: Command) => {
      const { out, client } = contextOf(command);
      const view = await (await client()).get<ConfigView>(configUrl(slug));
      out.result(view, () => showConfig(out, view));
    });

  config
    .command("set")
    .description("Change some settings, keeping the others (values parse as JSON when they can, else are text)")
    .argument("<slug>", "the installed plugin")
    .argument("[key=value...]", "settings to change")
    .option("--file <file>", "settings from a JSON file (key=value pairs apply over it)")
    .addHelpText(
      "after",
      examples(
        "admin-cli config set stripe-gateway api_key=sk_test_123 capture=manual",
        "admin-cli config set core-utils --file core-utils.json",
        `admin-cli config set my-plugin retries=3 'hosts=["a.example.com"]' 'code="007"'`,
      ),
    )
    .action(async (slug: string, pairs: string[], options: { file?: string }, command: Command) => {
      const { out, client } = contextOf(command);
      const changes = settingsFrom(options.file, pairs);
      if (Object.keys(changes).length === 0) throw usageError("Nothing to set: give key=value pairs or --file.");
      const api = await client();
      // the whole configuration is replaced by PUT: start from the stored one, masked secrets included
      const current = await api.get<ConfigView>(configUrl(slug));
      const view = await api.put<ConfigView>(configUrl(slug), { ...current.config, ...changes });
      out.result(view, () => {
        out.success(`Saved ${Object.keys(changes).join(", ")} for ${slug}.`);
        showConfig(out, view);
      });
    });
}
