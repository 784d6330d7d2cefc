-- GET /v1/stats (the console's overview) counts attempts, dead letters and
-- events over the last hour or day, for the platform or one tenant: each
-- count reads an indexed time range instead of the whole table.
-- (events by created_at alone: migration 013.)
CREATE INDEX attempts_started_idx ON attempts (started_at);
-- Dead letters only (few next to all deliveries): by tenant, by when they died.
CREATE INDEX deliveries_dead_idx ON deliveries (tenant_id, updated_at) WHERE status = 'dead';
CREATE INDEX events_tenant_created_idx ON events (tenant_id, created_at);
