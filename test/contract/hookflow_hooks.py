"""Schemathesis hooks for test/integration/contract.test.ts.

Some rules the OpenAPI document can only state in prose, because they depend on
the server's state or relate two fields: a tenant must exist, a URL must pass the
SSRF guard, a cursor must be one the API returned, an event type's examples must
validate against its schema, and so on (each is in the schema's description).
Before a request goes out, a value of the right shape for such a field is
replaced by one that satisfies the rule, from the resources the test made
(HOOKFLOW_CONTRACT_WORLD). A value of the wrong shape is left alone, so invalid
requests stay invalid and must still be refused.
"""

import json
import os
import re
from datetime import datetime, timedelta, timezone

import schemathesis

WORLD = json.loads(os.environ["HOOKFLOW_CONTRACT_WORLD"])
ID = re.compile(r"^[A-Za-z0-9_.-]{1,128}$")
EVENT_TYPE = re.compile(r"^[A-Za-z0-9_-]+(\.[A-Za-z0-9_-]+)*$")
RESERVED_HEADERS = {
    "webhook-id", "webhook-timestamp", "webhook-signature", "webhook-test", "content-type", "content-length", "host",
    "user-agent", "connection", "keep-alive", "proxy-connection", "transfer-encoding", "te", "trailer", "upgrade",
}
MAX_RETRY_SPAN_SECONDS = 14 * 24 * 3600


def is_number(value):
    return isinstance(value, (int, float)) and not isinstance(value, bool)


def is_timestamp(value):
    try:
        datetime.fromisoformat(value.replace("Z", "+00:00"))
        return True
    except ValueError:
        return False


def satisfy_body(path, method, body):
    if not isinstance(body, dict):
        return
    # A live tenant the caller reaches.
    if isinstance(body.get("tenantId"), str) and ID.match(body["tenantId"]):
        body["tenantId"] = WORLD["tenant"]
    # A URL the SSRF guard admits (an absolute http(s) URL of any host is the right shape).
    if isinstance(body.get("url"), str) and re.match(r"^https?://", body["url"], re.IGNORECASE):
        body["url"] = WORLD["receiverUrl"]
    # A filter in the documented language (docs/routing.md): its documented example.
    if isinstance(body.get("filter"), dict):
        body["filter"] = {"amount": {"$gte": 100}, "customer.country": {"$in": ["NL", "BE"]}}
    # Headers hookflow sets itself, in any case, are not the subscription's to set.
    if isinstance(body.get("headers"), dict):
        body["headers"] = {k: v for k, v in body["headers"].items() if k.lower() not in RESERVED_HEADERS}
    # A retry schedule spans at most 14 days in all.
    schedule = body.get("retrySchedule")
    if isinstance(schedule, list) and all(is_number(s) for s in schedule) and sum(schedule) > MAX_RETRY_SPAN_SECONDS:
        body["retrySchedule"] = schedule[:1]
    # onDeadLetter only with ordering fifo.
    if path == "/v1/subscriptions" and method == "POST" and body.get("onDeadLetter") in ("block", "skip"):
        body["ordering"] = "fifo"
    if path.startswith("/v1/event-types"):
        # A schema Ajv compiles in strict mode, and examples it accepts. The empty schema: events this run
        # publishes under the types it creates keep any payload.
        if isinstance(body.get("schema"), dict):
            body["schema"] = {}
        if isinstance(body.get("examples"), list) and len(body["examples"]) <= 20:
            body["examples"] = [{}]
    # A recovery's window reaches at most 31 days back, from a since in the past (src/schemas/subscription.ts).
    if path.endswith("/recover") and isinstance(body.get("since"), str) and is_timestamp(body["since"]):
        now = datetime.now(timezone.utc)
        body["since"] = (now - timedelta(hours=1)).isoformat().replace("+00:00", "Z")
        if isinstance(body.get("until"), str) and is_timestamp(body["until"]):
            body["until"] = now.isoformat().replace("+00:00", "Z")
    # A test send's event type the catalog has an example for.
    if path.endswith("/test") and isinstance(body.get("eventType"), str) and EVENT_TYPE.match(body["eventType"]):
        body["eventType"] = WORLD["eventType"]


@schemathesis.hook
def before_call(ctx, case, **kwargs):
    path = case.operation.path
    method = case.method.upper()
    satisfy_body(path, method, case.body)
    query = case.query
    if isinstance(query, dict):
        if isinstance(query.get("tenantId"), str) and ID.match(query["tenantId"]):
            query["tenantId"] = WORLD["tenant"]
        # An opaque cursor is one the API returned (an empty one is the first page).
        if isinstance(query.get("cursor"), str) and 0 < len(query["cursor"]) <= 512:
            query["cursor"] = WORLD["cursor"]
