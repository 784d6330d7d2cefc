// The Temporal SDK's own metrics, read from the Prometheus endpoint its native
// runtime serves on loopback (src/runtime/sdk-runtime.ts), to be appended to
// hookflow's: operators scrape one target per process.

const FETCH_TIMEOUT_MS = 2_000;

/**
 * The SDK's exposition text, or a comment saying why it is missing: a scrape
 * must still answer hookflow's own metrics when the SDK's cannot be read.
 */
export async function fetchSdkMetrics(url: string): Promise<string> {
  try {
    const response = await fetch(url, { signal: AbortSignal.timeout(FETCH_TIMEOUT_MS) });
    if (!response.ok) throw new Error(`HTTP ${response.status}`);
    const text = await response.text();
    return text === '' || text.endsWith('\n') ? text : `${text}\n`;
  } catch (error) {
    const reason = error instanceof Error ? (error.cause instanceof Error ? error.cause.message : error.message) : String(error);
    // A comment is valid exposition text; the reason is on one line.
    return `# Temporal SDK metrics unavailable from ${url}: ${reason.replace(/\s+/g, ' ')}\n`;
  }
}
