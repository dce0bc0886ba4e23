-- Platform core: tenants, API tokens, the plugin registry, per-tenant installations,
-- and the outbox of system events (written in the same batch as the change they describe).

CREATE TABLE tenants (
  id          TEXT PRIMARY KEY,
  slug        TEXT NOT NULL UNIQUE,
  name        TEXT NOT NULL,
  settings    TEXT NOT NULL DEFAULT '{}',
  created_at  TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now'))
);

-- Bearer tokens are stored as SHA-256 digests; the clear token is shown once, at creation.
CREATE TABLE api_tokens (
  id          TEXT PRIMARY KEY,
  tenant_id   TEXT NOT NULL REFERENCES tenants(id) ON DELETE CASCADE,
  name        TEXT NOT NULL,
  role        TEXT NOT NULL CHECK (role IN ('owner', 'admin', 'viewer')),
  token_hash  TEXT NOT NULL UNIQUE,
  created_at  TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now'))
);
CREATE INDEX api_tokens_tenant ON api_tokens(tenant_id);

-- Every registered version of every plugin; the manifest is the SDK's validated JSON.
CREATE TABLE plugin_versions (
  slug          TEXT NOT NULL,
  version       TEXT NOT NULL,
  manifest      TEXT NOT NULL,
  bundle_hash   TEXT,
  registered_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')),
  PRIMARY KEY (slug, version)
);

-- One row per plugin installed for a tenant. Uninstalling deletes the row.
CREATE TABLE installations (
  tenant_id     TEXT NOT NULL REFERENCES tenants(id) ON DELETE CASCADE,
  slug          TEXT NOT NULL,
  version       TEXT NOT NULL,
  state         TEXT NOT NULL CHECK (state IN ('installed', 'active', 'inactive')),
  config        TEXT NOT NULL DEFAULT '{}',
  permissions   TEXT NOT NULL DEFAULT '{}',
  -- true when the plugin came in only as a dependency of another (like apt's "auto")
  as_dependency INTEGER NOT NULL DEFAULT 0,
  installed_at  TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')),
  updated_at    TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')),
  PRIMARY KEY (tenant_id, slug),
  FOREIGN KEY (slug, version) REFERENCES plugin_versions(slug, version)
);

-- Optimistic concurrency for multi-statement transitions: a batch first inserts
-- 1 when the state it was planned from still holds, else 0, which the CHECK
-- rejects, rolling the whole batch back. The batch deletes its rows at the end.
CREATE TABLE transition_guards (
  ok INTEGER NOT NULL CHECK (ok = 1)
);

-- System events (plugin_installed, plugin_activated, plugin_error, ...) are written
-- here in the same batch as the change, then sent to the hook-events queue.
CREATE TABLE outbox (
  id          TEXT PRIMARY KEY,
  tenant_id   TEXT NOT NULL,
  hook        TEXT NOT NULL,
  plugin_slug TEXT,
  payload     TEXT NOT NULL,
  created_at  TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')),
  sent_at     TEXT
);
CREATE INDEX outbox_unsent ON outbox(sent_at) WHERE sent_at IS NULL;
CREATE INDEX outbox_tenant_plugin ON outbox(tenant_id, plugin_slug, hook);
