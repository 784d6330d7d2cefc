-- A subscription's payload filter (src/routing/payload-filter.ts): only events
-- whose payload passes it are delivered; null delivers every event of its types.
-- event_types now also holds patterns ("*", "order.*"); fan-out looks them up
-- through the existing GIN index, so no new index is needed.
ALTER TABLE subscriptions ADD COLUMN filter jsonb;
