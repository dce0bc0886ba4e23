/**
 * Helpers of the operations tests: a logged-in CLI with a config file of its own, direct admin API
 * calls for setting the scene, plugin folders to publish, and waiting for the queues.
 */
import { spawn, spawnSync } from "node:child_process";
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { afterAll, inject } from "vitest";
import { CLI, type CliRun, runCli } from "./run-cli.ts";

const repo = resolve(import.meta.dirname, "../..");

export const platform = () => inject("platform");

// every folder a helper makes, removed after the test file
const folders: string[] = [];
const folder = (prefix: string) => {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  folders.push(dir);
  return dir;
};
afterAll(() => {
  for (const dir of folders.splice(0)) rmSync(dir, { recursive: true, force: true });
});

export interface LoggedIn {
  /** Runs the CLI with the saved profile (no --url, no --token). */
  cli(args: string[], options?: { input?: string }): Promise<CliRun>;
  /** Runs the CLI at a (pseudo-)terminal and answers its question. */
  atTerminal(args: string[], answer: string): Promise<{ code: number; output: string }>;
  configPath: string;
}

/**
 * `admin-cli login` into a config file of the test's own; later runs use the profile it saved. The
 * platform is the global setup's unless `target` names another (a test file's own).
 */
export async function givenLoggedIn(target: { url: string; token: string } = platform()): Promise<LoggedIn> {
  const { url, token } = target;
  const configPath = join(folder("admin-cli-config-"), "config.json");
  // spawn leaves out undefined variables: only the profile says where and who
  const env = {
    ADMIN_CLI_CONFIG: configPath,
    ADMIN_CLI_URL: undefined,
    ADMIN_CLI_TOKEN: undefined,
    ADMIN_CLI_TENANT: undefined,
  };
  const login = await runCli(["login", "--url", url, "--token", token], { env });
  if (login.code !== 0) throw new Error(`login failed: ${login.stderr}`);
  return {
    cli: (args, options) => runCli(args, { env, ...options }),
    atTerminal: (args, answer) => runAtTerminal(args, answer, env),
    configPath,
  };
}

/** util-linux `script` gives a command a pseudo-terminal; without it the terminal tests are skipped. */
export const hasScript = spawnSync("script", ["--version"]).status === 0;

/**
 * Runs the CLI on a pseudo-terminal (as a person at a shell) and types `answer` at its first
 * question. What it printed, stdout and stderr, comes back as one stream.
 */
function runAtTerminal(
  args: string[],
  answer: string,
  env: NodeJS.ProcessEnv,
): Promise<{ code: number; output: string }> {
  const quote = (s: string) => `'${s.replaceAll("'", "'\\''")}'`;
  const line = [process.execPath, CLI, ...args].map(quote).join(" ");
  return new Promise((resolvePromise, reject) => {
    const child = spawn("script", ["-qec", line, "/dev/null"], {
      env: { ...process.env, ...env, NO_COLOR: "1" },
      stdio: ["pipe", "pipe", "pipe"],
    });
    let output = "";
    let asked = false;
    child.stdout.on("data", (d) => {
      output += d;
      if (!asked && output.includes("[y/N]")) {
        asked = true;
        child.stdin.write(`${answer}\n`);
      }
    });
    const timer = setTimeout(() => child.kill("SIGKILL"), 60_000);
    child.on("error", reject);
    child.on("close", (code) => {
      clearTimeout(timer);
      resolvePromise({ code: code ?? -1, output });
    });
  });
}

/** The admin (or commerce) API, straight: for setting a scene, never for what is under test. */
export async function api<T = Record<string, unknown>>(
  method: string,
  path: string,
  body?: unknown,
): Promise<{ status: number; body: T; headers: Headers }> {
  const { url, token } = platform();
  const res = await fetch(`${url}${path}`, {
    method,
    headers: {
      authorization: `Bearer ${token}`,
      ...(body === undefined ? {} : { "content-type": "application/json" }),
    },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await res.text();
  return { status: res.status, body: (text ? JSON.parse(text) : null) as T, headers: res.headers };
}

/** Leaves `slug` (and whatever depends on it) uninstalled for the demo tenant. */
export async function givenUninstalled(slug: string): Promise<void> {
  const res = await api("DELETE", `/api/admin/plugins/${slug}?cascade=true`);
  const code = (res.body as { error?: { code: string } }).error?.code;
  if (res.status !== 200 && code !== "ILLEGAL_TRANSITION") {
    throw new Error(`uninstall ${slug}: ${res.status} ${JSON.stringify(res.body)}`);
  }
}

/** A unique slug, so a test never meets a plugin an earlier run or test published. */
export const uniqueSlug = (base: string) => `${base}-${Math.random().toString(36).slice(2, 8)}`;

/**
 * A plugin folder outside the repository: `files` by relative path, the SDK reachable as it is for
 * a plugin author's project (node_modules/@digital-commerce/plugin-sdk).
 */
export function givenPluginFolder(files: Record<string, string>, from?: string): string {
  const dir = folder("admin-cli-plugin-");
  if (from) cpSync(from, dir, { recursive: true });
  mkdirSync(join(dir, "node_modules/@digital-commerce"), { recursive: true });
  symlinkSync(join(repo, "sdk"), join(dir, "node_modules/@digital-commerce/plugin-sdk"), "dir");
  for (const [file, text] of Object.entries(files)) {
    mkdirSync(dirname(join(dir, file)), { recursive: true });
    writeFileSync(join(dir, file), text);
  }
  return dir;
}

/** test/fixtures/plugins/recorder, copied under another slug and version. */
export function givenRecorderCopy(slug: string, version: string): string {
  const source = join(repo, "test/fixtures/plugins/recorder");
  const manifest = readFileSync(join(source, "manifest.ts"), "utf8")
    .replace('createPlugin("Recorder", "recorder")', `createPlugin("Recorder copy", ${JSON.stringify(slug)})`)
    .replace('.version("1.0.0")', `.version(${JSON.stringify(version)})`);
  if (!manifest.includes(slug) || !manifest.includes(version)) throw new Error("the recorder's manifest changed shape");
  return givenPluginFolder({ "manifest.ts": manifest }, source);
}

/** Polls `check` until it returns a value (not undefined), or fails after `timeoutMs`. */
export async function eventually<T>(check: () => Promise<T | undefined>, timeoutMs = 60_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  while (Date.now() < deadline) {
    try {
      const value = await check();
      if (value !== undefined) return value;
    } catch (error) {
      last = error;
    }
    await new Promise((r) => setTimeout(r, 500));
  }
  throw new Error(`still not there after ${timeoutMs} ms${last ? `: ${String(last)}` : ""}`);
}
