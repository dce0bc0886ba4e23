/**
 * Temporary folders for the offline commands' tests: outside the repository (so nothing a test
 * writes is ever type-checked, linted or committed with it), with a `node_modules` link to the
 * repository's, as a plugin project with the SDK installed has. esbuild (validate, build) and
 * Node (`node --test`) both resolve `@digital-commerce/plugin-sdk` through it.
 */
import { spawn } from "node:child_process";
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { afterAll } from "vitest";
import { type CliRun, runCli } from "./run-cli.ts";

export const REPO = resolve(import.meta.dirname, "../..");

export interface Workspace {
  dir: string;
  /** Runs the built CLI in the workspace, with a config file of its own and no token. */
  cli(args: string[], options?: { env?: NodeJS.ProcessEnv; input?: string }): Promise<CliRun>;
  /** Writes files (path relative to the workspace → content). */
  write(files: Record<string, string>): void;
  path(...parts: string[]): string;
}

/** A workspace removed after the test file's tests. */
export function givenWorkspace(): Workspace {
  const dir = mkdtempSync(join(tmpdir(), "admin-cli-dev-"));
  symlinkSync(join(REPO, "node_modules"), join(dir, "node_modules"), "dir");
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  // the developer's own login and environment stay out of it (spawn drops undefined variables)
  const env = {
    ADMIN_CLI_CONFIG: join(dir, ".admin-cli.json"),
    ADMIN_CLI_TOKEN: undefined,
    ADMIN_CLI_URL: undefined,
    ADMIN_CLI_TENANT: undefined,
  };
  return {
    dir,
    cli: (args, options = {}) => runCli(args, { cwd: dir, env: { ...env, ...options.env }, input: options.input }),
    write(files) {
      for (const [path, content] of Object.entries(files)) {
        mkdirSync(dirname(join(dir, path)), { recursive: true });
        writeFileSync(join(dir, path), content);
      }
    },
    path: (...parts) => join(dir, ...parts),
  };
}

/** `node --test` in `dir`, as the scaffolded README says to run it. */
export function nodeTest(dir: string): Promise<{ code: number; output: string }> {
  return new Promise((resolvePromise, reject) => {
    // the tests import the repository's SDK (through the node_modules link) as its TypeScript source, not its dist
    const child = spawn(process.execPath, ["--conditions=@digital-commerce/source", "--test"], {
      cwd: dir,
      stdio: ["ignore", "pipe", "pipe"],
    });
    let output = "";
    child.stdout.on("data", (d) => {
      output += d;
    });
    child.stderr.on("data", (d) => {
      output += d;
    });
    child.on("error", reject);
    child.on("close", (code) => resolvePromise({ code: code ?? -1, output }));
  });
}
