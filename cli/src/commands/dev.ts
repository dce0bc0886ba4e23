/**
 * `admin-cli dev <dir>`: watches a plugin folder and, on every change, checks and bundles it and
 * publishes it to the platform (`POST /api/admin/plugins`), until Ctrl-C. A published version
 * never changes, so changed code under the same version is refused (409 VERSION_EXISTS): dev
 * says to bump the version, or with --bump bumps the patch version in manifest.ts itself.
 */
import { type FSWatcher, readFileSync, watch, writeFileSync } from "node:fs";
import { join } from "node:path";
import { checkPlugin, type PluginProblem, setVersionCall } from "@digital-commerce/plugin-sdk/build";
import type { Command } from "commander";
import type { Published } from "../api.ts";
import type { Client } from "../client.ts";
import { CliError } from "../errors.ts";
import type { Output } from "../output.ts";
import { pluginDirWithManifest, shown } from "../plugin-dir.ts";
import { printProblems } from "../problems.ts";
import { contextOf, examples } from "../program.ts";
import { bundleSummary, kilobytes } from "./build.ts";

interface DevOptions {
  bump?: boolean;
  once?: boolean;
  publish: boolean;
}

type Summary = ReturnType<typeof bundleSummary>;

/** What one round of check, bundle and publish came to. */
type Outcome =
  | { event: "invalid"; problems: PluginProblem[] }
  | ({ event: "built" } & Summary)
  | ({ event: "published"; created: boolean; bumped_from?: string } & Summary)
  | { event: "version_exists"; slug: string; version: string; message: string }
  | { event: "failed"; code: string; message: string }
  | { event: "unchanged" };

// a folder's own tooling writes there all the time; none of it is the plugin
const IGNORED = /(^|[/\\])(node_modules|\.[^/\\]+)([/\\]|$)/;
const DEBOUNCE_MS = 150;
const MAX_BUMPS = 20;

/** `1.2.3` → `1.2.4`; the platform names the next version itself in VERSION_EXISTS, this is for when it does not. */
function nextPatch(version: string): string {
  const [, major, minor, patch] = /^(\d+)\.(\d+)\.(\d+)/.exec(version) ?? [];
  return major === undefined ? version : `${major}.${minor}.${Number(patch) + 1}`;
}

/** A round of dev: check and bundle the folder, then publish it, bumping the version first when asked and needed. */
function devRound(root: string, options: DevOptions, client: Client | null): () => Promise<Outcome> {
  let published = "";
  async function round(): Promise<Outcome> {
    let bumpedFrom: string | undefined;
    for (let bumps = 0; ; bumps++) {
      const check = await checkPlugin(root);
      if (!check.ok || !check.bundle) return { event: "invalid", problems: check.problems };
      const { manifest, code, hash } = check.bundle;
      const summary = bundleSummary(check.bundle);
      if (!client) return { event: "built", ...summary };
      const identity = `${hash} ${JSON.stringify(manifest)}`;
      // our own --bump write, an editor saving twice: the platform has this already
      if (identity === published) return { event: "unchanged" };
      try {
        const answer = await client.post<Published>("/api/admin/plugins", { manifest, code });
        published = identity;
        return {
          event: "published",
          ...summary,
          created: answer.created,
          ...(bumpedFrom ? { bumped_from: bumpedFrom } : {}),
        };
      } catch (thrown) {
        if (!(thrown instanceof CliError)) throw thrown;
        if (thrown.code !== "VERSION_EXISTS") return { event: "failed", code: thrown.code, message: thrown.message };
        if (!options.bump || bumps >= MAX_BUMPS) {
          const message = `${manifest.slug}@${manifest.version} is already published with other content, and a published version never changes. Bump the version in manifest.ts, or run admin-cli dev with --bump.`;
          return { event: "version_exists", slug: manifest.slug, version: manifest.version, message };
        }
        const next =
          (thrown.details as { next_version?: string } | undefined)?.next_version ?? nextPatch(manifest.version);
        const file = join(root, "manifest.ts");
        writeFileSync(file, setVersionCall(readFileSync(file, "utf8"), next));
        bumpedFrom ??= manifest.version;
      }
    }
  }
  return round;
}

function describe(out: Output, outcome: Outcome): void {
  const time = new Date().toLocaleTimeString();
  switch (outcome.event) {
    case "invalid":
      printProblems(out, outcome.problems);
      out.info(`${out.c.red("✖")} ${time} not published: fix the problems above`);
      return;
    case "built":
      out.success(
        `${time} built ${outcome.slug}@${outcome.version} (${outcome.hash.slice(0, 12)}, ${kilobytes(outcome.bytes)})`,
      );
      return;
    case "published": {
      const bumped = outcome.bumped_from ? `, bumped from ${outcome.bumped_from}` : "";
      const what = outcome.created ? "published" : "already published";
      out.success(
        `${time} ${what} ${out.c.bold(`${outcome.slug}@${outcome.version}`)} (${outcome.hash.slice(0, 12)}, ${kilobytes(outcome.bytes)}${bumped})`,
      );
      return;
    }
    case "version_exists":
      out.warn(`${time} ${outcome.message}`);
      return;
    case "failed":
      out.warn(`${time} not published: ${outcome.message}`);
      return;
    case "unchanged":
      return;
  }
}

/**
 * Runs `work` now and after every change under `root` (debounced, one run at a time, a change during
 * a run running it once more) until Ctrl-C or SIGTERM; `signal` is aborted then, so a run still in
 * flight reports nothing. Rejects when `work` throws.
 */
function untilInterrupted(root: string, work: (signal: AbortSignal) => Promise<void>): Promise<void> {
  const stopping = new AbortController();
  return new Promise<void>((resolveStopped, rejectStopped) => {
    let running = false;
    let again = false;
    let timer: NodeJS.Timeout | undefined;
    const stop = () => {
      stopping.abort();
      clearTimeout(timer);
      watcher.close();
      process.off("SIGINT", interrupted);
      process.off("SIGTERM", interrupted);
    };
    const interrupted = () => {
      stop();
      resolveStopped();
    };
    const run = async () => {
      if (running) {
        again = true;
        return;
      }
      running = true;
      try {
        do {
          again = false;
          await work(stopping.signal);
        } while (again && !stopping.signal.aborted);
      } catch (thrown) {
        stop();
        rejectStopped(thrown);
      } finally {
        running = false;
      }
    };
    const watcher: FSWatcher = watch(root, { recursive: true }, (_event, file) => {
      if (stopping.signal.aborted || (file && IGNORED.test(file))) return;
      clearTimeout(timer);
      timer = setTimeout(run, DEBOUNCE_MS);
    });
    process.on("SIGINT", interrupted);
    process.on("SIGTERM", interrupted);
    void run();
  });
}

export function registerDev(program: Command): void {
  program
    .command("dev")
    .description("Rebuild and republish a plugin on every change of its folder (Ctrl-C stops)")
    .argument("<dir>", "the plugin's folder (holding manifest.ts)")
    .option("--bump", "when the version is already published with other content, bump its patch version in manifest.ts")
    .option("--once", "check, bundle and publish once, then exit (0 when published)")
    .option("--no-publish", "only check and bundle on every change: no platform needed")
    .addHelpText(
      "after",
      [
        examples(
          "admin-cli dev ./plugins/stripe-gateway --bump",
          "admin-cli dev . --no-publish",
          "admin-cli dev . --once",
        ),
        "With --json, each round is one JSON document on its own line: {event: built|published|invalid|version_exists|failed, ...}.",
      ].join("\n"),
    )
    .action(async (dirArg: string, options: DevOptions, command: Command) => {
      const ctx = contextOf(command);
      const { out } = ctx;
      const root = pluginDirWithManifest(dirArg);
      const dir = shown(root);
      if (options.publish && !ctx.connection().token) {
        throw new CliError(
          "NOT_LOGGED_IN",
          `No API token for ${ctx.connection().url} to publish with: run admin-cli login --token <token> (or pass --token), or watch without publishing: admin-cli dev ${dir} --no-publish.`,
        );
      }
      const client = options.publish ? await ctx.client() : null;
      const round = devRound(root, options, client);

      if (options.once) {
        const outcome = await out.spin(`Publishing ${dir}`, round);
        if (outcome.event === "invalid") {
          printProblems(out, outcome.problems);
          throw new CliError("INVALID_PLUGIN", `${dir} has problems; nothing was published.`, {
            details: { dir: root, problems: outcome.problems },
          });
        }
        if (outcome.event === "version_exists")
          throw new CliError("VERSION_EXISTS", outcome.message, { details: outcome });
        if (outcome.event === "failed") throw new CliError(outcome.code, outcome.message);
        out.result(outcome, () => describe(out, outcome));
        return;
      }

      // --json while watching: one document per line, since there is no end to wait for
      const report = (outcome: Outcome | { event: "watching"; dir: string } | { event: "stopped"; dir: string }) => {
        if (out.json) process.stdout.write(`${JSON.stringify(outcome)}\n`);
        else if (outcome.event === "watching") {
          out.info(`Watching ${dir}${client ? ` and publishing to ${client.connection.url}` : ""}; Ctrl-C stops.`);
        } else if (outcome.event === "stopped") out.info("Stopped.");
        else describe(out, outcome);
      };
      report({ event: "watching", dir: root });
      await untilInterrupted(root, async (signal) => {
        const outcome = await round();
        if (outcome.event !== "unchanged" && !signal.aborted) report(outcome);
      });
      report({ event: "stopped", dir: root });
    });
}
