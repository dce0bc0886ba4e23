/** The API Worker's bindings, as wrangler.toml declares them. */
export interface ApiEnv {
  DB: D1Database;
  CACHE: KVNamespace;
  BUNDLES: R2Bucket;
  HOOK_EVENTS: Queue<unknown>;
  LOADER: WorkerLoader;
  /** Base64 of 32 random bytes: the AES-GCM key for sensitive plugin settings. A Worker secret. */
  CONFIG_ENCRYPTION_KEY: string;
  LOG_LEVEL?: string;
}
