/**
 * Plugin bundles in R2, content-addressed by slug, version and SHA-256, with the
 * hash recorded in D1 when the version is registered. An isolate id includes the
 * hash, so a new bundle never reuses an old isolate.
 */

import { safeParseManifest } from "@digital-commerce/plugin-sdk";
import type { GlobalDb } from "../ledger/tenant-db.ts";
import { type RegisteredPlugin, RegistryError, registerPlugin } from "../registry/index.ts";
import { SandboxError } from "./errors.ts";

export const bundleKey = (slug: string, version: string, hash: string) => `bundles/${slug}/${version}/${hash}.js`;

export async function sha256Hex(text: string): Promise<string> {
  const digest = await crypto.subtle.digest("SHA-256", new TextEncoder().encode(text));
  return [...new Uint8Array(digest)].map((b) => b.toString(16).padStart(2, "0")).join("");
}

/** Stores the bundle, then registers the manifest with its hash: a reader never sees a hash without its code. */
export async function publishPlugin(
  env: { DB: GlobalDb; BUNDLES: R2Bucket },
  input: { manifest: unknown; code: string },
): Promise<RegisteredPlugin & { hash: string }> {
  const parsed = safeParseManifest(input.manifest);
  if (!parsed.ok) {
    throw new RegistryError("INVALID_MANIFEST", "The plugin manifest does not validate.", { issues: parsed.problems });
  }
  const { slug, version } = parsed.manifest;
  const hash = await sha256Hex(input.code);
  await env.BUNDLES.put(bundleKey(slug, version, hash), input.code, {
    httpMetadata: { contentType: "application/javascript" },
    customMetadata: { sha256: hash },
  });
  const registered = await registerPlugin(env.DB, parsed.manifest, hash);
  return { ...registered, hash };
}

export async function loadBundleCode(bucket: R2Bucket, slug: string, version: string, hash: string): Promise<string> {
  const object = await bucket.get(bundleKey(slug, version, hash));
  if (!object) {
    throw new SandboxError(
      "BUNDLE_MISSING",
      `The bundle of ${slug}@${version} (${hash.slice(0, 12)}) is not in storage; publish it again.`,
    );
  }
  const code = await object.text();
  if ((await sha256Hex(code)) !== hash) {
    throw new SandboxError(
      "BUNDLE_INVALID",
      `The stored bundle of ${slug}@${version} does not match its recorded hash.`,
    );
  }
  return code;
}
