-- Each tenant's hot state now lives in its own Durable Object, the tenant ledger (api/src/ledger: its
-- own migrations create these tables there). D1 keeps the global, read-mostly tables: tenants,
-- api_tokens, plugin_versions. Children before parents: dropping a table deletes its rows, and the
-- foreign keys are checked.
DROP TABLE IF EXISTS delivery_attempts;
DROP TABLE IF EXISTS dead_letters;
DROP TABLE IF EXISTS deliveries;
DROP TABLE IF EXISTS hook_traces;
DROP TABLE IF EXISTS outbox;
DROP TABLE IF EXISTS transition_guards;
DROP TABLE IF EXISTS plugin_calls;
DROP TABLE IF EXISTS plugin_security_events;
DROP TABLE IF EXISTS webhook_attempts;
DROP TABLE IF EXISTS webhook_deliveries;
DROP TABLE IF EXISTS webhook_endpoints;
DROP TABLE IF EXISTS webhook_guards;
DROP TABLE IF EXISTS order_items;
DROP TABLE IF EXISTS payment_operations;
DROP TABLE IF EXISTS payments;
DROP TABLE IF EXISTS orders;
DROP TABLE IF EXISTS products;
DROP TABLE IF EXISTS sessions;
DROP TABLE IF EXISTS users;
DROP TABLE IF EXISTS commerce_guards;
DROP TABLE IF EXISTS installations;
DROP TABLE IF EXISTS tenant_quotas;
DROP TABLE IF EXISTS plugin_quota_hits;
DROP TABLE IF EXISTS plugin_stored_keys;
