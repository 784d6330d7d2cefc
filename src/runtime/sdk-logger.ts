// The Temporal SDK's logs, through hookflow's pino logger, so one process
// writes one JSON log stream.
import type { LogLevel, LogMetadata, Logger as SdkLogger } from '@temporalio/common';
import { EXPECTED_FAILURE_TYPES } from '../delivery/failure-types.js';
import type { Logger } from '../logger.js';

const LEVELS: Record<LogLevel, 'trace' | 'debug' | 'info' | 'warn' | 'error'> = {
  TRACE: 'trace',
  DEBUG: 'debug',
  INFO: 'info',
  WARN: 'warn',
  ERROR: 'error',
};

export function sdkLoggerFor(logger: Logger): SdkLogger {
  // The SDK narrates a lot at info (bundler output, state changes): keep its
  // warnings and errors unless hookflow itself logs at debug or finer.
  const verbose = logger.isLevelEnabled('debug');
  const sdk = logger.child({ component: 'temporal-sdk' }, verbose ? {} : { level: minLevel(logger.level, 'warn') });
  const log = (level: LogLevel, message: string, meta: LogMetadata = {}) => {
    // Task tokens are long opaque blobs; pino serialises errors only under `err`.
    const { taskToken: _taskToken, error, ...rest } = meta;
    const pinoLevel = isExpectedFailure(error) ? 'debug' : LEVELS[level];
    sdk[pinoLevel](error === undefined ? rest : { ...rest, err: error }, message);
  };
  return {
    log,
    trace: (message, meta) => log('TRACE', message, meta),
    debug: (message, meta) => log('DEBUG', message, meta),
    info: (message, meta) => log('INFO', message, meta),
    warn: (message, meta) => log('WARN', message, meta),
    error: (message, meta) => log('ERROR', message, meta),
  };
}

/** The less verbose of two pino levels (so `silent` stays silent). */
function minLevel(current: string, floor: string): string {
  const order = ['trace', 'debug', 'info', 'warn', 'error', 'fatal', 'silent'];
  return order.indexOf(current) > order.indexOf(floor) ? current : floor;
}

/**
 * Failures that are the normal life of a webhook (a receiver answering 503, a
 * paused subscription): the deliver activity already logs each attempt, so
 * the SDK's "Activity failed" warning for them is noise.
 */

function isExpectedFailure(error: unknown): boolean {
  return typeof error === 'object' && error !== null && EXPECTED_FAILURE_TYPES.has((error as { type?: string }).type ?? '');
}
