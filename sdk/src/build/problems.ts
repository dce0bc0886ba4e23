/** A problem of a plugin folder, as `checkPlugin` reports it: which file, where in it, what to do. */
import { isAbsolute, relative, resolve } from "node:path";

export interface PluginProblem {
  /** The file, relative to the plugin folder: `manifest.ts`, `plugin.ts`, `src/hooks/beforePayment.ts`. */
  file: string;
  /** Where in it: a manifest path (`hooks.0.name`), an export (`default.processPayment`) or `line:column`. */
  path?: string;
  message: string;
  /** Errors fail the check; warnings are worth reading but the platform would take the plugin. */
  severity: "error" | "warning";
}

export const error = (file: string, message: string, path?: string): PluginProblem => ({
  file,
  ...(path ? { path } : {}),
  message,
  severity: "error",
});

export const warning = (file: string, message: string, path?: string): PluginProblem => ({
  file,
  ...(path ? { path } : {}),
  message,
  severity: "warning",
});

interface EsbuildMessage {
  text: string;
  location?: { file: string; line: number; column: number } | null;
}

/** `file` (as esbuild names it: relative to `cwd`, or absolute) relative to the plugin folder. */
function fileOf(root: string, file: string, cwd: string): string {
  const path = relative(root, isAbsolute(file) ? file : resolve(cwd, file));
  return path.startsWith("..") ? file : path;
}

const SDK_UNRESOLVED = /^Could not resolve "@digital-commerce\/plugin-sdk/;

/** esbuild's errors (from a failed build) as problems, or null when `thrown` is not such a failure. */
export function esbuildProblems(root: string, thrown: unknown, cwd = process.cwd()): PluginProblem[] | null {
  const messages = (thrown as { errors?: EsbuildMessage[] } | null)?.errors;
  if (!Array.isArray(messages)) return null;
  return messages.map((m) => {
    const hint = SDK_UNRESOLVED.test(m.text)
      ? "; install @digital-commerce/plugin-sdk where this folder can resolve it, or keep the plugin inside the platform's repository (plugins/)"
      : "";
    return m.location
      ? error(fileOf(root, m.location.file, cwd), `${m.text}${hint}`, `${m.location.line}:${m.location.column + 1}`)
      : error("(bundle)", `${m.text}${hint}`);
  });
}

/** A problem as one `file: path: message` line. */
export function formatProblem(problem: PluginProblem): string {
  return [problem.file, problem.path, problem.message].filter(Boolean).join(": ");
}
