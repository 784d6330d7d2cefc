-- Rate limits shared by every API process (src/limits/shared-token-buckets.ts):
-- one token bucket per caller, from which each process leases a few tokens at
-- a time. UNLOGGED: a bucket is worth one WAL-free write per lease, and after
-- a crash PostgreSQL empties the table, which only refills every bucket (a
-- burst of at most one capacity per caller, once).
CREATE UNLOGGED TABLE rate_limit_buckets (
  bucket      text PRIMARY KEY,
  tokens      double precision NOT NULL,
  -- What the last lease granted, for RETURNING (an upsert returns the new row only).
  granted     integer NOT NULL,
  refilled_at timestamptz NOT NULL
);
