// The Temporal SDK's native runtime, one per process: its logs go through
// hookflow's logger, and its metrics (task slots, poll and schedule-to-start
// latencies, workflow and activity outcomes) are exported in the Prometheus
// format on a loopback port, for hookflow's /metrics to append to its own.
import { Runtime } from '@temporalio/worker';
import { freePort } from '../dev/ports.js';
import type { Logger } from '../logger.js';
import { sdkLoggerFor } from './sdk-logger.js';

/**
 * Every SDK metric starts with this, hookflow's own with `hookflow_`: the two
 * sets never share a name, so they can be served as one exposition.
 */
const SDK_METRIC_PREFIX = 'temporal_';

const BIND_ATTEMPTS = 5;

let installing: Promise<string> | undefined;

/**
 * Installs the runtime unless this process already did (the SDK allows one
 * install per process; the first worker's logger wins) and resolves to the URL
 * of the SDK's metrics.
 */
export function installSdkRuntimeOnce(logger: Logger): Promise<string> {
  installing ??= install(logger).catch((error: unknown) => {
    installing = undefined;
    throw error;
  });
  return installing;
}

/** Where this process's SDK metrics answer, once a worker installed the runtime (the API alone has none). */
export async function sdkMetricsUrl(): Promise<string | undefined> {
  return installing?.catch(() => undefined);
}

async function install(logger: Logger): Promise<string> {
  for (let attempt = 1; ; attempt++) {
    // The SDK cannot report a port the OS picked, so we pick one; another
    // process may take it before the SDK binds it, hence the retries.
    const bindAddress = `127.0.0.1:${await freePort()}`;
    try {
      Runtime.install({
        logger: sdkLoggerFor(logger),
        telemetryOptions: {
          metrics: {
            metricPrefix: SDK_METRIC_PREFIX,
            // Durations in seconds with the unit in the name, like hookflow's own
            // (temporal_activity_execution_latency_seconds): a dashboard made for
            // the SDK's default milliseconds then finds no series rather than
            // wrong ones. Counters keep the names of Temporal's SDK metrics
            // reference (temporal_workflow_completed): the `_total` suffix
            // would double on the SDK's temporal_local_activity_total.
            prometheus: { bindAddress, useSecondsForDurations: true, unitSuffix: true },
          },
        },
      });
      return `http://${bindAddress}/metrics`;
    } catch (error) {
      const portTaken = error instanceof Error && /address already in use/i.test(error.message);
      if (!portTaken || attempt === BIND_ATTEMPTS) throw error;
    }
  }
}
