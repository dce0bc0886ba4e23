/**
 * Builds the CLI once before its tests, so they run what `npx admin-cli` runs; starts the platform the
 * operations tests talk to (or uses the one ADMIN_CLI_TEST_URL and ADMIN_CLI_TEST_TOKEN name) and
 * gives them its URL and token through `inject("platform")`.
 */
import { execFileSync } from "node:child_process";
import { resolve } from "node:path";
import type { TestProject } from "vitest/node";
import { startTestPlatform } from "./platform.ts";

declare module "vitest" {
  export interface ProvidedContext {
    platform: { url: string; token: string };
  }
}

export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  execFileSync(process.execPath, [resolve(import.meta.dirname, "../scripts/build.mjs")], { stdio: "inherit" });
  const { ADMIN_CLI_TEST_URL: url, ADMIN_CLI_TEST_TOKEN: token } = process.env;
  if (url && token) {
    project.provide("platform", { url, token });
    return async () => {};
  }
  const started = Date.now();
  const platform = await startTestPlatform();
  console.log(`admin-cli tests: platform at ${platform.url}, ready in ${((Date.now() - started) / 1000).toFixed(1)} s`);
  project.provide("platform", { url: platform.url, token: platform.token });
  return () => platform.stop();
}
