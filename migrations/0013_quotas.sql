-- Quotas on what one plugin may cost a tenant (api/src/sandbox/quotas.ts holds the set and its defaults).
-- A tenant's overrides: {"tenant": {...}, "plugins": {"<slug>": {...}}}, validated by quotaOverridesSchema.
CREATE TABLE tenant_quotas (
  tenant_id  TEXT PRIMARY KEY REFERENCES tenants(id) ON DELETE CASCADE,
  overrides  TEXT NOT NULL,
  updated_at TEXT NOT NULL
);

-- One row per (call, quota) that a call went over: `refused` counts the operations refused or dropped
-- (events, requests, log lines), `dropped_bytes` the log bytes dropped. Written by the plugin's call
-- meter as the call goes (the totals so far), so health shows a flood while it lasts.
CREATE TABLE plugin_quota_hits (
  id            INTEGER PRIMARY KEY AUTOINCREMENT,
  tenant_id     TEXT NOT NULL,
  slug          TEXT NOT NULL,
  call_id       TEXT NOT NULL,
  quota         TEXT NOT NULL,
  at            TEXT NOT NULL,
  refused       INTEGER NOT NULL,
  dropped_bytes INTEGER NOT NULL DEFAULT 0,
  UNIQUE (call_id, quota)
);
CREATE INDEX plugin_quota_hits_recent ON plugin_quota_hits(tenant_id, slug, at);

-- The size of each storage object and cache value a plugin wrote, so a write is checked against
-- storage_bytes / cache_bytes with one indexed sum instead of listing R2 or KV. A cache value's
-- expires_at (its TTL) keeps an expired value out of the sum.
CREATE TABLE plugin_stored_keys (
  tenant_id  TEXT NOT NULL,
  slug       TEXT NOT NULL,
  store      TEXT NOT NULL CHECK (store IN ('storage', 'cache')),
  key        TEXT NOT NULL,
  bytes      INTEGER NOT NULL,
  expires_at TEXT,
  PRIMARY KEY (tenant_id, slug, store, key)
);
