/**
 * `admin-cli dev <dir>`: watches a plugin folder and, on every change, checks and bundles it, publishes
 * it to the platform and moves the token's tenant onto it, until Ctrl-C: the first build is installed
 * (granting the permissions it asks for, which dev prints) and activated with its dependencies; each
 * later one replaces it through the upgrade path (settings carried over, pending migrations run, new
 * permissions approved by dev, since the developer operates their local tenant), so a change is live
 * on the next request, as `shopify app dev` does with a development store.
 *
 * A published version never changes, so each build needs a version of its own. dev gives it one
 * without touching manifest.ts: a prerelease of the manifest's version, `0.1.0-dev.1`, `0.1.0-dev.2`, ...
 * (of the next patch, `0.1.1-dev.1`, once the manifest's version itself is published). Prereleases
 * sort below their release, which `admin-cli publish` makes and a plain `admin-cli upgrade` then
 * moves to; installs and upgrades that name no version never pick them. The same build again reuses
 * its version. `--bump` publishes the manifest's own version instead, bumping its patch in
 * manifest.ts when that version is taken.
 */
import { type FSWatcher, readFileSync, watch, writeFileSync } from "node:fs";
import { join } from "node:path";
import { checkPlugin, type PluginBundle, type PluginProblem, setVersionCall } from "@digital-commerce/plugin-sdk/build";
import type { Command } from "commander";
import type {
  ConfigView,
  InstalledEntry,
  InstallResult,
  PluginDetails,
  PluginState,
  Published,
  TransitionResult,
  VersionChangeResult,
  VersionStep,
} from "../api.ts";
import type { Client } from "../client.ts";
import { CliError, usageError } from "../errors.ts";
import { inCliTerms, path, permissionsText } from "../format.ts";
import type { Output } from "../output.ts";
import { pluginDirWithManifest, shown } from "../plugin-dir.ts";
import { printProblems } from "../problems.ts";
import { contextOf, examples } from "../program.ts";
import { parseAssignments } from "../settings-input.ts";
import { bundleSummary, kilobytes } from "./build.ts";
import { showSteps } from "./upgrade.ts";

interface DevOptions {
  bump?: boolean;
  once?: boolean;
  publish: boolean;
  install: boolean;
  set?: string[];
}

type Summary = ReturnType<typeof bundleSummary>;

/** What activating after an install or upgrade came to: what it changed, dependencies first, or why it was refused. */
interface Activation {
  activated: string[];
  activation_error?: { code: string; message: string };
}

type Stage = "install" | "upgrade" | "configure";
const NOT_DONE: Record<Stage, string> = { install: "installed", upgrade: "upgraded", configure: "configured" };

/** What became of the tenant's installation after a build was published. */
type InstallationOutcome =
  | ({ action: "installed"; version: string; state: PluginState; installed: InstalledEntry[] } & Activation)
  | ({ action: "upgraded"; from: string; to: string; state: PluginState; steps: VersionStep[] } & Activation)
  | ({ action: "unchanged"; version: string; state: PluginState } & Activation)
  | { action: "failed"; stage: Stage; code: string; message: string; details?: unknown };

/** What one round of check, bundle and publish came to. */
type Outcome =
  | { event: "invalid"; problems: PluginProblem[] }
  | ({ event: "built" } & Summary)
  | ({
      event: "published";
      created: boolean;
      /** The manifest's own version, when this build was published as its dev prerelease. */
      dev_build_of?: string;
      bumped_from?: string;
      installation?: InstallationOutcome;
    } & Summary)
  | { event: "version_exists"; slug: string; version: string; message: string }
  | { event: "failed"; code: string; message: string }
  | { event: "unchanged" };

// a folder's own tooling writes there all the time; none of it is the plugin
const IGNORED = /(^|[/\\])(node_modules|\.[^/\\]+)([/\\]|$)/;
const DEBOUNCE_MS = 150;
const MAX_BUMPS = 20;
const PLUGINS = "/api/admin/plugins";
// a refused activation is tried again with the next build, and when dev runs again
const AGAIN = " The next build activates it (so does admin-cli dev again); give dev settings with --set key=value.";

/** `1.2.3` → `1.2.4`; the platform names the next version itself in VERSION_EXISTS, this is for when it does not. */
function nextPatch(version: string): string {
  const [, major, minor, patch] = /^(\d+)\.(\d+)\.(\d+)/.exec(version) ?? [];
  return major === undefined ? version : `${major}.${minor}.${Number(patch) + 1}`;
}

/** The version dev builds are prereleases of: the manifest's, or once that is published, the next patch. */
export function devBase(version: string, published: readonly string[]): string {
  const core = version.split("+")[0] ?? version;
  return published.includes(core) ? nextPatch(core) : core;
}

/** `1.0.0` → `1.0.0-dev.3`; a prerelease base keeps its own identifiers first: `1.0.0-beta.1.dev.3`. */
export function devVersion(base: string, n: number): string {
  return `${base}${base.includes("-") ? "." : "-"}dev.${n}`;
}

/** The highest n of `base`'s dev builds among `versions`; 0 when there is none. */
function lastDevNumber(base: string, versions: readonly string[]): number {
  const escaped = base.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
  const pattern = new RegExp(`^${escaped}[-.]dev\\.(\\d+)$`);
  return Math.max(0, ...versions.map((v) => Number(pattern.exec(v)?.[1] ?? 0)));
}

/** The catalogue's versions of `slug` and the tenant's installation of it; none of either for a new plugin. */
async function pluginDetails(client: Client, slug: string): Promise<Pick<PluginDetails, "versions" | "installation">> {
  try {
    return await client.get<PluginDetails>(`${PLUGINS}/${path(slug)}`);
  } catch (thrown) {
    if (thrown instanceof CliError && thrown.code === "PLUGIN_NOT_FOUND") return { versions: [], installation: null };
    throw thrown;
  }
}

type Publishing =
  | { ok: true; bundle: PluginBundle; version: string; created: boolean; dev_build_of?: string; bumped_from?: string }
  | { ok: false; outcome: Outcome };

const failed = (thrown: unknown): { ok: false; outcome: Outcome } => {
  if (!(thrown instanceof CliError)) throw thrown;
  return { ok: false, outcome: { event: "failed", code: thrown.code, message: thrown.message } };
};

/**
 * Publishes the build as the next dev prerelease: first under the highest one there is (the same build
 * again is accepted as it is, VERSION_EXISTS says it differs), then under the next free one.
 */
async function publishDevBuild(
  client: Client,
  bundle: PluginBundle,
  previous: { identity: string; version: string } | undefined,
  identity: string,
): Promise<Publishing> {
  const { manifest, code } = bundle;
  let versions: string[];
  try {
    versions = (await pluginDetails(client, manifest.slug)).versions;
  } catch (thrown) {
    return failed(thrown);
  }
  const base = devBase(manifest.version, versions);
  const last = lastDevNumber(base, versions);
  // this session published the highest one with other content: no need to ask
  const known = previous && previous.version === devVersion(base, last) && previous.identity !== identity;
  for (let n = last === 0 || known ? last + 1 : last, tries = 0; tries < MAX_BUMPS; n++, tries++) {
    const version = devVersion(base, n);
    try {
      const answer = await client.post<Published>(PLUGINS, { manifest: { ...manifest, version }, code });
      return { ok: true, bundle, version, created: answer.created, dev_build_of: manifest.version };
    } catch (thrown) {
      if (!(thrown instanceof CliError) || thrown.code !== "VERSION_EXISTS") return failed(thrown);
    }
  }
  return failed(new CliError("VERSION_EXISTS", `${manifest.slug}: ${MAX_BUMPS} dev versions in a row were taken.`));
}

/**
 * --bump: publishes the manifest's own version, bumping its patch in manifest.ts while that is taken
 * (the bundle built again each time: it inlines the manifest).
 */
async function publishOwnVersion(root: string, client: Client, first: PluginBundle): Promise<Publishing> {
  let bumpedFrom: string | undefined;
  let bundle = first;
  for (let bumps = 0; ; bumps++) {
    const { manifest, code } = bundle;
    try {
      const answer = await client.post<Published>(PLUGINS, { manifest, code });
      return {
        ok: true,
        bundle,
        version: manifest.version,
        created: answer.created,
        ...(bumpedFrom ? { bumped_from: bumpedFrom } : {}),
      };
    } catch (thrown) {
      if (!(thrown instanceof CliError) || thrown.code !== "VERSION_EXISTS") return failed(thrown);
      if (bumps >= MAX_BUMPS) {
        const message = `${manifest.slug}@${manifest.version} is already published with other content, and so were the ${MAX_BUMPS} patch versions after it; set a new version in manifest.ts.`;
        return {
          ok: false,
          outcome: { event: "version_exists", slug: manifest.slug, version: manifest.version, message },
        };
      }
      const next =
        (thrown.details as { next_version?: string } | undefined)?.next_version ?? nextPatch(manifest.version);
      const file = join(root, "manifest.ts");
      writeFileSync(file, setVersionCall(readFileSync(file, "utf8"), next));
      bumpedFrom ??= manifest.version;
      const check = await checkPlugin(root);
      if (!check.ok || !check.bundle) return { ok: false, outcome: { event: "invalid", problems: check.problems } };
      bundle = check.bundle;
    }
  }
}

/** Activates `slug` with its inactive dependencies; a refusal (a required setting unset) is reported, not thrown. */
async function activate(client: Client, slug: string): Promise<Activation & { state?: PluginState }> {
  try {
    const result = await client.post<TransitionResult>(`${PLUGINS}/${path(slug)}/activate?cascade=true`);
    return { activated: result.changed, ...(result.plugin ? { state: result.plugin.state } : {}) };
  } catch (thrown) {
    if (!(thrown instanceof CliError)) throw thrown;
    const error = inCliTerms(thrown) as CliError;
    return { activated: [], activation_error: { code: error.code, message: error.message } };
  }
}

/**
 * The tenant's installation moved to `version`: installed and activated when the tenant has none, else
 * upgraded to it (new permissions approved: the developer operates this tenant), and activated when
 * it never was. An installation the operator deactivated stays inactive.
 */
async function moveInstallation(
  client: Client,
  slug: string,
  version: string,
  settings: Record<string, unknown>,
): Promise<InstallationOutcome> {
  const config = Object.keys(settings).length > 0 ? { config: settings } : {};
  const stage = async <T>(name: Stage, work: () => Promise<T>) => {
    try {
      return { ok: true as const, value: await work() };
    } catch (thrown) {
      if (!(thrown instanceof CliError)) throw thrown;
      const error = inCliTerms(thrown) as CliError;
      return {
        ok: false as const,
        failure: {
          action: "failed" as const,
          stage: name,
          code: error.code,
          message: error.message,
          details: error.details,
        },
      };
    }
  };
  const current = await stage("install", () => pluginDetails(client, slug));
  if (!current.ok) return current.failure;
  const installation = current.value.installation;
  if (!installation) {
    const installed = await stage("install", () =>
      client.post<InstallResult>(`${PLUGINS}/${path(slug)}/install`, {
        version,
        ...config,
        install_dependencies: true,
      }),
    );
    if (!installed.ok) return installed.failure;
    const { state = installed.value.plugin.state, ...activation } = await activate(client, slug);
    return { action: "installed", version, state, installed: installed.value.installed, ...activation };
  }
  let state = installation.state;
  let moved: { from: string; steps: VersionStep[] } | undefined;
  if (installation.version !== version) {
    const upgraded = await stage("upgrade", () =>
      client.post<VersionChangeResult>(`${PLUGINS}/${path(slug)}/upgrade`, {
        version,
        ...config,
        approve_permissions: true,
      }),
    );
    if (!upgraded.ok) return upgraded.failure;
    state = upgraded.value.plugin.state;
    moved = { from: installation.version, steps: upgraded.value.steps };
  } else if (config.config) {
    // the same build with --set (a setting its activation wanted): merged into the stored ones, as config set does
    const url = `${PLUGINS}/${path(slug)}/config`;
    const given = config.config;
    const configured = await stage("configure", async () =>
      client.put<ConfigView>(url, { ...(await client.get<ConfigView>(url)).config, ...given }),
    );
    if (!configured.ok) return configured.failure;
  }
  // activation refused earlier (a required setting, since set): this build tries again
  const { state: activated, ...activation } =
    state === "installed" ? await activate(client, slug) : ({ activated: [] } as Activation & { state?: PluginState });
  state = activated ?? state;
  if (!moved) return { action: "unchanged", version, state, ...activation };
  return { action: "upgraded", from: moved.from, to: version, steps: moved.steps, state, ...activation };
}

/** A round of dev: check and bundle the folder, publish it, and move the tenant's installation to it. */
function devRound(root: string, options: DevOptions, client: Client | null): () => Promise<Outcome> {
  const settings = parseAssignments(options.set ?? []);
  let previous: { identity: string; version: string } | undefined;
  // the build whose publish and installation both went through: the same again has nothing to do
  let settled = "";
  return async function round(): Promise<Outcome> {
    const check = await checkPlugin(root);
    if (!check.ok || !check.bundle) return { event: "invalid", problems: check.problems };
    if (!client) return { event: "built", ...bundleSummary(check.bundle) };
    const identity = `${check.bundle.hash} ${JSON.stringify(check.bundle.manifest)}`;
    // our own --bump write, an editor saving twice: the platform has this already
    if (identity === settled) return { event: "unchanged" };
    const publishing = options.bump
      ? await publishOwnVersion(root, client, check.bundle)
      : await publishDevBuild(client, check.bundle, previous, identity);
    if (!publishing.ok) return publishing.outcome;
    // with --bump, what was published is manifest.ts as dev rewrote it
    const { ok: _ok, bundle, ...publishedAs } = publishing;
    const finalIdentity = `${bundle.hash} ${JSON.stringify(bundle.manifest)}`;
    previous = { identity: finalIdentity, version: publishing.version };
    const outcome = { event: "published" as const, ...bundleSummary(bundle), ...publishedAs };
    if (!options.install) {
      settled = finalIdentity;
      return outcome;
    }
    const installation = await moveInstallation(client, bundle.manifest.slug, publishing.version, settings);
    if (installation.action !== "failed") settled = finalIdentity;
    return { ...outcome, installation };
  };
}

/** `quiet`: leave out a refused install, upgrade or activation, which --once reports as its failure. */
function describeInstallation(out: Output, slug: string, installation: InstallationOutcome, quiet = false): void {
  const done = (text: string) => out.info(`  ${out.c.green("✔")} ${text}`);
  switch (installation.action) {
    case "installed": {
      const deps = installation.installed.filter((e) => e.slug !== slug).map((e) => `${e.slug}@${e.version}`);
      done(`installed ${slug}@${installation.version}${deps.length > 0 ? ` with ${deps.join(", ")}` : ""}`);
      for (const entry of installation.installed) {
        out.info(`    ${entry.slug} is granted: ${permissionsText(entry.permissions)}`);
      }
      break;
    }
    case "upgraded":
      done(`upgraded ${slug} ${installation.from} → ${installation.to}; it is ${installation.state}`);
      // dev approved what the build asks for beyond its grants: the developer operates this tenant
      showSteps(out, installation.steps, "upgrade", { root: slug });
      break;
    case "unchanged":
      if (installation.state === "inactive") {
        out.info(`  ${slug}@${installation.version} is installed but inactive: admin-cli activate ${slug}`);
      }
      break;
    case "failed":
      if (!quiet) {
        out.warn(`  not ${NOT_DONE[installation.stage]}: ${installation.message}`);
      }
      return;
  }
  if (installation.activated.length > 0) done(`activated ${installation.activated.join(", ")}`);
  if (installation.activation_error && !quiet) {
    out.warn(`  ${slug} is installed, not active: ${installation.activation_error.message}${AGAIN}`);
  }
}

function describe(out: Output, outcome: Outcome, once = false): void {
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
      const how = outcome.bumped_from
        ? `, bumped from ${outcome.bumped_from}`
        : outcome.dev_build_of
          ? `, a dev build of ${outcome.dev_build_of}`
          : "";
      const what = outcome.created ? "published" : "already published";
      out.success(
        `${time} ${what} ${out.c.bold(`${outcome.slug}@${outcome.version}`)} (${outcome.hash.slice(0, 12)}, ${kilobytes(outcome.bytes)}${how})`,
      );
      if (outcome.installation) describeInstallation(out, outcome.slug, outcome.installation, once);
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

/** With --once, a build published but not installed, upgraded or activated is a failure (exit 1). */
function onceRefusal(outcome: Outcome): CliError | undefined {
  if (outcome.event !== "published" || !outcome.installation) return undefined;
  const { installation } = outcome;
  const built = `${outcome.slug}@${outcome.version}`;
  if (installation.action === "failed") {
    const not = NOT_DONE[installation.stage];
    return new CliError(installation.code, `${built} is published, not ${not}: ${installation.message}`, {
      details: outcome,
    });
  }
  if (installation.activation_error) {
    const { code, message } = installation.activation_error;
    return new CliError(code, `${built} is installed, not active: ${message}${AGAIN}`, { details: outcome });
  }
  return undefined;
}

export function registerDev(program: Command): void {
  program
    .command("dev")
    .description(
      "On every change of a plugin folder: rebuild, publish, and install or upgrade it on the tenant (Ctrl-C stops)",
    )
    .argument("<dir>", "the plugin's folder (holding manifest.ts)")
    .option(
      "--bump",
      "publish the manifest's own version rather than a dev prerelease, bumping its patch in manifest.ts when taken",
    )
    .option("--once", "check, bundle, publish and install or upgrade once, then exit (0 when all went through)")
    .option(
      "--set <key=value...>",
      "settings for the installation: given at install and at each upgrade, else merged in",
    )
    .option("--no-install", "only publish: leave the tenant's installations as they are")
    .option("--no-publish", "only check and bundle on every change: no platform needed")
    .addHelpText(
      "after",
      [
        examples(
          "admin-cli dev ./plugins/my-plugin",
          "admin-cli dev . --set api_key=key_test_123",
          "admin-cli dev . --once",
          "admin-cli dev . --no-publish",
        ),
        "Each build is published as a dev prerelease of the manifest's version (0.1.0-dev.1, 0.1.0-dev.2, ...);",
        "the first is installed and activated (with its dependencies) for the token's tenant, each later one",
        "replaces it through the upgrade path, its new permissions approved. `admin-cli publish` makes the release.",
        "With --json, each round is one JSON document on its own line: {event: built|published|invalid|version_exists|failed, ...};",
        "a published round says what became of the installation: {installation: {action: installed|upgraded|unchanged|failed, ...}}.",
      ].join("\n"),
    )
    .action(async (dirArg: string, options: DevOptions, command: Command) => {
      const ctx = contextOf(command);
      const { out } = ctx;
      const root = pluginDirWithManifest(dirArg);
      const dir = shown(root);
      if (options.set && (!options.publish || !options.install)) {
        throw usageError(
          "--set gives the installation its settings: it needs publishing and installing (drop --no-publish, --no-install).",
        );
      }
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
        const refused = onceRefusal(outcome);
        if (refused) {
          // what did go through, then why the rest did not (with --json, only the error, holding the outcome)
          if (!out.json) describe(out, outcome, true);
          throw refused;
        }
        out.result(outcome, () => describe(out, outcome, true));
        return;
      }

      // --json while watching: one document per line, since there is no end to wait for
      const report = (outcome: Outcome | { event: "watching"; dir: string } | { event: "stopped"; dir: string }) => {
        if (out.json) process.stdout.write(`${JSON.stringify(outcome)}\n`);
        else if (outcome.event === "watching") {
          const where = client
            ? ` and publishing to ${client.connection.url}${options.install ? ", installing each build on the tenant" : ""}`
            : "";
          out.info(`Watching ${dir}${where}; Ctrl-C stops.`);
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
