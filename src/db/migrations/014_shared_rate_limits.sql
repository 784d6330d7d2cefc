-- Rate limits shared by every API process (src/limits/shared-rate-limit.ts):
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

-- Quotas shared by every API process (src/limits/shared-quota.ts): units used
-- per counter per fixed window (a UTC day, say). Logged: a crash must not give
-- every tenant its quota back.
CREATE TABLE limit_windows (
  counter      text NOT NULL,
  window_start timestamptz NOT NULL,
  used         bigint NOT NULL,
  granted      integer NOT NULL,
  PRIMARY KEY (counter, window_start)
);
