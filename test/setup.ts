/** Applies the D1 migrations once per test file's runtime, as wrangler does in dev. */
import { applyD1Migrations, env } from "cloudflare:test";

await applyD1Migrations(env.DB, env.TEST_MIGRATIONS);
