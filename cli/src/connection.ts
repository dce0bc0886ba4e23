/**
 * Where the admin API is and who we are: from flags, else environment variables, else the config
 * file `admin-cli login` writes, else the local platform of `npm run dev`.
 *
 * The config file (ADMIN_CLI_CONFIG, else $XDG_CONFIG_HOME/admin-cli/config.json, else
 * ~/.config/admin-cli/config.json) keeps one profile per tenant, and which one is current.
 */
import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { homedir } from "node:os";
import { dirname, join } from "node:path";
import { z } from "zod";
import { CliError } from "./errors.ts";

export const DEFAULT_URL = "http://127.0.0.1:8787";

export const profileSchema = z.object({ url: z.string().url(), token: z.string().min(1), tenant: z.string().min(1) });
export type Profile = z.infer<typeof profileSchema>;

const configSchema = z.object({
  current: z.string().optional(),
  profiles: z.record(z.string(), profileSchema).default({}),
});
export type CliConfig = z.infer<typeof configSchema>;

export function configPath(env: NodeJS.ProcessEnv = process.env): string {
  if (env.ADMIN_CLI_CONFIG) return env.ADMIN_CLI_CONFIG;
  const base = env.XDG_CONFIG_HOME || join(homedir(), ".config");
  return join(base, "admin-cli", "config.json");
}

export function readConfig(path = configPath()): CliConfig {
  if (!existsSync(path)) return { profiles: {} };
  const parsed = configSchema.safeParse(JSON.parse(readFileSync(path, "utf8")));
  if (!parsed.success) {
    throw new CliError("CONFIG_INVALID", `${path} is not a valid admin-cli config; run admin-cli login again.`);
  }
  return parsed.data;
}

/** Saves a profile and makes it current; the file is readable by its owner only (it holds tokens). */
export function saveProfile(profile: Profile, path = configPath()): void {
  const config = readConfig(path);
  config.profiles[profile.tenant] = profile;
  config.current = profile.tenant;
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, `${JSON.stringify(config, null, 2)}\n`, { mode: 0o600 });
  chmodSync(path, 0o600);
}

export interface ConnectionFlags {
  url?: string;
  token?: string;
  tenant?: string;
}

export interface Connection {
  url: string;
  token?: string;
  /** The tenant the caller means; the API checks the token belongs to it. */
  tenant?: string;
}

/** Flags win over environment variables, which win over the config file's profile. */
export function resolveConnection(flags: ConnectionFlags, env: NodeJS.ProcessEnv = process.env): Connection {
  const config = readConfig(configPath(env));
  const tenant = flags.tenant ?? env.ADMIN_CLI_TENANT ?? config.current;
  const profile = tenant ? config.profiles[tenant] : undefined;
  const url = flags.url ?? env.ADMIN_CLI_URL ?? profile?.url ?? DEFAULT_URL;
  const token = flags.token ?? env.ADMIN_CLI_TOKEN ?? profile?.token;
  return { url: url.replace(/\/+$/, ""), ...(token ? { token } : {}), ...(tenant ? { tenant } : {}) };
}
