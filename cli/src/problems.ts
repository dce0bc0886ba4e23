/** A plugin's problems (from the SDK's checkPlugin) on the terminal, and the failure they amount to. */
import { formatProblem, type PluginProblem } from "@digital-commerce/plugin-sdk/build";
import { CliError } from "./errors.ts";
import type { Output } from "./output.ts";

/** One line per problem, `file: path: message`, marked as an error or a warning. */
export function printProblems(out: Output, problems: PluginProblem[]): void {
  for (const p of problems) {
    out.info(
      p.severity === "error" ? `${out.c.red("✖")} ${formatProblem(p)}` : `${out.c.yellow("!")} ${formatProblem(p)}`,
    );
  }
}

const count = (n: number, what: string) => `${n} ${what}${n === 1 ? "" : "s"}`;

/** The failure of a plugin with errors: exit 1; with --json, `{ error: { code, message, details: { dir, problems } } }`. */
export function invalidPlugin(dir: string, problems: PluginProblem[]): CliError {
  const errors = problems.filter((p) => p.severity === "error").length;
  const warnings = problems.length - errors;
  const tail = warnings > 0 ? ` and ${count(warnings, "warning")}` : "";
  return new CliError("INVALID_PLUGIN", `${dir} has ${count(errors, "problem")}${tail}.`, {
    details: { dir, problems },
  });
}
