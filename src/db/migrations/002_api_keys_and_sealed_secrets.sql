-- API keys: only a SHA-256 of each key is stored (keys are 256-bit random,
-- so a slow hash would add nothing); `prefix` lets people tell keys apart.
CREATE TABLE api_keys (
  id          text PRIMARY KEY,
  name        text NOT NULL,
  prefix      text NOT NULL,
  key_hash    text NOT NULL UNIQUE,
  scopes      text[] NOT NULL,
  created_at  timestamptz NOT NULL DEFAULT date_trunc('milliseconds', now()),
  revoked_at  timestamptz
);
CREATE INDEX api_keys_page_idx ON api_keys (created_at, id);

-- Signing secrets are sealed (AES-256-GCM) from now on, and a rotation keeps
-- the previous secret signing alongside the new one until it expires.
ALTER TABLE subscriptions RENAME COLUMN secret TO sealed_secret;
ALTER TABLE subscriptions
  ADD COLUMN previous_sealed_secret     text,
  ADD COLUMN previous_secret_expires_at timestamptz;
