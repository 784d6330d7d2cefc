import type { Tracer } from '@opentelemetry/api';
import type { Client } from '@temporalio/client';
import type { Dispatcher } from 'undici';
import type { SecretBox } from '../crypto/secret-box.js';
import type { Pool } from '../db/pool.js';
import type { Logger } from '../logger.js';
import type { BucketOptions } from './token-bucket.js';
import type { AddressPolicy } from '../delivery/url-guard.js';
import type { Resolver } from '../net/guarded-connect.js';
import type { HookflowMetrics } from '../metrics/metrics.js';
import type { EventCatalog } from '../catalog/event-catalog.js';
import type { TenantDirectory } from '../services/tenant-directory.js';
import type { EventQuota } from '../services/event-quota.js';
import type { JsonValue } from '../json.js';
import type { UiOptions } from '../ui/options.js';

/** What the HTTP API needs; tests build it from a real Postgres and a real Temporal. */
export interface ApiDeps {
  pool: Pool;
  temporal: Client;
  taskQueue: string;
  logger: Logger;
  secretBox: SecretBox;
  /** How long a rotated-out signing secret keeps signing (default 24 h). */
  secretRotationOverlapSeconds: number;
  /** Signs and verifies portal tokens (derived from the encryption key: see src/auth/portal-tokens.ts). */
  portalTokenKey: Uint8Array;
  /** Every key a portal token may be signed with, during a keyring rotation (default: portalTokenKey alone). */
  portalTokenVerifyKeys?: readonly Uint8Array[];
  /** Which tenants live and since when their tokens count, kept in memory. */
  tenants: TenantDirectory;
  /** Each tenant's events-per-day quota as this process counts it, kept in memory. */
  eventQuota: EventQuota;
  /** An admin key accepted as given (HOOKFLOW_ADMIN_KEY), besides the keys in Postgres. */
  adminKey: string | undefined;
  /** Inbound requests per API key, shared by every API process (src/limits/shared-rate-limit.ts). */
  rateLimit: BucketOptions;
  /**
   * How long a key verified by this process stays trusted for publishing while
   * PostgreSQL is unreachable (0: never); default KEY_TRUST_DURING_OUTAGE_MS.
   */
  keyTrustDuringOutageMs?: number;
  /** The SSRF guard, applied to subscription URLs when they are set. */
  addressPolicy: AddressPolicy;
  resolve: Resolver;
  metrics: HookflowMetrics;
  /** The event catalog as this process holds it: publishing checks payloads against it (src/catalog/event-catalog.ts). */
  catalog: EventCatalog;
  /** Test sends' HTTP client: SSRF-guarded with `addressPolicy` and `resolve`, as the worker's (createGuardedAgent). */
  webhookHttp: Dispatcher;
  /** The worker's delivery timeout, which test sends use for subscriptions without their own. */
  deliveryTimeoutMs: number;
  /** A test send's default payload for an event type (the event catalog's example), or undefined when there is none. */
  exampleFor: (eventType: string) => Promise<JsonValue | undefined>;
  /** Eager workflow start, for an API sharing its process and Temporal connection with a worker (see publishEvent). */
  eagerStart?: boolean;
  /** The console's and portal's settings (default: DEFAULT_UI_OPTIONS). */
  ui?: UiOptions;
  /** A server span per request through this tracer, when tracing is on (see src/telemetry/tracing.ts). */
  tracer?: Tracer;
}
