/**
 * CI's deploy check: both Workers bundle with `wrangler deploy --dry-run`, offline (no Cloudflare account),
 * and each bundle stays under the Workers size limits (scripts/lib/deploy/bundle.ts states them and their source).
 */
import { existsSync, mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { buildDashboard } from "../../scripts/lib/dashboard.mjs";
import {
  bundleSizeProblems,
  bundleWorker,
  describeBundleSize,
  measureBundle,
  WORKER_SIZE_LIMITS,
} from "../../scripts/lib/deploy/bundle.ts";

const root = resolve(import.meta.dirname, "../..");

beforeAll(() => {
  // the API Worker's assets folder must exist for wrangler to validate it; `npm test` builds it first
  if (!existsSync(join(root, "api/dashboard/dist/index.html"))) buildDashboard({ quiet: true });
});

describe("the Workers' bundles", () => {
  it.each([
    ["commerce-api", "wrangler.toml", "api/src/index.ts"],
    ["commerce-consumers", "consumers/wrangler.toml", "consumers/src/index.ts"],
  ])(
    "%s bundles offline with wrangler deploy --dry-run and stays under the Workers size limit",
    (worker, config, entry) => {
      const out = mkdtempSync(join(tmpdir(), `dcp-bundle-${worker}-`));
      const log = bundleWorker(join(root, config), out);
      expect(log).toContain("--dry-run: exiting now.");
      const size = measureBundle(out);
      console.log(`bundle ${describeBundleSize(worker, size)}`);
      expect(size.modules).toContain("index.js");
      // the bundle is this Worker's code: its source map names the Worker's entry
      const map = JSON.parse(readFileSync(join(out, "index.js.map"), "utf8")) as { sources: string[] };
      expect(map.sources.some((source) => source.endsWith(entry))).toBe(true);
      expect(bundleSizeProblems(worker, size)).toEqual([]);
    },
  );

  it("names the Worker, the size and the limit when a bundle is over it", () => {
    const over = { modules: ["index.js"], bytes: 70 * 1024 * 1024, gzipBytes: WORKER_SIZE_LIMITS.gzipBytes + 1 };
    expect(bundleSizeProblems("commerce-api", over)).toEqual([
      "commerce-api's bundle is 10485761 bytes after gzip, over the Workers limit of 10485760 bytes (10.00 MiB)",
      "commerce-api's bundle is 73400320 bytes uncompressed, over the Workers limit of 67108864 bytes (64.00 MiB)",
    ]);
    expect(bundleSizeProblems("commerce-api", { ...over, bytes: 1, gzipBytes: 1 })).toEqual([]);
  });
});
