/**
 * `admin-cli add-hook <hook> <dir>`: a typed handler file for the hook and its `.hook(...)` entry in
 * manifest.ts's builder chain. Unknown hook names are refused with the closest valid ones (the
 * spec's own `before_payment_create` among them); a hook the plugin already handles is reported.
 */
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { dirname, isAbsolute, join, relative, resolve } from "node:path";
import {
  HookCatalogue,
  type HookName,
  isHookName,
  type PluginManifest,
  suggestHooks,
  unknownHookMessage,
} from "@digital-commerce/plugin-sdk";
import { addHookCall, checkPlugin, loadManifest, ManifestSourceError } from "@digital-commerce/plugin-sdk/build";
import { type Command, InvalidArgumentError } from "commander";
import { CliError, usageError } from "../errors.ts";
import type { Output } from "../output.ts";
import { pluginDirWithManifest, shown } from "../plugin-dir.ts";
import { invalidPlugin, printProblems } from "../problems.ts";
import { contextOf, examples } from "../program.ts";
import { hookHandlerPath, hookHandlerSource } from "../templates/index.ts";

interface AddHookOptions {
  handler?: string;
  priority?: number;
}

function priorityOf(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0 || n > 10_000) throw new InvalidArgumentError("must be an integer from 0 to 10000");
  return n;
}

/** The manifest as it stands; a plugin whose manifest does not load is refused with its problems. */
async function currentManifest(root: string, dir: string, out: Output) {
  try {
    return await loadManifest(root);
  } catch {
    // the same load, through the checks that explain what is wrong with it
    const check = await checkPlugin(root);
    const problems = check.problems.filter((p) => p.severity === "error");
    printProblems(out, problems);
    const error = invalidPlugin(dir, problems);
    throw new CliError(
      error.code,
      `${error.message} Fix manifest.ts before adding a hook (admin-cli validate ${dir}).`,
      {
        details: error.details,
      },
    );
  }
}

/** Writes `next` as manifest.ts and checks the hook is there once it loads; puts everything back otherwise. */
async function editManifest(root: string, hook: HookName, handler: string, next: string, created: boolean) {
  const file = join(root, "manifest.ts");
  const previous = readFileSync(file, "utf8");
  writeFileSync(file, next);
  let manifest: PluginManifest | undefined;
  let failure = "";
  try {
    manifest = await loadManifest(root);
  } catch (thrown) {
    failure = thrown instanceof Error ? thrown.message : String(thrown);
  }
  if (manifest?.hooks.some((h) => h.name === hook && h.handler === handler)) return manifest;
  writeFileSync(file, previous);
  if (created) rmSync(join(root, handler));
  throw new CliError(
    "MANIFEST_NOT_EDITABLE",
    `Adding .hook("${hook}", "${handler}") to manifest.ts did not register the hook${failure ? ` (${failure})` : ""}; manifest.ts is unchanged. Add the call to its builder chain by hand.`,
  );
}

export function registerAddHook(program: Command): void {
  program
    .command("add-hook")
    .description("Add a hook to a plugin: a typed handler file and its entry in manifest.ts")
    .argument("<hook>", "a hook of the catalogue, e.g. before_payment_process (admin-cli hooks list shows them)")
    .argument("<dir>", "the plugin's folder (holding manifest.ts)")
    .option("--handler <path>", "the handler file, relative to the folder (default: src/hooks/<hookInCamelCase>.ts)")
    .option("--priority <n>", "lower runs first; the platform's default is 100", priorityOf)
    .addHelpText(
      "after",
      examples(
        "admin-cli add-hook before_payment_process ./plugins/stripe-gateway",
        "admin-cli add-hook after_order_create . --handler src/hooks/receipt.ts --priority 50",
      ),
    )
    .action(async (hookArg: string, dirArg: string, options: AddHookOptions, command: Command) => {
      const { out } = contextOf(command);
      if (!isHookName(hookArg)) {
        throw usageError(`Cannot add ${unknownHookMessage(hookArg)}`, {
          hook: hookArg,
          suggestions: suggestHooks(hookArg),
        });
      }
      const hook = hookArg;
      const root = pluginDirWithManifest(dirArg);
      const dir = shown(root);
      const manifest = await currentManifest(root, dir, out);
      const existing = manifest.hooks.findIndex((h) => h.name === hook);
      if (existing !== -1) {
        const { handler } = manifest.hooks[existing] as { handler: string };
        throw new CliError(
          "HOOK_EXISTS",
          `${manifest.slug} already handles ${hook}, with ${handler} (manifest.ts: hooks.${existing}); nothing changed.`,
          { details: { slug: manifest.slug, hook, handler, index: existing } },
        );
      }
      const handler = (options.handler ?? hookHandlerPath(hook)).replace(/^\.\//, "");
      if (isAbsolute(handler) || relative(root, resolve(root, handler)).startsWith("..")) {
        throw usageError(
          `--handler ${handler} is outside the plugin folder; name a file inside it, e.g. src/hooks/x.ts.`,
        );
      }
      let next: string;
      try {
        next = addHookCall(readFileSync(join(root, "manifest.ts"), "utf8"), hook, handler, options.priority);
      } catch (thrown) {
        if (thrown instanceof ManifestSourceError) throw new CliError(thrown.code, thrown.message);
        throw thrown;
      }
      // an existing file is the author's: it is registered as it is, never overwritten
      const created = !existsSync(join(root, handler));
      if (created) {
        mkdirSync(dirname(join(root, handler)), { recursive: true });
        const logger = manifest.permissions.capabilities.includes("logger");
        writeFileSync(join(root, handler), hookHandlerSource(hook, { logger }));
      }
      await editManifest(root, hook, handler, next, created);
      const { kind } = HookCatalogue[hook];
      out.result({ slug: manifest.slug, hook, kind, handler, created, manifest: join(root, "manifest.ts") }, () => {
        out.success(`Added ${out.c.bold(hook)} (${kind}) to ${manifest.slug}`);
        out.info(`  ${handler}${created ? "" : " (already there, kept as it is)"}`);
        out.info(
          `  manifest.ts: .hook("${hook}", "${handler}"${options.priority === undefined ? "" : `, ${options.priority}`})`,
        );
        out.info(`Check it with: admin-cli validate ${dir}`);
      });
    });
}
