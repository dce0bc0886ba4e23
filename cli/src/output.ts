/**
 * Everything the CLI prints goes through here: coloured for a person at a terminal, plain when
 * stdout is not a TTY or NO_COLOR is set, and one JSON document on stdout with `--json`.
 */
import pc from "picocolors";
import yoctoSpinner from "yocto-spinner";
import type { CliError } from "./errors.ts";

export interface OutputOptions {
  json: boolean;
  /** Defaults to: stdout is a TTY and NO_COLOR is not set. */
  color?: boolean;
  stdout?: NodeJS.WriteStream;
  stderr?: NodeJS.WriteStream;
}

export type Output = ReturnType<typeof createOutput>;

export function createOutput(options: OutputOptions) {
  const stdout = options.stdout ?? process.stdout;
  const stderr = options.stderr ?? process.stderr;
  const interactive = Boolean(stdout.isTTY) && !options.json;
  const color = options.color ?? (interactive && !("NO_COLOR" in process.env));
  const c = pc.createColors(color);
  const line = (stream: NodeJS.WriteStream, text: string) => stream.write(`${text}\n`);
  return {
    json: options.json,
    c,
    /** Human text on stdout; nothing with --json (the command prints its result instead). */
    info(text: string) {
      if (!options.json) line(stdout, text);
    },
    success(text: string) {
      if (!options.json) line(stdout, `${c.green("✔")} ${text}`);
    },
    warn(text: string) {
      line(stderr, `${c.yellow("!")} ${text}`);
    },
    /** The command's result: as JSON with --json, else through `human`. */
    result(value: unknown, human: (value: never) => void) {
      if (options.json) line(stdout, JSON.stringify(value, null, 2));
      else human(value as never);
    },
    error(error: CliError) {
      if (options.json) {
        line(
          stdout,
          JSON.stringify({ error: { code: error.code, message: error.message, details: error.details } }, null, 2),
        );
      } else {
        line(stderr, `${c.red("✖")} ${error.message}`);
      }
    },
    /** Rows as aligned columns (the first row is the header). */
    table(rows: string[][]) {
      if (options.json || rows.length === 0) return;
      const widths = rows[0]?.map((_, i) => Math.max(...rows.map((r) => stripAnsi(r[i] ?? "").length))) ?? [];
      rows.forEach((row, n) => {
        const text = row.map((cell, i) => cell + " ".repeat((widths[i] ?? 0) - stripAnsi(cell).length)).join("  ");
        line(stdout, n === 0 ? c.bold(text) : text);
      });
    },
    /**
     * Runs `work` with a spinner on stderr when a person is watching and it takes more than a second;
     * otherwise silently.
     */
    async spin<T>(label: string, work: () => Promise<T>): Promise<T> {
      if (!interactive || !stderr.isTTY) return await work();
      const spinner = yoctoSpinner({ text: label, stream: stderr });
      const timer = setTimeout(() => spinner.start(), 1000);
      try {
        const value = await work();
        return value;
      } finally {
        clearTimeout(timer);
        if (spinner.isSpinning) spinner.stop();
      }
    },
  };
}

function stripAnsi(text: string): string {
  // biome-ignore lint/suspicious/noControlCharactersInRegex: matching the escape character is the point
  return text.replace(/\u001b\[[0-9;]*m/g, "");
}
