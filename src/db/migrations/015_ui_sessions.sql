-- Sessions of the operator console (/console) and the customer portal
-- (/portal): the browser holds a random id in an HttpOnly cookie, this table
-- holds its SHA-256 (a copy of the table opens no session) and the credential
-- the pages call /v1 with, sealed under the keyring (an API key for the
-- console, a portal token for the portal).
CREATE TABLE ui_sessions (
  id_hash           bytea PRIMARY KEY,
  kind              text NOT NULL CHECK (kind IN ('console', 'portal')),
  -- Bound to id_hash as additional data (src/crypto/secret-box.ts).
  credential_sealed text NOT NULL,
  -- Echoed in every form the session's pages render, and checked on every change.
  csrf_token        text NOT NULL,
  -- What the pages show of who is signed in; never a secret.
  label             text NOT NULL,
  tenant_id         text,
  created_at        timestamptz NOT NULL DEFAULT now(),
  last_seen_at      timestamptz NOT NULL DEFAULT now(),
  expires_at        timestamptz NOT NULL
);
CREATE INDEX ui_sessions_expires_at ON ui_sessions (expires_at);
