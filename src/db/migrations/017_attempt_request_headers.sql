-- The request headers each attempt sent (src/delivery/recorded-headers.ts:
-- a subscription's custom headers that look like credentials are stored as
-- "[redacted]"). Null for attempts recorded before this column existed.
ALTER TABLE attempts ADD COLUMN request_headers jsonb;

-- GET /v1/events lists a tenant's events newest first, optionally of one type.
CREATE INDEX events_tenant_page_idx ON events (tenant_id, created_at, id);
CREATE INDEX events_type_page_idx ON events (type, created_at, id);
