/**
 * sdk/README.md, the plugin author's guide, held to the code it describes: every hook of the catalogue
 * (its reference generated from it, `node sdk/scripts/readme.ts`) and no hook that does not exist, every
 * manifest field and builder call, every category method, every UI component and prop, every context
 * capability, every quota with its default, the per-call limits and the publish limit; and a table of
 * contents whose links all land.
 */
import { describe, expect, it } from "vitest";
import { z } from "zod";
import { MAX_BUNDLE_BYTES } from "../../api/src/admin/publish.ts";
import { PLATFORM_LIMITS } from "../../api/src/sandbox/limits.ts";
import { QUOTA_DEFAULTS, type QuotaName } from "../../api/src/sandbox/quotas.ts";
import readme from "../README.md?raw";
import { HOOK_REFERENCE_END, HOOK_REFERENCE_START, renderHookReference } from "../scripts/hook-reference.ts";
import { PluginBuilder } from "./builder.ts";
import { hookNames, isHookName } from "./hooks/catalogue.ts";
import { capabilities, pluginCategories, pluginManifestSchema } from "./manifest.ts";
import { categoryMethods } from "./types.ts";
import * as components from "./ui/components.ts";
import { type UiComponentName, uiComponentProps } from "./ui/tree.ts";

/** Whether each line is prose, not inside a fenced code block (whose `# comment` lines are no headings). */
function proseLines(lines: string[]): boolean[] {
  let fenced = false;
  return lines.map((line) => {
    if (line.startsWith("```")) {
      fenced = !fenced;
      return false;
    }
    return !fenced;
  });
}

/** A heading's level, or Infinity for any other line. */
const levelOf = (line: string) => /^(#+) /.exec(line)?.[1]?.length ?? Number.POSITIVE_INFINITY;

/** The text under a heading, down to the next heading of the same level or above. */
function sectionOf(text: string, heading: string): string {
  const lines = text.split("\n");
  const prose = proseLines(lines);
  const start = lines.findIndex((line, i) => prose[i] && line === heading);
  if (start === -1) throw new Error(`sdk/README.md has no heading "${heading}"`);
  const end = lines.findIndex((line, i) => i > start && prose[i] && levelOf(line) <= levelOf(heading));
  return lines.slice(start + 1, end === -1 ? undefined : end).join("\n");
}

const codeSpans = (text: string) => [...text.matchAll(/`([^`\n]+)`/g)].map((m) => m[1] ?? "");

/** The rows of the Markdown tables in `text`, each as its cells (header and separator rows left out). */
function tableRows(text: string): string[][] {
  return text
    .split("\n")
    .filter((line) => line.startsWith("| ") && !line.startsWith("| ---"))
    .map((line) =>
      line
        .slice(2, -2)
        .split(/ (?<!\\)\| /)
        .map((cell) => cell.trim()),
    );
}

/** The row whose first cell is exactly `` `name` ``. */
function rowNamed(rows: string[][], name: string): string[] | undefined {
  return rows.find((cells) => cells[0] === `\`${name}\``);
}

/** GitHub's anchor for a heading: lower case, punctuation dropped, spaces as dashes. */
const anchorOf = (heading: string) =>
  heading
    .replace(/^#+ /, "")
    .toLowerCase()
    .replace(/[^\p{L}\p{N} _-]/gu, "")
    .replace(/ /g, "-");

/** Every field of a schema as the README's manifest table writes it: `hooks[].priority`, `settings_schema.<key>.type`. */
function fieldPaths(schema: z.ZodType, prefix = ""): string[] {
  if (schema instanceof z.ZodDefault || schema instanceof z.ZodOptional)
    return fieldPaths(schema.unwrap() as z.ZodType, prefix);
  if (schema instanceof z.ZodArray) return fieldPaths(schema.element as z.ZodType, `${prefix}[]`);
  if (schema instanceof z.ZodRecord) {
    const path = `${prefix}.<key>`;
    return [path, ...fieldPaths(schema.valueType as z.ZodType, path)];
  }
  if (schema instanceof z.ZodObject) {
    return Object.entries(schema.shape as Record<string, z.ZodType>).flatMap(([key, field]) => {
      const path = prefix ? `${prefix}.${key}` : key;
      return [path, ...fieldPaths(field, path)];
    });
  }
  return [];
}

const readmeLines = readme.split("\n");
const prose = proseLines(readmeLines);
const headings = readmeLines.filter((line, i) => prose[i] && levelOf(line) >= 2 && levelOf(line) <= 6);

describe("sdk/README.md", () => {
  it("lists every section in its table of contents, and every link inside it lands on a heading", () => {
    const contents = sectionOf(readme, "## Contents");
    const sections = headings.filter((h) => h.startsWith("## ") && h !== "## Contents");
    for (const section of sections) expect(contents, section).toContain(`](#${anchorOf(section)})`);
    // GitHub numbers repeated headings: the second "Payment" is #payment-1
    const seen = new Map<string, number>();
    const anchors = new Set(
      headings.map((h) => {
        const anchor = anchorOf(h);
        const n = seen.get(anchor) ?? 0;
        seen.set(anchor, n + 1);
        return n === 0 ? anchor : `${anchor}-${n}`;
      }),
    );
    const links = [...readme.matchAll(/\]\(#([^)]+)\)/g)].map((m) => m[1]);
    expect(links.length).toBeGreaterThan(10);
    for (const link of links) expect(anchors, `the link #${link}`).toContain(link);
  });

  it("holds the hook reference as the catalogue renders it", () => {
    const start = readme.indexOf(HOOK_REFERENCE_START);
    const end = readme.indexOf(HOOK_REFERENCE_END);
    expect(start, "the hook reference's start marker").toBeGreaterThan(-1);
    expect(end, "the hook reference's end marker").toBeGreaterThan(start);
    const held = readme.slice(start, end + HOOK_REFERENCE_END.length);
    expect(held, "out of date: run `node sdk/scripts/readme.ts` from the repository root").toBe(renderHookReference());
  });

  it("has an entry for every hook of the catalogue", () => {
    const hooks = sectionOf(readme, "## Hooks");
    for (const hook of hookNames) expect(hooks, hook).toContain(`#### \`${hook}\``);
  });

  it("names no hook that the catalogue does not have", () => {
    // the one name written on purpose: the misspelling `build()` and `add-hook` correct
    const examplesOfTypos = new Set(["before_payment_create"]);
    const quoted = [...readme.matchAll(/"([a-z_]+)"/g)].map((m) => m[1] ?? "");
    const named = [...codeSpans(readme), ...quoted].filter((token) => /^(before|after)_[a-z]+(_[a-z]+)*$/.test(token));
    expect(named.length).toBeGreaterThan(hookNames.length);
    const unknown = named.filter((token) => !isHookName(token) && !examplesOfTypos.has(token));
    expect(unknown).toEqual([]);
  });

  it("describes every field of the manifest schema, and no field it does not have", () => {
    const table = tableRows(sectionOf(sectionOf(readme, "## The manifest"), "### Every field"));
    const documented = table.flatMap((cells) => codeSpans(cells[0] ?? ""));
    const fields = fieldPaths(pluginManifestSchema);
    expect(fields).toContain("settings_schema.<key>.egress");
    expect(fields.filter((f) => !documented.includes(f))).toEqual([]);
    expect(documented.filter((f) => !fields.includes(f))).toEqual([]);
  });

  it("names every builder call", () => {
    const builderTable = sectionOf(readme, "## The manifest").split("### Every field")[0] ?? "";
    const calls = Object.getOwnPropertyNames(PluginBuilder.prototype).filter((m) => m !== "constructor");
    expect(calls).toContain("widget");
    for (const call of calls) expect(builderTable, `.${call}(`).toContain(`.${call}(`);
  });

  it("gives every category's methods", () => {
    const rows = tableRows(sectionOf(readme, "## Category methods"));
    for (const category of pluginCategories) {
      const row = rowNamed(rows, category);
      expect(row, `the row of ${category}`).toBeDefined();
      for (const method of categoryMethods[category])
        expect(row?.[2], `${category}: ${method}`).toContain(`${method}(`);
    }
  });

  it("says which capability each member of the context needs, for every capability", () => {
    const rows = tableRows(sectionOf(readme, "## The plugin context"));
    const needs = rows.map((cells) => cells.at(-1) ?? "").join("\n");
    for (const capability of capabilities) expect(needs, capability).toContain(`\`${capability}\``);
  });

  it("lists every UI component with each of its props, and no component the SDK does not export", () => {
    const rows = tableRows(sectionOf(readme, "## Plugin UI: widgets and settings components")).filter((cells) =>
      /^`[A-Z]\w*`$/.test(cells[0] ?? ""),
    );
    const exported = Object.keys(components).sort();
    expect(exported).toEqual(Object.keys(uiComponentProps).sort());
    expect(rows.map((cells) => cells[0]?.slice(1, -1)).sort()).toEqual(exported);
    for (const name of exported) {
      const props = Object.keys(uiComponentProps[name as UiComponentName].shape);
      const row = rowNamed(rows, name)?.slice(1).join(" | ") ?? "";
      for (const prop of props) expect(row, `${name}.${prop}`).toContain(`\`${prop}\``);
    }
  });

  it("gives every quota with its default, and the platform's per-call caps", () => {
    const limits = sectionOf(readme, "## Limits and quotas");
    const rows = tableRows(limits);
    const number = (n: number) => n.toLocaleString("en-US");
    for (const [quota, value] of Object.entries(QUOTA_DEFAULTS) as [QuotaName, number][]) {
      expect(rowNamed(rows, quota)?.[1], quota).toBe(number(value));
    }
    const capOf = (field: string) => rows.find((cells) => cells[2]?.includes(`\`limits.${field}\``))?.[1];
    expect(capOf("timeout_ms")).toBe(`${number(PLATFORM_LIMITS.timeout_ms)} ms`);
    expect(capOf("cpu_ms")).toBe(`${number(PLATFORM_LIMITS.cpu_ms)} ms`);
    expect(capOf("sub_requests")).toBe(number(PLATFORM_LIMITS.sub_requests));
  });

  it("states the largest bundle the platform takes, and that a published version never changes", () => {
    const publishing = sectionOf(readme, "## Publishing");
    expect(publishing).toContain(`${MAX_BUNDLE_BYTES.toLocaleString("en-US")} bytes`);
    expect(publishing).toContain("409 `VERSION_EXISTS`");
  });
});
