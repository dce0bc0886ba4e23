/** The CLI's failures as values: a code, a message a person can act on, and the exit code they map to. */

/** 0 success, 1 failure, 2 usage error (a bad flag or argument). */
export type ExitCode = 0 | 1 | 2;

export class CliError extends Error {
  readonly code: string;
  readonly exitCode: ExitCode;
  readonly details: unknown;

  constructor(code: string, message: string, options: { exitCode?: ExitCode; details?: unknown } = {}) {
    super(message);
    this.name = "CliError";
    this.code = code;
    this.exitCode = options.exitCode ?? 1;
    this.details = options.details;
  }
}

/** A wrong argument or flag: exit code 2, like commander's own usage errors. */
export function usageError(message: string, details?: unknown): CliError {
  return new CliError("USAGE", message, { exitCode: 2, details });
}
