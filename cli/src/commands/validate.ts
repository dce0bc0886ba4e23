/** `admin-cli validate <dir>`: every problem of a plugin folder at once, each with its file and path. */
import { checkPlugin } from "@digital-commerce/plugin-sdk/build";
import type { Command } from "commander";
import { pluginDir, shown } from "../plugin-dir.ts";
import { invalidPlugin, printProblems } from "../problems.ts";
import { contextOf, examples } from "../program.ts";

export function registerValidate(program: Command): void {
  program
    .command("validate")
    .description("Check a plugin folder and report every problem, each with its file and path")
    .argument("<dir>", "the plugin's folder (holding manifest.ts)")
    .addHelpText(
      "after",
      examples(
        "admin-cli validate ./plugins/stripe-gateway",
        "admin-cli --json validate . | jq '.error.details.problems'",
      ),
    )
    .action(async (dirArg: string, _options: unknown, command: Command) => {
      const { out } = contextOf(command);
      const root = pluginDir(dirArg);
      const dir = shown(root);
      const check = await out.spin(`Checking ${dir}`, () => checkPlugin(root));
      printProblems(out, check.problems);
      if (!check.ok) throw invalidPlugin(dir, check.problems);
      const { manifest, bundle } = check;
      out.result(
        {
          dir: root,
          ok: true,
          slug: manifest?.slug,
          version: manifest?.version,
          hash: bundle?.hash,
          problems: check.problems,
        },
        () =>
          out.success(
            `${dir}: ${manifest?.slug}@${manifest?.version} is valid${check.problems.length > 0 ? ` (${check.problems.length} warning${check.problems.length === 1 ? "" : "s"})` : ""}; its bundle builds.`,
          ),
      );
    });
}
