-- created_at columns hold whole milliseconds: they are page cursors, and a
-- cursor travels as a JavaScript Date, which has no microseconds.

-- Subscriptions: where events go and how they are signed.
CREATE TABLE subscriptions (
  id                     text PRIMARY KEY,
  url                    text NOT NULL,
  event_types            text[] NOT NULL,
  description            text,
  headers                jsonb NOT NULL DEFAULT '{}'::jsonb,
  secret                 text NOT NULL,
  status                 text NOT NULL DEFAULT 'active' CHECK (status IN ('active', 'paused', 'disabled')),
  retry_schedule         double precision[],
  timeout_ms             integer,
  permanent_status_codes integer[] NOT NULL DEFAULT '{}',
  created_at             timestamptz NOT NULL DEFAULT date_trunc('milliseconds', now()),
  updated_at             timestamptz NOT NULL DEFAULT now(),
  -- Deleted subscriptions stay as rows so their deliveries keep their history.
  deleted_at             timestamptz
);
CREATE INDEX subscriptions_event_types_idx ON subscriptions USING gin (event_types) WHERE deleted_at IS NULL;
CREATE INDEX subscriptions_page_idx ON subscriptions (created_at, id) WHERE deleted_at IS NULL;

-- Events, recorded by the event workflow's first activity (not by the API).
CREATE TABLE events (
  id              text PRIMARY KEY,
  type            text NOT NULL,
  -- json, not jsonb: the payload is delivered with its keys in the order the
  -- producer sent them (jsonb would sort them).
  payload         json NOT NULL,
  idempotency_key text,
  created_at      timestamptz NOT NULL,
  recorded_at     timestamptz NOT NULL DEFAULT now(),
  -- Set when the last batch of deliveries is handed to the event workflow run
  -- (which then starts their workflows); a later run of the same event id
  -- (after Temporal's retention) fans out nothing again. See migration 004.
  fanned_out_at   timestamptz
);

CREATE TABLE deliveries (
  id              text PRIMARY KEY,
  event_id        text NOT NULL REFERENCES events (id),
  subscription_id text NOT NULL REFERENCES subscriptions (id),
  status          text NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'succeeded', 'dead')),
  attempt_count   integer NOT NULL DEFAULT 0,
  -- attempt_count when the current round of retries began (0, or the count at
  -- the last redelivery): the retry schedule counts HTTP attempts from here.
  retry_base      integer NOT NULL DEFAULT 0,
  last_error      text,
  created_at      timestamptz NOT NULL DEFAULT date_trunc('milliseconds', now()),
  updated_at      timestamptz NOT NULL DEFAULT now(),
  UNIQUE (event_id, subscription_id)
);
CREATE INDEX deliveries_page_idx ON deliveries (created_at, id);
CREATE INDEX deliveries_status_idx ON deliveries (status, created_at, id);
CREATE INDEX deliveries_subscription_idx ON deliveries (subscription_id, created_at, id);

-- Every HTTP attempt, numbered per delivery across redeliveries.
CREATE TABLE attempts (
  delivery_id   text NOT NULL REFERENCES deliveries (id),
  number        integer NOT NULL,
  started_at    timestamptz NOT NULL,
  duration_ms   integer NOT NULL,
  status_code   integer,
  error         text,
  response_body text,
  PRIMARY KEY (delivery_id, number)
);
