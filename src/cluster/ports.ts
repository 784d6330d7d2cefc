// Where each process of the cluster listens. The defaults are the ports users
// know (Temporal 7233, its Web UI 8080, the API 3000); tests and benchmarks
// take free ones so that several clusters, and `npm start`, can run at once.
import { isPortFree } from '../dev/ports.js';

export interface ClusterPorts {
  /** The balancer: the one address producers use. */
  balancer: number;
  /** API i listens on apiBase + i (i from 0). */
  apiBase: number;
  /** Worker i serves Prometheus metrics on workerMetricsBase + i. */
  workerMetricsBase: number;
  postgres: number;
  /** The Temporal frontend; the server's other services take the nine ports after it. */
  temporalBase: number;
  temporalUi: number;
}

export const DEFAULT_CLUSTER_PORTS: ClusterPorts = {
  balancer: 3000,
  apiBase: 3001,
  workerMetricsBase: 9465,
  postgres: 54330,
  temporalBase: 7233,
  temporalUi: 8080,
};

/** The Temporal server's ports as deploy/temporal/hookflow.yaml reads them. */
export function temporalServerPortEnv(base: number): Record<string, string> {
  const names = [
    'TEMPORAL_FRONTEND_PORT',
    'TEMPORAL_HISTORY_PORT',
    'TEMPORAL_MATCHING_PORT',
    'TEMPORAL_WORKER_PORT',
    'TEMPORAL_FRONTEND_HTTP_PORT',
    'TEMPORAL_FRONTEND_MEMBERSHIP_PORT',
    'TEMPORAL_HISTORY_MEMBERSHIP_PORT',
    'TEMPORAL_MATCHING_MEMBERSHIP_PORT',
    'TEMPORAL_WORKER_MEMBERSHIP_PORT',
    'TEMPORAL_METRICS_PORT',
  ];
  return Object.fromEntries(names.map((name, offset) => [name, String(base + offset)]));
}

/** Free ports for a whole cluster, below the ephemeral range so a restarted part finds its port still free. */
export async function freeClusterPorts(apis: number, workers: number): Promise<ClusterPorts> {
  const taken = new Set<number>();
  const block = async (size: number): Promise<number> => {
    for (;;) {
      const base = 20_000 + Math.floor(Math.random() * 12_000);
      const ports = Array.from({ length: size }, (_, i) => base + i);
      if (ports.some((port) => taken.has(port))) continue;
      if ((await Promise.all(ports.map(isPortFree))).every(Boolean)) {
        ports.forEach((port) => taken.add(port));
        return base;
      }
    }
  };
  return {
    balancer: await block(1),
    apiBase: await block(apis),
    workerMetricsBase: await block(workers),
    postgres: await block(1),
    temporalBase: await block(10),
    temporalUi: await block(1),
  };
}
