/**
 * Reads what wrangler 4's list commands print. `d1 list --json`, `kv namespace list` and `secret list` print
 * JSON; `r2 bucket list` prints "name: ..." blocks and `queues list` a table (cli-table3), which have no JSON
 * form in this wrangler: both are read by their labels, never by column position.
 */
import { stripVTControlCharacters } from "node:util";
import { z } from "zod";
import { DeployError } from "./errors.ts";

function json<T>(command: string, text: string, schema: z.ZodType<T>): T {
  const start = text.indexOf("[");
  let value: unknown;
  try {
    value = JSON.parse(start === -1 ? text : text.slice(start));
  } catch {
    throw new DeployError("WRANGLER_OUTPUT", `\`wrangler ${command}\` did not print JSON: ${text.slice(0, 200)}`);
  }
  const result = schema.safeParse(value);
  if (!result.success) {
    throw new DeployError(
      "WRANGLER_OUTPUT",
      `\`wrangler ${command}\` printed JSON of another shape: ${result.error.message}`,
    );
  }
  return result.data;
}

/** `wrangler d1 list --json`: the account's D1 databases. */
export function parseD1List(text: string): { name: string; uuid: string }[] {
  return json("d1 list --json", text, z.array(z.looseObject({ uuid: z.string(), name: z.string() }))).map((d) => ({
    name: d.name,
    uuid: d.uuid,
  }));
}

/** `wrangler kv namespace list`: the account's KV namespaces. */
export function parseKvList(text: string): { title: string; id: string }[] {
  return json("kv namespace list", text, z.array(z.looseObject({ id: z.string(), title: z.string() }))).map((n) => ({
    title: n.title,
    id: n.id,
  }));
}

/** `wrangler secret list` (JSON, its default format): the names of a Worker's secrets. */
export function parseSecretList(text: string): string[] {
  return json("secret list", text, z.array(z.looseObject({ name: z.string() }))).map((s) => s.name);
}

/** `wrangler r2 bucket list`: a `name:` line and a `creation_date:` line per bucket. */
export function parseR2BucketList(text: string): string[] {
  return stripVTControlCharacters(text)
    .split("\n")
    .map((line) => /^name:\s+(\S+)\s*$/.exec(line)?.[1])
    .filter((name): name is string => name !== undefined);
}

/** `wrangler queues list [--page n]`: the name column of its table (no rows: nothing printed). */
export function parseQueuesTable(text: string): string[] {
  const rows = stripVTControlCharacters(text)
    .split("\n")
    .filter((line) => line.startsWith("│"))
    .map((line) =>
      line
        .split("│")
        .slice(1, -1)
        .map((cell) => cell.trim()),
    );
  const [head, ...body] = rows;
  if (!head) return [];
  const column = head.indexOf("name");
  if (column === -1) {
    throw new DeployError(
      "WRANGLER_OUTPUT",
      `\`wrangler queues list\` printed a table without a name column: ${head.join(", ")}`,
    );
  }
  return body.map((row) => row[column]).filter((name): name is string => Boolean(name));
}
