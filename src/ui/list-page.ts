// Reading one page of a /v1 list for a console page: 50 items from the
// page's own ?cursor= on.
import type { Context } from 'hono';
import type { Page as ApiPage } from '../schemas/common.js';
import type { UiEnv } from './session.js';
import { v1For, type UiDeps } from './ui-deps.js';

export function readListPage<T>(c: Context<UiEnv>, deps: UiDeps, path: string): Promise<ApiPage<T>> {
  const params = new URLSearchParams({ limit: '50' });
  const cursor = c.req.query('cursor');
  if (cursor) params.set('cursor', cursor);
  return v1For(c, deps).get<ApiPage<T>>(`${path}?${params}`);
}
