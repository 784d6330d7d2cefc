// The environment the bench starts hookflow's API and worker processes with:
// the given Temporal and PostgreSQL, a fresh encryption key, loopback
// receivers allowed and no API rate limit in the way of the load.
import { generateEncryptionKey } from '../../src/crypto/secret-box.js';

export function benchHookflowEnv(services: { databaseUrl: string; temporalAddress: string }, apiPort: number): NodeJS.ProcessEnv {
  return {
    ...process.env,
    DATABASE_URL: services.databaseUrl,
    TEMPORAL_ADDRESS: services.temporalAddress,
    HOOKFLOW_ENCRYPTION_KEY: generateEncryptionKey(),
    HOOKFLOW_ALLOWED_CIDRS: '127.0.0.0/8',
    HOOKFLOW_API_RATE_LIMIT_PER_SECOND: '1000000',
    PORT: String(apiPort),
    HOST: '127.0.0.1',
    LOG_LEVEL: 'warn',
  };
}
