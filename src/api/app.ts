import { OpenAPIHono, type RouteConfig } from '@hono/zod-openapi';
import { HTTPException } from 'hono/http-exception';
import { KeyNotInRingError } from '../crypto/secret-box.js';
import { bodyLimit } from 'hono/body-limit';
import { InvalidCursorError } from '../db/page.js';
import type { ApiDeps } from './deps.js';
import { Problem, fieldErrors, problems } from './problem.js';
import { deliveryRoutes } from './routes/deliveries.js';
import { eventRoutes } from './routes/events.js';
import { healthRoutes } from './routes/health.js';
import { subscriptionRoutes } from './routes/subscriptions.js';
import { unavailableStore } from '../unavailable.js';
import type { AppEnv } from './env.js';
import { authenticate } from './middleware/auth.js';
import { createKeyVerifier } from '../auth/key-verifier.js';
import { rateLimitPerKey } from './middleware/rate-limit.js';
import { sharedRateLimiter } from '../limits/shared-rate-limit.js';
import { traceRequests } from './middleware/tracing.js';
import { keyRoutes } from './routes/keys.js';
import { tenantRoutes } from './routes/tenants.js';
import { docsRoutes } from './routes/docs.js';
import { eventTypeRoutes } from './routes/event-types.js';
import { usageRoutes } from './routes/usage.js';
import { auditEventRoutes } from './routes/audit-events.js';
import { whoamiRoutes } from './routes/whoami.js';
import { statsRoutes } from './routes/stats.js';
import { z } from 'zod';
import { DEFAULT_UI_OPTIONS, uiRoutes } from '../ui/index.js';
import { openApiDocument } from './openapi.js';
import { refuseInvalid } from './validate.js';
import { answerUnknownMethods } from './method-not-allowed.js';

export const MAX_BODY_BYTES = 256 * 1024;
/** What a 503 asks clients to wait before retrying. */
const RETRY_AFTER_SECONDS = 5;

export function createApp(deps: ApiDeps): OpenAPIHono<AppEnv> {
  // Every route's schemas refuse bad input as a 422 naming the field (src/api/validate.ts).
  const app = new OpenAPIHono<AppEnv>({ defaultHook: refuseInvalid });

  // First, so the span covers the whole request, refusals included. The API's
  // own routes only: /readyz, /healthz and /metrics are polled every second
  // or so (a balancer, Prometheus) and would drown the traces that matter.
  if (deps.tracer) app.use('/v1/*', traceRequests(deps.tracer));
  // Who is calling first, so nobody without a key gets a body read or a rate slot.
  app.use(
    '/v1/*',
    authenticate({
      verifyKey: createKeyVerifier(deps.pool, { trustDuringOutageMs: deps.keyTrustDuringOutageMs }),
      adminKey: deps.adminKey,
      portalTokenKey: deps.portalTokenVerifyKeys ?? deps.portalTokenKey,
      tenants: deps.tenants,
    }),
  );
  // One bucket per caller shared by every API process, through PostgreSQL.
  app.use('/v1/*', rateLimitPerKey(sharedRateLimiter(deps.pool, deps.rateLimit), deps.rateLimit.ratePerSecond));
  app.use(
    '/v1/*',
    bodyLimit({
      maxSize: MAX_BODY_BYTES,
      onError: () => {
        throw problems.payloadTooLarge(MAX_BODY_BYTES);
      },
    }),
  );
  app.route('/', healthRoutes(deps));
  // Generated once, on first request, from every route registered below.
  let document: object | undefined;
  app.route(
    '/',
    docsRoutes(deps, () => (document ??= openApiDocument(routeDefinitions(app)))),
  );
  app.route('/v1/subscriptions', subscriptionRoutes(deps));
  app.route('/v1/events', eventRoutes(deps));
  app.route('/v1/event-types', eventTypeRoutes(deps));
  app.route('/v1/deliveries', deliveryRoutes(deps));
  app.route('/v1/keys', keyRoutes(deps));
  app.route('/v1/tenants', tenantRoutes(deps));
  app.route('/v1', usageRoutes(deps));
  app.route('/v1/audit-events', auditEventRoutes(deps));
  app.route('/v1/whoami', whoamiRoutes());
  app.route('/v1/stats', statsRoutes(deps));
  // The console and the portal act through the routes above, in-process, as the signed-in caller.
  app.route(
    '/',
    uiRoutes({
      pool: deps.pool,
      secretBox: deps.secretBox,
      logger: deps.logger,
      options: deps.ui ?? DEFAULT_UI_OPTIONS,
      fetchV1: (request, env) => app.fetch(request, env),
    }),
  );
  answerUnknownMethods(app);

  app.notFound(() => problemResponse(new Problem(404, 'not-found', 'Not found', 'no such route')));
  app.onError((error, c) => {
    if (error instanceof Problem) return problemResponse(error);
    // What the validators refuse before our own reader sees the body (a media type it let through).
    if (error instanceof HTTPException && error.status === 415) return problemResponse(problems.unsupportedMediaType());
    if (error instanceof HTTPException && error.status === 400) return problemResponse(problems.malformedJson(error.message));
    if (error instanceof InvalidCursorError) {
      return problemResponse(problems.validation([{ path: 'query.cursor', message: error.message }]));
    }
    if (error instanceof z.ZodError) return problemResponse(problems.validation(fieldErrors(error)));
    // A secret sealed under a key the ring lost: the operator's to fix, and the key id (never a key) says how.
    if (error instanceof KeyNotInRingError) {
      deps.logger.error({ keyId: error.keyId, method: c.req.method, path: c.req.path }, error.message);
      return problemResponse(new Problem(500, 'encryption-key-missing', 'Encryption key missing', error.message));
    }
    const store = unavailableStore(error);
    if (store) {
      deps.logger.warn({ err: error, store, method: c.req.method, path: c.req.path }, 'dependency unavailable');
      const name = store === 'temporal' ? 'Temporal' : 'PostgreSQL';
      return problemResponse(problems.unavailable(`${name} is unreachable; try again shortly`, RETRY_AFTER_SECONDS));
    }
    // Anything else is ours: log it whole, answer without a stack or SQL.
    deps.logger.error({ err: error, method: c.req.method, path: c.req.path }, 'request failed');
    return problemResponse(problems.internal());
  });

  return app;
}

/** The routes defined with defineRoute, as the app merged them (their paths under the mount points). */
function routeDefinitions(app: OpenAPIHono<AppEnv>): RouteConfig[] {
  return app.openAPIRegistry.definitions.flatMap((definition) => (definition.type === 'route' ? [definition.route] : []));
}

function problemResponse(problem: Problem): Response {
  return new Response(JSON.stringify(problem.toBody()), {
    status: problem.status,
    headers: { ...problem.headers, 'content-type': 'application/problem+json' },
  });
}
