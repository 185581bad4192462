import { type DestinationStream, type Logger, pino } from 'pino';
import { traceLogFields } from './hooks.js';

/**
 * Structured JSON logs. We never log headers, but the redaction is kept as a second line of defence:
 * a token that slipped into a logged object is censored, wherever it sits.
 */
export const REDACTED_PATHS = [
  'authorization',
  'Authorization',
  'headers.authorization',
  'req.headers.authorization',
  'request.headers.authorization',
  '*.authorization',
  '*.headers.authorization',
  'token',
  '*.token',
];

export function createLogger(level: string, destination?: DestinationStream): Logger {
  return pino(
    {
      level,
      base: { service: 'inbox-graphql-facade' },
      redact: { paths: REDACTED_PATHS, censor: '[redacted]' },
      // With tracing on, each line written within a span carries its `trace_id` and `span_id`.
      mixin: traceLogFields,
    },
    destination,
  );
}
