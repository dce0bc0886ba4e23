/**
 * Asking before a change: a person at a terminal answers y/N; a script passes --yes. Without a
 * terminal and without --yes the command refuses (exit 2) rather than act unasked or hang.
 */
import { createInterface } from "node:readline/promises";
import { CliError, usageError } from "./errors.ts";

export async function confirm(question: string, options: { yes?: boolean; what: string }): Promise<void> {
  if (options.yes) return;
  if (!process.stdin.isTTY) {
    throw usageError(`Not asking on a terminal, so not ${options.what}: pass --yes to confirm.`);
  }
  const rl = createInterface({ input: process.stdin, output: process.stderr });
  try {
    const answer = (await rl.question(`? ${question} [y/N] `)).trim().toLowerCase();
    if (answer !== "y" && answer !== "yes") throw new CliError("CANCELLED", "Cancelled; nothing changed.");
  } finally {
    rl.close();
  }
}
