/** Runs the built CLI as a subprocess, as a user's shell would, and collects what it printed. */
import { spawn } from "node:child_process";
import { resolve } from "node:path";

export const CLI = resolve(import.meta.dirname, "../bin/admin-cli.js");

export interface CliRun {
  code: number;
  stdout: string;
  stderr: string;
  /** stdout parsed as JSON (for --json runs). */
  json<T = Record<string, unknown>>(): T;
}

export interface RunOptions {
  cwd?: string;
  env?: NodeJS.ProcessEnv;
  input?: string;
  timeoutMs?: number;
}

/** Any command as a subprocess, with what it printed; `env` is the whole environment. */
export function runProcess(command: string, args: string[], options: RunOptions = {}): Promise<CliRun> {
  return new Promise((resolvePromise, reject) => {
    const child = spawn(command, args, {
      cwd: options.cwd ?? process.cwd(),
      env: options.env ?? process.env,
      stdio: ["pipe", "pipe", "pipe"],
    });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (d) => {
      stdout += d;
    });
    child.stderr.on("data", (d) => {
      stderr += d;
    });
    const timer = setTimeout(() => child.kill("SIGKILL"), options.timeoutMs ?? 120_000);
    child.on("error", reject);
    child.on("close", (code) => {
      clearTimeout(timer);
      resolvePromise({ code: code ?? -1, stdout, stderr, json: () => JSON.parse(stdout) });
    });
    child.stdin.end(options.input ?? "");
  });
}

export function runCli(args: string[], options: RunOptions = {}): Promise<CliRun> {
  // no TTY: plain output; a config file of the test's own unless the test gives one
  return runProcess(process.execPath, [CLI, ...args], {
    ...options,
    env: { ...process.env, NO_COLOR: "1", ...options.env },
  });
}
