-- The event catalog: the platform's event types (global, shared by every
-- tenant) and the history of each type's payload schema. A schema is never
-- changed in place: a new one is a new version, so what a type accepted at
-- any time can be read back. A breaking change is a new type name
-- (order.created.v2), not a new version.
CREATE TABLE event_types (
  name           text PRIMARY KEY,
  description    text NOT NULL DEFAULT '',
  -- json, not jsonb: the author's text is kept as written, key order included
  -- (it is read back and shown, and Ajv reports failures in schema order).
  examples       json NOT NULL DEFAULT '[]',
  -- Deprecated since then; NULL while current. Deprecated types are still accepted.
  deprecated_at  timestamptz,
  created_at     timestamptz NOT NULL DEFAULT date_trunc('milliseconds', now()),
  updated_at     timestamptz NOT NULL DEFAULT date_trunc('milliseconds', now())
);
CREATE INDEX event_types_page_idx ON event_types (created_at, name);

CREATE TABLE event_type_schemas (
  name        text NOT NULL REFERENCES event_types (name) ON DELETE CASCADE,
  version     integer NOT NULL CHECK (version >= 1),
  schema      json NOT NULL,
  created_at  timestamptz NOT NULL DEFAULT date_trunc('milliseconds', now()),
  PRIMARY KEY (name, version)
);

-- hookflow's own operational events, published through the same path as any
-- other (see createAnnouncer), so HOOKFLOW_REQUIRE_EVENT_TYPES=true must find
-- them. Their schemas name what is always there and leave room for more
-- (no additionalProperties: false), so adding a field is not a breaking change.
INSERT INTO event_types (name, description, examples) VALUES (
  'subscription.disabled',
  'hookflow disabled a subscription: its endpoint kept failing (or answered 410 Gone). Re-enable it with PATCH /v1/subscriptions/{id} {"status": "active"}.',
  '[{"subscriptionId": "sub_01HZX3J5Q0W4E8N2V6R9T1Y7KC", "url": "https://example.com/hooks", "reason": "failing since 2026-01-01T00:00:00.000Z without a success", "failingSince": "2026-01-01T00:00:00.000Z"}]'
);
INSERT INTO event_type_schemas (name, version, schema) VALUES (
  'subscription.disabled',
  1,
  '{
    "$schema": "https://json-schema.org/draft/2020-12/schema",
    "type": "object",
    "required": ["subscriptionId", "url", "reason", "failingSince"],
    "properties": {
      "subscriptionId": {"type": "string", "description": "the disabled subscription"},
      "url": {"type": "string", "description": "its endpoint, without credentials or query"},
      "reason": {"type": "string", "description": "why it was disabled"},
      "failingSince": {"type": "string", "format": "date-time", "description": "when the run of failures began"}
    }
  }'
);
