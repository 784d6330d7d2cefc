-- Retention (src/retention/): events, deliveries and attempts older than a
-- configurable age are deleted by a scheduled workflow, in bounded batches.
-- A tenant may keep its own for longer or shorter than the default
-- (HOOKFLOW_RETENTION_DAYS); NULL takes the default.
ALTER TABLE tenants ADD COLUMN retention_days integer CHECK (retention_days BETWEEN 1 AND 3650);

-- The batches look for the oldest rows first: events by age had no index.
CREATE INDEX events_created_idx ON events (created_at);
