-- Tenants: the platform's customers. Every subscription and event belongs to
-- one; a key can be limited to one. Existing rows move into the `default`
-- tenant, which single-tenant use keeps publishing to without naming it.
CREATE TABLE tenants (
  id                text PRIMARY KEY,
  name              text NOT NULL,
  metadata          jsonb NOT NULL DEFAULT '{}'::jsonb,
  created_at        timestamptz NOT NULL DEFAULT date_trunc('milliseconds', now()),
  -- Every change sets it: API processes re-read changed tenants by it (src/services/tenant-directory.ts).
  updated_at        timestamptz NOT NULL DEFAULT now(),
  deleted_at        timestamptz,
  -- Portal tokens issued before this instant are refused (revocation by tenant).
  tokens_not_before timestamptz
);
CREATE INDEX tenants_page_idx ON tenants (created_at, id) WHERE deleted_at IS NULL;
CREATE INDEX tenants_updated_idx ON tenants (updated_at);
INSERT INTO tenants (id, name) VALUES ('default', 'Default tenant');

-- A column with a constant default is added without rewriting the table, and
-- every existing row reads as the default tenant's.
ALTER TABLE subscriptions ADD COLUMN tenant_id text NOT NULL DEFAULT 'default' REFERENCES tenants (id);
CREATE INDEX subscriptions_tenant_page_idx ON subscriptions (tenant_id, created_at, id) WHERE deleted_at IS NULL;

-- No foreign key: an event accepted by Temporal must always be recordable,
-- whatever happened to its tenant since.
ALTER TABLE events ADD COLUMN tenant_id text NOT NULL DEFAULT 'default';

-- The subscription's tenant, copied: lists by tenant need no join.
ALTER TABLE deliveries ADD COLUMN tenant_id text NOT NULL DEFAULT 'default';
CREATE INDEX deliveries_tenant_page_idx ON deliveries (tenant_id, created_at, id);

-- NULL: the key reaches every tenant.
ALTER TABLE api_keys ADD COLUMN tenant_id text REFERENCES tenants (id);
