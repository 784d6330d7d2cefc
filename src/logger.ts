import { pino, type DestinationStream, type Logger } from 'pino';

export type { Logger };

/** `destination` defaults to stdout; tests pass one to read what was logged. */
export function createLogger(level: string, destination?: DestinationStream): Logger {
  const options = {
    name: 'hookflow',
    level,
    // Defence in depth: these fields must never be logged, but if one is, it is masked.
    redact: { paths: ['secret', '*.secret', 'headers.authorization', '*.headers.authorization'], censor: '[redacted]' },
  };
  return destination ? pino(options, destination) : pino(options);
}
