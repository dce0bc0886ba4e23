/** The consumer Worker's bindings, as consumers/wrangler.toml declares them. */
export interface ConsumerEnv {
  DB: D1Database;
  LOG_LEVEL?: string;
}
