/**
 * The Worker secrets a deploy sets: what the Workers' env types (api/src/env.ts, consumers/src/env.ts)
 * require that no wrangler config provides. Values never reach a log or the plan, only `wrangler secret put`'s stdin.
 */
import { randomBytes } from "node:crypto";

export interface DeploySecret {
  /** the binding name, and the environment variable a deploy reads a given value from */
  name: string;
  /** what it is for, shown in the plan */
  about: string;
  /** null when `value` is of the form the Workers read, else what is wrong with it (never the value) */
  check(value: string): string | null;
  /** a fresh, strong value, when none is given and no Worker has one yet */
  generate(): string;
}

export const DEPLOY_SECRETS: readonly DeploySecret[] = [
  {
    name: "CONFIG_ENCRYPTION_KEY",
    about: "AES-GCM key of sensitive plugin settings; both Workers decrypt them, so both hold the same key",
    // api/src/config/crypto.ts imports it as 32 raw bytes from base64
    check(value) {
      if (!/^[A-Za-z0-9+/]+={0,2}$/.test(value) || value.length % 4 !== 0) {
        return "must be base64 (for example `openssl rand -base64 32`)";
      }
      const bytes = Buffer.from(value, "base64").length;
      return bytes === 32 ? null : `must be 32 random bytes, base64-encoded; it decodes to ${bytes} bytes`;
    },
    generate: () => randomBytes(32).toString("base64"),
  },
];
