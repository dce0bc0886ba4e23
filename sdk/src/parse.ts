/** Parsing a manifest from untrusted input (a request body, a file) into a validated one. */
import { ManifestError, type ManifestProblem, problemsOf } from "./errors.ts";
import { type PluginManifest, pluginManifestSchema } from "./manifest.ts";

export type ManifestResult = { ok: true; manifest: PluginManifest } | { ok: false; problems: ManifestProblem[] };

/**
 * Validates `input` against the manifest schema without throwing.
 *
 * @example
 * const result = safeParseManifest(JSON.parse(text));
 * if (!result.ok) console.error(result.problems);
 */
export function safeParseManifest(input: unknown): ManifestResult {
  const parsed = pluginManifestSchema.safeParse(input);
  return parsed.success ? { ok: true, manifest: parsed.data } : { ok: false, problems: problemsOf(parsed.error) };
}

/**
 * Validates `input` against the manifest schema, throwing one `ManifestError` listing every problem.
 *
 * @example
 * const manifest = parseManifest({ name: "Core Utils", slug: "core-utils", version: "1.0.0" });
 */
export function parseManifest(input: unknown): PluginManifest {
  const result = safeParseManifest(input);
  if (result.ok) return result.manifest;
  const slug = typeof input === "object" && input !== null && "slug" in input ? String(input.slug) : "plugin";
  throw new ManifestError(slug, result.problems, input);
}
