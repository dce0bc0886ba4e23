/**
 * Plugin settings from the command line: `key=value` pairs (the value is JSON when it parses as JSON,
 * else a string: `capture=manual`, `retries=3`, `debug=true`, `hosts='["a.com"]'`) and JSON files.
 */
import { readFileSync } from "node:fs";
import { CliError, usageError } from "./errors.ts";

export function parseAssignments(pairs: readonly string[]): Record<string, unknown> {
  const values: Record<string, unknown> = {};
  for (const pair of pairs) {
    const at = pair.indexOf("=");
    if (at <= 0) throw usageError(`"${pair}" is not key=value (e.g. api_key=sk_test_123).`);
    const raw = pair.slice(at + 1);
    let value: unknown = raw;
    try {
      value = JSON.parse(raw);
    } catch {
      // not JSON: the text itself, so api_key=sk_test_123 needs no quotes
    }
    values[pair.slice(0, at)] = value;
  }
  return values;
}

/** A JSON file holding one object of settings. */
export function readSettingsFile(path: string): Record<string, unknown> {
  let text: string;
  try {
    text = readFileSync(path, "utf8");
  } catch (error) {
    throw new CliError("FILE_UNREADABLE", `Cannot read ${path}: ${(error as NodeJS.ErrnoException).code ?? error}.`, {
      exitCode: 2,
    });
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (error) {
    throw usageError(`${path} is not JSON: ${error instanceof Error ? error.message : String(error)}.`);
  }
  if (typeof parsed !== "object" || parsed === null || Array.isArray(parsed)) {
    throw usageError(`${path} must hold one JSON object of settings, like {"api_key": "sk_test_123"}.`);
  }
  return parsed as Record<string, unknown>;
}

/** The settings a command was given: the file's first, then each --set / key=value over it. */
export function settingsFrom(file: string | undefined, pairs: readonly string[] = []): Record<string, unknown> {
  return { ...(file ? readSettingsFile(file) : {}), ...parseAssignments(pairs) };
}
