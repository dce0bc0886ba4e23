/** `admin-cli build <dir>`: the bundle the platform runs, checked first; written as `{ manifest, code, hash }` with --out. */
import { writeFileSync } from "node:fs";
import { resolve } from "node:path";
import { checkPlugin, type PluginBundle } from "@digital-commerce/plugin-sdk/build";
import type { Command } from "commander";
import { CliError } from "../errors.ts";
import { pluginDirWithManifest, shown } from "../plugin-dir.ts";
import { invalidPlugin, printProblems } from "../problems.ts";
import { contextOf, examples } from "../program.ts";

/** What build reports of a bundle: everything but the code itself. */
export function bundleSummary(bundle: PluginBundle) {
  return {
    slug: bundle.manifest.slug,
    version: bundle.manifest.version,
    hash: bundle.hash,
    bytes: new TextEncoder().encode(bundle.code).byteLength,
  };
}

export const kilobytes = (bytes: number) => `${(bytes / 1024).toFixed(1)} KB`;

export function registerBuild(program: Command): void {
  program
    .command("build")
    .description("Bundle a plugin as the platform runs it; print its slug, version, hash and size")
    .argument("<dir>", "the plugin's folder (holding manifest.ts)")
    .option("--out <file>", "write the bundle there as JSON: { manifest, code, hash }, the body publish sends")
    .addHelpText(
      "after",
      examples(
        "admin-cli build ./plugins/stripe-gateway",
        "admin-cli build ./plugins/stripe-gateway --out stripe-gateway.json",
      ),
    )
    .action(async (dirArg: string, options: { out?: string }, command: Command) => {
      const { out } = contextOf(command);
      const root = pluginDirWithManifest(dirArg);
      const dir = shown(root);
      const check = await out.spin(`Building ${dir}`, () => checkPlugin(root));
      printProblems(out, check.problems);
      if (!check.ok) throw invalidPlugin(dir, check.problems);
      if (!check.bundle) throw new CliError("INTERNAL", `${dir} passed its checks but no bundle came out of them.`);
      const summary = bundleSummary(check.bundle);
      const file = options.out ? resolve(options.out) : undefined;
      if (file) {
        const { manifest, code, hash } = check.bundle;
        writeFileSync(file, `${JSON.stringify({ manifest, code, hash })}\n`);
      }
      out.result({ ...summary, ...(file ? { out: file } : {}) }, () => {
        out.success(`Built ${out.c.bold(`${summary.slug}@${summary.version}`)} from ${dir}`);
        out.table([
          ["slug", "version", "hash", "size"],
          [summary.slug, summary.version, summary.hash, kilobytes(summary.bytes)],
        ]);
        if (file) out.info(`Wrote ${shown(file)}`);
      });
    });
}
