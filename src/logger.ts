import { pino, type Logger } from 'pino';

export type { Logger };

export function createLogger(level: string, name = 'hookflow'): Logger {
  return pino({
    name,
    level,
    // Defence in depth: these fields must never be logged, but if one is, it is masked.
    redact: { paths: ['secret', '*.secret', 'headers.authorization', '*.headers.authorization'], censor: '[redacted]' },
  });
}
