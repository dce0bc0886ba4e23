/**
 * `admin-cli publish <dir>`: bundles the plugin folder as the platform runs it (the SDK's
 * bundlePlugin) and adds that version to the catalogue. A published version never changes: the same
 * content again is a no-op, different content under the same version is refused (bump the version).
 */
import { existsSync } from "node:fs";
import { resolve } from "node:path";
import type { Command } from "commander";
import type { Published } from "../api.ts";
import { CliError, usageError } from "../errors.ts";
import { contextOf, examples } from "../program.ts";

export function registerPublish(program: Command): void {
  program
    .command("publish")
    .description("Bundle a plugin folder and publish that version to the catalogue (needs the plugins:publish scope)")
    .argument("<dir>", "the plugin folder (with manifest.ts)")
    .addHelpText(
      "after",
      examples("admin-cli publish ./plugins/my-plugin", "admin-cli --json publish ./plugins/my-plugin"),
    )
    .action(async (dir: string, _options, command: Command) => {
      const { out, client } = contextOf(command);
      if (!existsSync(resolve(dir, "manifest.ts"))) {
        throw usageError(`${dir} is not a plugin folder: it has no manifest.ts. Scaffold one with admin-cli scaffold.`);
      }
      const api = await client();
      // loaded here, not at start: esbuild and the SDK are only needed to bundle
      const { BundleError, bundlePlugin } = await import("@digital-commerce/plugin-sdk/build");
      const bundle = await out.spin(`Bundling ${dir}`, async () => {
        try {
          return await bundlePlugin(resolve(dir));
        } catch (error) {
          // an invalid manifest throws from the plugin's own copy of the SDK: no class to test, only a message
          const problems = error instanceof BundleError ? { problems: error.problems } : undefined;
          const message = error instanceof Error ? error.message : String(error);
          throw new CliError("BUNDLE_FAILED", `${message}\nRun admin-cli validate ${dir} for every problem.`, {
            details: problems,
          });
        }
      });
      const { slug, version } = bundle.manifest;
      const published = await out.spin(`Publishing ${slug}@${version}`, () =>
        api.post<Published>("/api/admin/plugins", { manifest: bundle.manifest, code: bundle.code }),
      );
      out.result(published, () => {
        const hash = out.c.dim(`sha256 ${published.hash.slice(0, 12)}…`);
        if (published.created) {
          out.success(`Published ${slug}@${version} (${hash}, ${Math.round(bundle.code.length / 1024)} KiB).`);
          out.info(`Install it with admin-cli install ${slug}`);
        } else {
          out.success(`${slug}@${version} was already published with exactly this bundle (${hash}); nothing changed.`);
        }
      });
    });
}
