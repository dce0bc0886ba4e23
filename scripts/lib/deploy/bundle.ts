/**
 * A Worker's bundle as `wrangler deploy` would upload it, made offline (`--dry-run --outdir`), and its size
 * against the Workers limits. Both deploy --dry-run and CI (test/deploy/bundle-size.test.ts) check it.
 */
import { readdirSync, readFileSync, rmSync } from "node:fs";
import { join, relative } from "node:path";
import { gzipSync } from "node:zlib";
import { wranglerSync } from "../wrangler.mjs";

const MiB = 1024 * 1024;

/**
 * The limits checked, both, whichever binds first:
 * - gzip: 10 MiB, the Workers Paid plan's "Worker size" after compression (3 MiB on Free), as
 *   https://developers.cloudflare.com/workers/platform/limits/#worker-size documented it through 2025;
 * - uncompressed: 64 MiB, the single limit on every plan that replaced it (cloudflare-docs#31002, May 2026),
 *   which wrangler 4.156's own bundle reporter checks (MAX_UNCOMPRESSED_SIZE_BYTES).
 */
export const WORKER_SIZE_LIMITS = { gzipBytes: 10 * MiB, uncompressedBytes: 64 * MiB } as const;

export interface BundleSize {
  /** the modules wrangler would upload, relative to the bundle folder (source maps and README.md excluded) */
  modules: string[];
  bytes: number;
  gzipBytes: number;
}

/**
 * `wrangler deploy --dry-run --outdir <outDir> -c <config>`: bundles, validates the config and exits
 * without contacting Cloudflare (telemetry off, so nothing waits on the network).
 */
export function bundleWorker(config: string, outDir: string): string {
  rmSync(outDir, { recursive: true, force: true });
  return wranglerSync(["deploy", "--dry-run", "--outdir", outDir, "-c", config], {
    env: { ...process.env, WRANGLER_SEND_METRICS: "false" },
  });
}

const filesUnder = (dir: string): string[] =>
  readdirSync(dir, { withFileTypes: true, recursive: true })
    .filter((e) => e.isFile())
    .map((e) => join(e.parentPath, e.name))
    .sort();

/** Sizes as wrangler reports them: the modules' total, and the gzip of them concatenated. */
export function measureBundle(outDir: string): BundleSize {
  const files = filesUnder(outDir).filter((f) => !f.endsWith(".map") && relative(outDir, f) !== "README.md");
  const contents = files.map((f) => readFileSync(f));
  const all = Buffer.concat(contents);
  return { modules: files.map((f) => relative(outDir, f)), bytes: all.length, gzipBytes: gzipSync(all).length };
}

const mib = (bytes: number) => `${(bytes / MiB).toFixed(2)} MiB`;

/** "commerce-api: 1.56 MiB, gzip 0.30 MiB (limits: gzip 10.00 MiB, uncompressed 64.00 MiB)" */
export function describeBundleSize(worker: string, size: BundleSize): string {
  return `${worker}: ${mib(size.bytes)}, gzip ${mib(size.gzipBytes)} (limits: gzip ${mib(WORKER_SIZE_LIMITS.gzipBytes)}, uncompressed ${mib(WORKER_SIZE_LIMITS.uncompressedBytes)})`;
}

/** What is over a limit, each naming the Worker; empty when the bundle fits. */
export function bundleSizeProblems(worker: string, size: BundleSize): string[] {
  const problems: string[] = [];
  if (size.gzipBytes > WORKER_SIZE_LIMITS.gzipBytes) {
    problems.push(
      `${worker}'s bundle is ${size.gzipBytes} bytes after gzip, over the Workers limit of ${WORKER_SIZE_LIMITS.gzipBytes} bytes (${mib(WORKER_SIZE_LIMITS.gzipBytes)})`,
    );
  }
  if (size.bytes > WORKER_SIZE_LIMITS.uncompressedBytes) {
    problems.push(
      `${worker}'s bundle is ${size.bytes} bytes uncompressed, over the Workers limit of ${WORKER_SIZE_LIMITS.uncompressedBytes} bytes (${mib(WORKER_SIZE_LIMITS.uncompressedBytes)})`,
    );
  }
  return problems;
}
