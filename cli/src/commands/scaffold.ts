/** `admin-cli scaffold <category> <slug>`: writes a complete plugin of that category, ready to validate, test and publish. */
import { existsSync, mkdirSync, readdirSync, readFileSync, realpathSync, statSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join, resolve, sep } from "node:path";
import { pluginCategories, pluginCategory, pluginSlug } from "@digital-commerce/plugin-sdk";
import type { Command } from "commander";
import { usageError } from "../errors.ts";
import { shown } from "../plugin-dir.ts";
import { contextOf, examples } from "../program.ts";
import { scaffoldFiles, titleOf } from "../templates/index.ts";

interface ScaffoldOptions {
  author?: string;
  dir?: string;
  name?: string;
}

function checkedSlug(slug: string): string {
  const parsed = pluginSlug.safeParse(slug);
  if (!parsed.success) {
    const why = parsed.error.issues.map((issue) => issue.message).join("; ");
    throw usageError(`Invalid slug "${slug}": ${why}. For example: stripe-gateway.`, { slug });
  }
  return parsed.data;
}

/** A folder that does not exist yet, or is empty: scaffold never writes over anyone's files. */
function checkedTarget(dir: string): string {
  const target = resolve(dir);
  if (!existsSync(target)) return target;
  if (!statSync(target).isDirectory()) throw usageError(`${dir} exists and is not a folder; choose another --dir.`);
  if (readdirSync(target).length > 0) {
    throw usageError(`${dir} already exists and is not empty; choose another --dir, or move it away first.`, {
      dir: target,
    });
  }
  return target;
}

const SDK = "@digital-commerce/plugin-sdk";

/**
 * Whether a plugin in `target` already has the SDK's source: inside the platform's repository (plugins/,
 * or a folder whose node_modules links the repository's) the workspace links sdk/, not an installed copy,
 * so the plugin's package.json names no dependency and nothing is installed.
 */
function hasRepositorySdk(target: string): boolean {
  try {
    const found = createRequire(join(target, "package.json")).resolve(`${SDK}/package.json`);
    return !realpathSync(found).split(sep).includes("node_modules");
  } catch {
    return false;
  }
}

/** The range a plugin outside the repository depends on: the version of the SDK this CLI runs with. */
function sdkRange(): string {
  const file = createRequire(import.meta.url).resolve(`${SDK}/package.json`);
  const { version } = JSON.parse(readFileSync(file, "utf8")) as { version: string };
  return `^${version}`;
}

/** What to run after scaffolding, from the folder the command ran in: each command, and what it is for. */
function nextSteps(dir: string, installs: boolean): [command: string, note?: string][] {
  if (!installs)
    return [[`cd ${dir} && node --test`, "its tests"], [`admin-cli validate ${dir}`], [`admin-cli publish ${dir}`]];
  return [
    [`cd ${dir}`],
    ["npm install", `the SDK (${SDK}) and the tests' types`],
    ["npm test", "its tests (node --test)"],
    ["admin-cli validate .", "every problem at once"],
    ["admin-cli build .", "the bundle the platform runs"],
    ["admin-cli publish .", "to the platform you are logged in to (admin-cli login)"],
  ];
}

export function registerScaffold(program: Command): void {
  program
    .command("scaffold")
    .description("Write a complete plugin of a category, ready to test, validate and publish")
    .argument("<category>", `the plugin's category: ${pluginCategories.join(", ")}`)
    .argument("<slug>", "the plugin's slug: kebab-case, e.g. stripe-gateway")
    .option("--author <name>", "the manifest's author")
    .option("--name <name>", "the display name (default: from the slug, stripe-gateway → Stripe Gateway)")
    .option("--dir <path>", "the folder to write it to (default: plugins/<slug>); must not exist or be empty")
    .addHelpText(
      "after",
      examples(
        'admin-cli scaffold payment stripe-gateway --author "Your Name"',
        "admin-cli scaffold analytics store-metrics --dir ./my-plugins/store-metrics",
        "admin-cli --json scaffold utility core-helpers",
      ),
    )
    .action(async (categoryArg: string, slugArg: string, options: ScaffoldOptions, command: Command) => {
      const { out } = contextOf(command);
      const category = pluginCategory.safeParse(categoryArg);
      if (!category.success) {
        throw usageError(`Unknown category "${categoryArg}"; the categories are ${pluginCategories.join(", ")}.`, {
          category: categoryArg,
          categories: pluginCategories,
        });
      }
      const slug = checkedSlug(slugArg);
      const target = checkedTarget(options.dir ?? join("plugins", slug));
      const sdk = hasRepositorySdk(target) ? undefined : sdkRange();
      const names = {
        slug,
        name: options.name ?? titleOf(slug),
        category: category.data,
        ...(options.author ? { author: options.author } : {}),
      };
      const files = scaffoldFiles(names, sdk);
      for (const [path, content] of Object.entries(files)) {
        mkdirSync(dirname(join(target, path)), { recursive: true });
        writeFileSync(join(target, path), content, { flag: "wx" });
      }
      const dir = shown(target);
      const written = Object.keys(files).sort();
      const next = nextSteps(dir, sdk !== undefined);
      const commands = next.map(([command]) => command);
      out.result(
        { slug, category: category.data, dir: target, files: written, ...(sdk ? { sdk } : {}), next: commands },
        () => {
          out.success(`Scaffolded the ${category.data} plugin ${out.c.bold(slug)} in ${dir}`);
          for (const file of written) out.info(`  ${file}`);
          if (sdk) out.info(`\nIts package.json depends on ${SDK} ${sdk}.`);
          out.info("\nNext:");
          const width = Math.max(...commands.map((command) => command.length));
          for (const [command, note] of next) out.info(`  ${note ? `${command.padEnd(width)}   # ${note}` : command}`);
        },
      );
    });
}
