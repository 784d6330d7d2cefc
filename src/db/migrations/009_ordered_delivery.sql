-- Ordered (FIFO) delivery, opt-in per subscription (docs/ordered-delivery.md).
-- `ordering` is fixed at creation; `on_dead_letter` says what a fifo stream
-- does with a dead letter: wait for it (block) or move on (skip).
ALTER TABLE subscriptions
  ADD COLUMN ordering       text NOT NULL DEFAULT 'none' CHECK (ordering IN ('none', 'fifo')),
  ADD COLUMN on_dead_letter text CHECK (on_dead_letter IN ('block', 'skip'));

-- A fifo subscription's deliveries carry their place in the stream, copied
-- from the event when it is recorded: the time the API accepted the event
-- (events.created_at), ties broken by event id. NULL for unordered deliveries,
-- which never enter a stream.
ALTER TABLE deliveries ADD COLUMN ordered_at timestamptz;
CREATE INDEX deliveries_ordered_head_idx ON deliveries (subscription_id, ordered_at, event_id)
  WHERE ordered_at IS NOT NULL AND status = 'pending';

-- One row per fifo stream: how far it has sent (the largest key handed out as
-- the head), and how many deliveries it has had to send behind a later one
-- because their event was recorded after that later one was sent.
CREATE TABLE ordered_streams (
  subscription_id  text PRIMARY KEY REFERENCES subscriptions (id),
  sent_ordered_at  timestamptz NOT NULL,
  sent_event_id    text NOT NULL,
  order_violations integer NOT NULL DEFAULT 0,
  updated_at       timestamptz NOT NULL DEFAULT now()
);
