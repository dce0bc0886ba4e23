-- Token scopes: rights a token has beyond its role within its tenant. `plugins:publish` lets a
-- token add plugin versions to the catalogue every tenant shares, which a tenant's own admin
-- must not be able to do by default; existing tokens get none.
ALTER TABLE api_tokens ADD COLUMN scopes TEXT NOT NULL DEFAULT '[]'
  CHECK (json_valid(scopes) AND json_type(scopes) = 'array');
