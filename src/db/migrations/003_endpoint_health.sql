-- Per-subscription endpoint health: the circuit breaker and the rate-limit
-- bucket, shared by every worker and changed only under a row lock.
CREATE TABLE endpoint_health (
  subscription_id      text PRIMARY KEY REFERENCES subscriptions (id),
  state                text NOT NULL DEFAULT 'closed' CHECK (state IN ('closed', 'open', 'half_open')),
  consecutive_failures integer NOT NULL DEFAULT 0,
  trips                integer NOT NULL DEFAULT 0,
  open_until           timestamptz,
  probe_until          timestamptz,
  last_success_at      timestamptz,
  failing_since        timestamptz,
  tokens               double precision NOT NULL DEFAULT 1,
  tokens_at            timestamptz,
  updated_at           timestamptz NOT NULL DEFAULT now()
);

-- Every breaker transition, for GET /v1/subscriptions/:id/health.
CREATE TABLE breaker_transitions (
  subscription_id text NOT NULL REFERENCES subscriptions (id),
  at              timestamptz NOT NULL DEFAULT now(),
  from_state      text NOT NULL,
  to_state        text NOT NULL,
  reason          text NOT NULL
);
CREATE INDEX breaker_transitions_idx ON breaker_transitions (subscription_id, at DESC);

ALTER TABLE subscriptions
  ADD COLUMN rate_limit_per_second double precision,
  ADD COLUMN disabled_reason       text;
