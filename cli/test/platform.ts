/**
 * The platform the operations tests run against: `npm run dev`'s own preparation (migrations, demo
 * tenant, plugins/) in a temporary state folder, both Workers under one wrangler on a free port.
 */
import type { ChildProcess } from "node:child_process";
import { closeSync, copyFileSync, mkdtempSync, openSync, readFileSync, rmSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";

/** What the tests need of scripts/lib/platform.mjs (plain JS, so typed here). */
interface PlatformLib {
  prepareLocalState(options: { persistTo: string; token?: string }): Promise<{ token: string }>;
  startPlatform(options: { port: number; persistTo: string; extraArgs?: string[]; stdio?: unknown }): ChildProcess;
  waitUntilReady(baseUrl: string, timeoutMs?: number): Promise<void>;
}

export interface TestPlatform {
  url: string;
  token: string;
  /** Its local state folder (`--persist-to`), for seeding what the admin API has no route for (a viewer token). */
  persistTo: string;
  stop(): Promise<void>;
}

async function freePort(): Promise<number> {
  return await new Promise((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.on("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      server.close(() => (typeof address === "object" && address ? resolve(address.port) : reject(address)));
    });
  });
}

export async function startTestPlatform(): Promise<TestPlatform> {
  // a path the type checker does not follow: the lib is JavaScript importing the SDK's TypeScript
  const libPath = new URL("../../scripts/lib/platform.mjs", import.meta.url).href;
  const lib = (await import(libPath)) as PlatformLib;
  const persistTo = mkdtempSync(join(tmpdir(), "admin-cli-platform-"));
  const log = join(persistTo, "wrangler.log");
  const { token } = await lib.prepareLocalState({ persistTo });
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const fd = openSync(log, "a");
  const child = lib.startPlatform({ port, persistTo, stdio: ["ignore", fd, fd] });
  closeSync(fd);
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));

  async function stop(): Promise<void> {
    // only the wrangler this helper started, by its pid; wrangler's launcher passes SIGTERM on and stops workerd
    if (child.exitCode === null && child.signalCode === null) {
      child.kill("SIGTERM");
      const timeout = setTimeout(() => child.kill("SIGKILL"), 15_000);
      await exited;
      clearTimeout(timeout);
    }
    // a failure seen only in CI is read from the platform's own log: TEST_PLATFORM_LOGS keeps a copy
    const keep = process.env.TEST_PLATFORM_LOGS;
    if (keep) copyFileSync(log, join(keep, `wrangler-${port}.log`));
    rmSync(persistTo, { recursive: true, force: true });
  }

  try {
    await Promise.race([
      lib.waitUntilReady(url, 120_000),
      exited.then(() => {
        throw new Error("wrangler exited before the platform answered");
      }),
    ]);
  } catch (error) {
    const tail = readFileSync(log, "utf8").split("\n").slice(-40).join("\n");
    await stop();
    throw new Error(`${error instanceof Error ? error.message : String(error)}\n--- wrangler log ---\n${tail}`);
  }
  return { url, token, persistTo, stop };
}
