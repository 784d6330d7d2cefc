-- The audit trail (README "Audit trail"): one row per change made through the
-- API. Actors are named by id (an API key's id, env:HOOKFLOW_ADMIN_KEY, or a
-- portal token's id), never by a credential; before/after hold only the
-- changed fields, with secrets redacted before they are written. No foreign
-- keys: the trail outlives what it describes (deleted tenants, revoked keys)
-- and has a retention of its own (HOOKFLOW_AUDIT_RETENTION_DAYS).
CREATE TABLE audit_events (
  id            text PRIMARY KEY,
  created_at    timestamptz NOT NULL DEFAULT date_trunc('milliseconds', now()),
  -- NULL: a platform-wide change (the event catalog, platform keys).
  tenant_id     text,
  actor_kind    text NOT NULL CHECK (actor_kind IN ('api-key', 'portal-token')),
  actor_id      text NOT NULL,
  action        text NOT NULL,
  resource_type text NOT NULL,
  resource_id   text NOT NULL,
  source_address text,
  request_id    text,
  before        jsonb,
  after         jsonb
);
CREATE INDEX audit_events_page_idx ON audit_events (created_at, id);
CREATE INDEX audit_events_tenant_page_idx ON audit_events (tenant_id, created_at, id);
CREATE INDEX audit_events_resource_idx ON audit_events (resource_type, resource_id, created_at);
