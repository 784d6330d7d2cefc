// A server span per API request, active while the request is handled, so the
// event workflow's start (and through it the delivery) joins the request's
// trace. A caller's own `traceparent` is continued. Only the method, the
// route pattern and the status are recorded: never a header value, a query
// string or a body, which may hold API keys, tokens or payloads.
import { context, propagation, SpanKind, SpanStatusCode, type Tracer } from '@opentelemetry/api';
import { ATTR_HTTP_REQUEST_METHOD, ATTR_HTTP_RESPONSE_STATUS_CODE, ATTR_HTTP_ROUTE } from '@opentelemetry/semantic-conventions';
import type { MiddlewareHandler } from 'hono';
import { routePath } from 'hono/route';
import type { AppEnv } from '../env.js';

export function traceRequests(tracer: Tracer): MiddlewareHandler<AppEnv> {
  return async (c, next) => {
    const parent = propagation.extract(context.active(), c.req.header());
    const method = c.req.method;
    await tracer.startActiveSpan(method, { kind: SpanKind.SERVER, attributes: { [ATTR_HTTP_REQUEST_METHOD]: method } }, parent, async (span) => {
      try {
        await next();
      } finally {
        // The last route matched is the endpoint's pattern (/v1/events/:id),
        // even when a middleware before it answered (401, 429).
        const route = routePath(c, -1);
        const status = c.res.status;
        span.updateName(`${method} ${route}`);
        span.setAttributes({ [ATTR_HTTP_ROUTE]: route, [ATTR_HTTP_RESPONSE_STATUS_CODE]: status });
        // Hono answers errors itself (app.onError): only 5xx are the server's fault.
        if (status >= 500) span.setStatus({ code: SpanStatusCode.ERROR });
        span.end();
      }
    });
  };
}
