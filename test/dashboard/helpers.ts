/**
 * What the dashboard's end-to-end tests share: the admin and commerce APIs called straight (to set a
 * scene, never for what is under test), polling until something happened, a viewer token, the
 * dashboard built as `npm run dev` builds it, and Debian's Chromium.
 */
import { createHash, randomBytes } from "node:crypto";
import { type Browser, chromium } from "playwright-core";
import type { TestPlatform } from "../../cli/test/platform.ts";

/** What the tests need of scripts/lib (plain JS, so typed here, and imported by URL). */
interface WranglerLib {
  wranglerSync(args: string[], options?: Record<string, unknown>): string;
}
interface DashboardLib {
  buildDashboard(options?: { quiet?: boolean }): void;
}

/** Builds api/dashboard/dist, which the platform's API Worker serves. */
export async function buildDashboard(): Promise<void> {
  const lib = (await import(new URL("../../scripts/lib/dashboard.mjs", import.meta.url).href)) as DashboardLib;
  lib.buildDashboard({ quiet: true });
}

/** Debian's Chromium, headless (`apt-get install chromium`; .ci/run installs it when it is missing). */
export function launchChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath: "/usr/bin/chromium",
    args: ["--no-sandbox", "--disable-gpu", "--disable-background-networking"],
  });
}

export interface ApiAnswer<T> {
  status: number;
  body: T;
}

/** Calls the platform's API with the owner's token, or the one given. */
export function apiOf(platform: TestPlatform) {
  return async function api<T = Record<string, unknown>>(
    method: string,
    path: string,
    body?: unknown,
    token = platform.token,
  ): Promise<ApiAnswer<T>> {
    const res = await fetch(`${platform.url}${path}`, {
      method,
      headers: {
        authorization: `Bearer ${token}`,
        ...(body === undefined ? {} : { "content-type": "application/json" }),
      },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await res.text();
    return { status: res.status, body: (text ? JSON.parse(text) : null) as T };
  };
}

/** Polls until `check` returns a value. */
export async function eventually<T>(check: () => Promise<T | undefined>, timeoutMs = 60_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const value = await check();
    if (value !== undefined) return value;
    await new Promise((r) => setTimeout(r, 300));
  }
  throw new Error(`still not there after ${timeoutMs} ms`);
}

/** A viewer token of the demo tenant, written into the platform's local D1 (the admin API issues no tokens). */
export async function givenViewerToken(platform: TestPlatform, name = "dashboard-viewer"): Promise<string> {
  const wrangler = (await import(new URL("../../scripts/lib/wrangler.mjs", import.meta.url).href)) as WranglerLib;
  const token = `dcp_${randomBytes(24).toString("base64url")}`;
  const hash = createHash("sha256").update(token).digest("hex");
  const sql = `INSERT INTO api_tokens (id, tenant_id, name, role, token_hash, scopes) VALUES ('tok_viewer_${randomBytes(4).toString("hex")}', 'tenant_demo', '${name}', 'viewer', '${hash}', '[]');`;
  wrangler.wranglerSync(["d1", "execute", "DB", "--local", "--persist-to", platform.persistTo, "--command", sql]);
  return token;
}
