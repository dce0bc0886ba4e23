-- A session remembers the request that opened it (its trace id). An auth plugin's endpoint signs a
-- browser in through the sessions capability inside the plugin's call; the platform's route then finds
-- the session that call opened, by provider and trace id, and sets the store's session cookie itself,
-- so the plugin never sees or sets that cookie. The trace id also ties a session to its hooks' events.
ALTER TABLE sessions ADD COLUMN trace_id TEXT;
CREATE INDEX sessions_trace ON sessions(tenant_id, provider, trace_id);
