-- Usage per tenant per UTC day (docs: README "Usage and quotas"), counted as
-- the work happens, in the transactions that record it: no read ever scans
-- events, deliveries or attempts. `events` and `deliveries` are counted when
-- the event workflow records an event (its day: when the API accepted it);
-- `attempts`, `failed_attempts` and `bytes_delivered` (request body bytes of
-- attempts the receiver accepted) when an attempt is recorded (its day: when
-- it started). No foreign key: tenants are never removed, and the check would
-- take a lock on the tenant row in every one of those transactions.
--
-- A tenant's day is split over up to 16 rows (`shard`: the writing
-- connection's backend pid modulo 16), summed when read: with a single row,
-- every concurrent transaction of one tenant queued on its lock until the
-- previous one committed (measured: recording throughput halved at 16
-- concurrent writers; see the README).
CREATE TABLE usage_daily (
  tenant_id       text     NOT NULL,
  day             date     NOT NULL,
  shard           smallint NOT NULL,
  events          bigint NOT NULL DEFAULT 0,
  deliveries      bigint NOT NULL DEFAULT 0,
  attempts        bigint NOT NULL DEFAULT 0,
  failed_attempts bigint NOT NULL DEFAULT 0,
  bytes_delivered bigint NOT NULL DEFAULT 0,
  PRIMARY KEY (tenant_id, day, shard)
);
-- The platform's view of a range of days, every tenant at once.
CREATE INDEX usage_daily_day_idx ON usage_daily (day);

-- An optional cap on the events a tenant may publish per UTC day; NULL: none.
ALTER TABLE tenants ADD COLUMN quota_events_per_day bigint CHECK (quota_events_per_day > 0);
