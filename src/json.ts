import type { z } from 'zod';

/** Any JSON value, as zod's `z.json()` describes it. */
export type JsonValue = z.infer<ReturnType<typeof z.json>>;
