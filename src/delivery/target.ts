/**
 * A URL as it may be shown in logs, summaries and the Temporal Web UI: scheme,
 * host and path only. Query strings and userinfo often carry tokens, and
 * nothing secret may leave Postgres.
 */
export function displayTarget(url: string): string {
  try {
    const parsed = new URL(url);
    return `${parsed.protocol}//${parsed.host}${parsed.pathname}`;
  } catch {
    return '(invalid url)';
  }
}
