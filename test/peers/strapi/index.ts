/**
 * A real Strapi v5 on loopback for cms-integration: the minimal project in ./project, installed on first
 * use into a cache folder outside the checkout (so the root `npm install` never grows by Strapi's 700 MB)
 * and booted per run on a fresh SQLite file with fresh secrets, its API token minted at boot.
 *
 * Which Node: better-sqlite3 has no prebuilt binary reachable here, so `npm ci` compiles it, which
 * needs the headers of the Node that will load it. The Node 24 of node_modules/.bin (the `node` npm
 * package) ships none; the system's Node does (/usr/include/node). So Strapi is installed and run by
 * the first `node` on PATH outside node_modules (or STRAPI_NODE), the install recorded with its ABI so
 * a different Node reinstalls rather than loading a module built for another one.
 */
import { type ChildProcess, execFileSync, spawn } from "node:child_process";
import { createHash, randomBytes } from "node:crypto";
import {
  accessSync,
  constants,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  renameSync,
  rmSync,
  statSync,
  writeFileSync,
} from "node:fs";
import { homedir, tmpdir } from "node:os";
import { delimiter, dirname, join, relative } from "node:path";
import { fileURLToPath } from "node:url";

/** The header the bootstrap's webhook carries the secret in: Strapi signs nothing, so this authenticates it. */
export const STRAPI_WEBHOOK_HEADER = "x-cms-webhook-secret";

export type StrapiPeerErrorCode =
  | "NODE_MISSING"
  | "NPM_MISSING"
  | "INSTALL_FAILED"
  | "LOCK_TIMEOUT"
  | "BOOT_FAILED"
  | "ABORTED";

export class StrapiPeerError extends Error {
  override readonly name = "StrapiPeerError";
  readonly code: StrapiPeerErrorCode;
  constructor(code: StrapiPeerErrorCode, message: string) {
    super(`${code}: ${message}`);
    this.code = code;
  }
}

export interface StrapiInstall {
  /** The project folder: the template's files and its node_modules. */
  dir: string;
  /** The Node that installed it and must run it. */
  node: string;
  /** PATH for that Node's npm and Strapi's children, without node_modules/.bin folders. */
  path: string;
  /** Whether this call installed it (false: a cached install was reused). */
  installed: boolean;
  ms: number;
}

export interface StrapiPeer {
  url: string;
  /** A full-access API token, minted at boot. */
  token: string;
  /** Strapi's process id, to measure it. */
  pid: number;
  bootMs: number;
  close(): Promise<void>;
}

const TEMPLATE = join(dirname(fileURLToPath(import.meta.url)), "project");
const LOCK_WAIT_MS = 20 * 60_000;
const BOOT_TIMEOUT_MS = 180_000;

function cacheRoot(): string {
  const base = process.env.XDG_CACHE_HOME || join(homedir(), ".cache");
  return join(base, "digital-commerce");
}

/** strapi-<hash>: the template's package-lock.json decides what is installed, so it names the install. */
export function strapiCacheDir(): string {
  const hash = createHash("sha256")
    .update(readFileSync(join(TEMPLATE, "package-lock.json")))
    .digest("hex")
    .slice(0, 16);
  return join(cacheRoot(), `strapi-${hash}`);
}

function isExecutable(file: string): boolean {
  try {
    accessSync(file, constants.X_OK);
    return statSync(file).isFile();
  } catch {
    return false;
  }
}

/** The system's Node and a PATH that finds it (and its npm) before any node_modules/.bin. */
function strapiNode(): { node: string; path: string } {
  const entries = (process.env.PATH ?? "").split(delimiter).filter((p) => p && !p.includes("node_modules"));
  const chosen = process.env.STRAPI_NODE;
  if (chosen && !isExecutable(chosen)) {
    throw new StrapiPeerError("NODE_MISSING", `STRAPI_NODE is ${chosen}, which is not an executable Node`);
  }
  const node = chosen || entries.map((p) => join(p, "node")).find(isExecutable);
  if (!node) {
    throw new StrapiPeerError(
      "NODE_MISSING",
      "no Node on PATH outside node_modules to install and run Strapi with (one with its headers, to compile better-sqlite3); install Node 20-24 or set STRAPI_NODE",
    );
  }
  return { node, path: [dirname(node), ...entries].join(delimiter) };
}

function abiOf(node: string): string {
  return execFileSync(node, ["-p", 'process.version + " abi " + process.versions.modules'], {
    encoding: "utf8",
  }).trim();
}

/** Every file of the template, as paths relative to it. */
function templateFiles(dir = TEMPLATE): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const full = join(dir, entry.name);
    if (entry.isDirectory()) return entry.name === "node_modules" ? [] : templateFiles(full);
    return [relative(TEMPLATE, full)];
  });
}

/**
 * Brings the install's project files in line with the template: only files that differ are written, so
 * a Strapi already running from the folder never reads a half-written one.
 */
function syncTemplate(dir: string): void {
  for (const file of templateFiles()) {
    const source = readFileSync(join(TEMPLATE, file));
    const target = join(dir, file);
    if (existsSync(target) && readFileSync(target).equals(source)) continue;
    mkdirSync(dirname(target), { recursive: true });
    writeFileSync(`${target}.partial`, source);
    renameSync(`${target}.partial`, target);
  }
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

function checkAborted(signal: AbortSignal | undefined, what: string): void {
  if (signal?.aborted) throw new StrapiPeerError("ABORTED", `stopped while ${what}`);
}

/** A lock folder (mkdir is atomic) holding its owner's pid: one install at a time, across test runs. */
async function withLock<T>(lockDir: string, signal: AbortSignal | undefined, run: () => Promise<T>): Promise<T> {
  const started = Date.now();
  for (;;) {
    checkAborted(signal, `waiting for ${lockDir}`);
    try {
      mkdirSync(lockDir);
      writeFileSync(join(lockDir, "pid"), String(process.pid));
      break;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== "EEXIST") throw error;
      const owner = Number(readFileSafe(join(lockDir, "pid")));
      // a run killed mid-install leaves its lock: taken over once its process is gone
      if (Number.isInteger(owner) && owner > 0 && !isAlive(owner)) {
        rmSync(lockDir, { recursive: true, force: true });
        continue;
      }
      if (Date.now() - started > LOCK_WAIT_MS) {
        throw new StrapiPeerError("LOCK_TIMEOUT", `another run (pid ${owner}) has held ${lockDir} for 20 minutes`);
      }
      await new Promise((r) => setTimeout(r, 500));
    }
  }
  try {
    return await run();
  } finally {
    rmSync(lockDir, { recursive: true, force: true });
  }
}

function readFileSafe(file: string): string {
  try {
    return readFileSync(file, "utf8");
  } catch {
    return "";
  }
}

const tail = (text: string, lines = 40) => text.trimEnd().split("\n").slice(-lines).join("\n");

function npmCi(dir: string, path: string, logFile: string, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    let log = "";
    const child = spawn("npm", ["ci", "--no-audit", "--no-fund", "--loglevel=warn"], {
      cwd: dir,
      env: { ...process.env, PATH: path, npm_config_update_notifier: "false" },
      stdio: ["ignore", "pipe", "pipe"],
    });
    const abort = () => child.kill("SIGTERM");
    signal?.addEventListener("abort", abort, { once: true });
    const keep = (chunk: Buffer) => {
      log += chunk.toString();
    };
    child.stdout.on("data", keep);
    child.stderr.on("data", keep);
    child.on("error", (error) => {
      const missing = (error as NodeJS.ErrnoException).code === "ENOENT";
      reject(
        missing
          ? new StrapiPeerError("NPM_MISSING", `npm is not on PATH (${path}): it installs Strapi on first use`)
          : error,
      );
    });
    child.on("exit", (code, killedBy) => {
      signal?.removeEventListener("abort", abort);
      writeFileSync(logFile, log);
      if (code === 0) resolve();
      else if (signal?.aborted) reject(new StrapiPeerError("ABORTED", `stopped while installing into ${dir}`));
      else {
        reject(
          new StrapiPeerError(
            "INSTALL_FAILED",
            `npm ci in ${dir} ended with ${killedBy ?? `exit code ${code}`} (whole log: ${logFile}):\n${tail(log)}`,
          ),
        );
      }
    });
  });
}

/**
 * Strapi installed and ready to run: the cached install when its lock file and Node match, otherwise
 * `npm ci` into a fresh folder (about 4 minutes cold here), moved into place only once complete.
 *
 * @example
 * const install = await ensureStrapiInstalled();
 * console.log(install.dir, install.installed ? `installed in ${install.ms} ms` : "cached");
 */
export async function ensureStrapiInstalled(
  options: { log?: (line: string) => void; signal?: AbortSignal } = {},
): Promise<StrapiInstall> {
  const { log = () => {}, signal } = options;
  const started = Date.now();
  const { node, path } = strapiNode();
  const abi = abiOf(node);
  const dir = strapiCacheDir();
  const marker = join(dir, ".installed");
  mkdirSync(dirname(dir), { recursive: true });
  return await withLock(`${dir}.lock`, signal, async () => {
    let installed = false;
    if (readFileSafe(marker) !== abi) {
      log(`strapi peer: installing Strapi with ${node} (${abi}) into ${dir}; the first time takes minutes`);
      const partial = `${dir}.partial`;
      rmSync(partial, { recursive: true, force: true });
      mkdirSync(partial, { recursive: true });
      syncTemplate(partial);
      await npmCi(partial, path, `${dir}-install.log`, signal);
      writeFileSync(join(partial, ".installed"), abi);
      rmSync(dir, { recursive: true, force: true });
      renameSync(partial, dir);
      installed = true;
    }
    syncTemplate(dir);
    return { dir, node, path, installed, ms: Date.now() - started };
  });
}

const secret = () => randomBytes(24).toString("base64");

async function healthy(url: string): Promise<boolean> {
  try {
    const res = await fetch(`${url}/_health`, { signal: AbortSignal.timeout(2_000) });
    return res.status === 204;
  } catch {
    return false;
  }
}

function stop(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    const force = setTimeout(() => child.kill("SIGKILL"), 10_000);
    child.once("exit", () => {
      clearTimeout(force);
      resolve();
    });
    child.kill("SIGTERM");
  });
}

/**
 * Boots Strapi on `port` with a fresh SQLite file and fresh secrets in a temporary folder, its webhooks
 * (entry created, updated, published, unpublished, deleted) posted to `webhookUrl` with
 * `x-cms-webhook-secret: webhookSecret`; resolves once /_health answers 204, with the token minted at
 * boot (`token`, or a random one).
 *
 * @example
 * const strapi = await startStrapiPeer({ port: 12118, webhookUrl: "http://127.0.0.1:8787/hook", webhookSecret: "s3cret-s3cret-s3cret" });
 * await fetch(`${strapi.url}/api/products`, { headers: { authorization: `Bearer ${strapi.token}` } });
 * await strapi.close();
 */
export async function startStrapiPeer(options: {
  port: number;
  webhookUrl?: string;
  webhookSecret?: string;
  /** The API token to mint (a random one when absent): lets a caller hand it out before Strapi is up. */
  token?: string;
  log?: (line: string) => void;
  /** Stops an install or a boot under way (a test run ending before Strapi is up). */
  signal?: AbortSignal;
}): Promise<StrapiPeer> {
  const install = await ensureStrapiInstalled({
    ...(options.log ? { log: options.log } : {}),
    ...(options.signal ? { signal: options.signal } : {}),
  });
  const started = Date.now();
  const data = mkdtempSync(join(tmpdir(), "strapi-peer-"));
  const url = `http://127.0.0.1:${options.port}`;
  let output = "";
  const child = spawn(install.node, [join(install.dir, "node_modules/@strapi/strapi/bin/strapi.js"), "start"], {
    cwd: install.dir,
    env: {
      ...process.env,
      PATH: install.path,
      NODE_ENV: "production",
      HOST: "127.0.0.1",
      PORT: String(options.port),
      APP_KEYS: [secret(), secret(), secret(), secret()].join(","),
      API_TOKEN_SALT: secret(),
      ADMIN_JWT_SECRET: secret(),
      TRANSFER_TOKEN_SALT: secret(),
      JWT_SECRET: secret(),
      ENCRYPTION_KEY: secret(),
      DATABASE_FILENAME: join(data, "data.db"),
      STRAPI_PEER_DATA_DIR: data,
      STRAPI_PEER_WEBHOOK_URL: options.webhookUrl ?? "",
      STRAPI_PEER_WEBHOOK_SECRET: options.webhookSecret ?? "",
      STRAPI_PEER_WEBHOOK_HEADER: STRAPI_WEBHOOK_HEADER,
      STRAPI_PEER_API_TOKEN: options.token ?? "",
      STRAPI_TELEMETRY_DISABLED: "true",
      BROWSER: "none",
    },
    stdio: ["ignore", "pipe", "pipe"],
  });
  const keep = (chunk: Buffer) => {
    output = (output + chunk.toString()).slice(-64_000);
  };
  child.stdout?.on("data", keep);
  child.stderr?.on("data", keep);
  const close = async () => {
    await stop(child);
    rmSync(data, { recursive: true, force: true });
  };
  const tokenFile = join(data, "api-token");
  while (!(existsSync(tokenFile) && (await healthy(url)))) {
    if (options.signal?.aborted) {
      await close();
      throw new StrapiPeerError("ABORTED", `stopped while Strapi was booting on port ${options.port}`);
    }
    const ended = child.exitCode !== null || child.signalCode !== null;
    if (ended || Date.now() - started > BOOT_TIMEOUT_MS) {
      await close();
      const why = ended ? `exited with ${child.signalCode ?? `code ${child.exitCode}`}` : "did not answer /_health";
      throw new StrapiPeerError(
        "BOOT_FAILED",
        `Strapi on port ${options.port} ${why} within ${Math.round((Date.now() - started) / 1000)} s; its output:\n${tail(output)}`,
      );
    }
    await new Promise((r) => setTimeout(r, 250));
  }
  const token = readFileSync(tokenFile, "utf8");
  return { url, token, pid: child.pid ?? 0, bootMs: Date.now() - started, close };
}
