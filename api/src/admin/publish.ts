/**
 * Publishing a plugin version from the terminal (admin-cli publish): the manifest and
 * bundle `bundlePlugin` builds, checked, stored in R2 and registered in one step. A
 * published version never changes, because tenants' installations point at it: the same
 * content again is a no-op, different content under the same version is refused.
 */

import { safeParseManifest } from "@digital-commerce/plugin-sdk";
import semver from "semver";
import { PlatformError } from "../errors/index.ts";
import type { GlobalDb } from "../ledger/tenant-db.ts";
import { getPluginVersion, type PluginVersion, RegistryError } from "../registry/index.ts";
import { publishPlugin, sha256Hex } from "../sandbox/index.ts";

/**
 * The largest bundle the platform takes. Cloudflare caps a Worker's code at 10 MB compressed
 * (paid plan); a plugin is one Dynamic Worker among many, loaded on demand, so it gets half
 * of that, uncompressed, which also keeps a publish a single quick request.
 */
export const MAX_BUNDLE_BYTES = 5 * 1024 * 1024;

/**
 * The request body may be larger than the bundle it carries (JSON escapes quotes, newlines
 * and control characters); past this it is refused before it is read.
 */
export const MAX_PUBLISH_BODY_BYTES = 3 * MAX_BUNDLE_BYTES;

export type PublishErrorCode = "BUNDLE_TOO_LARGE";
export class PublishError extends PlatformError<PublishErrorCode> {}

const megabytes = (bytes: number) => `${Math.round((bytes / (1024 * 1024)) * 100) / 100} MB`;

export function bundleTooLarge(bytes?: number): PublishError {
  const size =
    bytes === undefined
      ? "The request is larger than any bundle the platform takes"
      : `The bundle is ${megabytes(bytes)} (${bytes} bytes)`;
  return new PublishError(
    "BUNDLE_TOO_LARGE",
    `${size}; a plugin bundle may be at most ${megabytes(MAX_BUNDLE_BYTES)} (${MAX_BUNDLE_BYTES} bytes). Leave large dependencies out of the bundle (fetch data at run time, or keep it in context.storage).`,
    { limit_bytes: MAX_BUNDLE_BYTES, ...(bytes === undefined ? {} : { bytes }) },
  );
}

export interface Published {
  slug: string;
  version: string;
  /** SHA-256 of the bundle, hex, computed by the platform. */
  hash: string;
  /** False when exactly this manifest and bundle were published already. */
  created: boolean;
}

/**
 * Validates and publishes one plugin version.
 * Throws INVALID_MANIFEST (each problem with its path), VERSION_EXISTS, BUNDLE_TOO_LARGE.
 */
export async function publishVersion(
  env: { DB: GlobalDb; BUNDLES: R2Bucket },
  input: { manifest: unknown; code: string },
): Promise<Published> {
  const bytes = new TextEncoder().encode(input.code).byteLength;
  if (bytes > MAX_BUNDLE_BYTES) throw bundleTooLarge(bytes);
  const parsed = safeParseManifest(input.manifest);
  if (!parsed.ok) {
    const list = parsed.problems.map((p) => `${p.path || "(manifest)"}: ${p.message}`).join("; ");
    throw new RegistryError("INVALID_MANIFEST", `The plugin manifest does not validate: ${list}`, {
      issues: parsed.problems,
    });
  }
  const { slug, version } = parsed.manifest;
  const hash = await sha256Hex(input.code);
  // refused before the bundle is stored, so a refused publish leaves nothing behind
  const existing = await registeredVersion(env.DB, slug, version);
  if (
    existing &&
    (existing.bundle_hash !== hash || JSON.stringify(existing.manifest) !== JSON.stringify(parsed.manifest))
  ) {
    const next = semver.inc(version, "patch");
    const what = existing.bundle_hash !== hash ? "a different bundle" : "a different manifest";
    throw new RegistryError(
      "VERSION_EXISTS",
      `${slug}@${version} is already published with ${what}, and a published version never changes (tenants' installations point at it). Bump the version in the manifest${next ? ` (e.g. to ${next})` : ""} and publish again.`,
      { slug, version, ...(next ? { next_version: next } : {}) },
    );
  }
  // identical content goes through too: it puts the bundle back should storage have lost it
  const published = await publishPlugin(env, { manifest: input.manifest, code: input.code });
  return { slug: published.slug, version: published.version, hash: published.hash, created: published.created };
}

async function registeredVersion(db: GlobalDb, slug: string, version: string): Promise<PluginVersion | null> {
  try {
    return await getPluginVersion(db, slug, version);
  } catch (error) {
    // a new plugin, or a new version of one: nothing to compare with
    if (error instanceof RegistryError && (error.code === "PLUGIN_NOT_FOUND" || error.code === "VERSION_NOT_FOUND")) {
      return null;
    }
    throw error;
  }
}
