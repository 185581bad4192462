import type { Plugin } from 'graphql-yoga';

/**
 * Tracing is configured by the standard OpenTelemetry variables alone, and is off unless they ask for it:
 * `OTEL_TRACES_EXPORTER` (other than `none`), or an OTLP endpoint (`OTEL_EXPORTER_OTLP_TRACES_ENDPOINT`,
 * `OTEL_EXPORTER_OTLP_ENDPOINT`); `OTEL_SDK_DISABLED=true` turns it off whatever else is set. The SDK itself
 * would export to localhost:4318 with nothing set; here nothing set means no SDK loaded, no exporter, no span.
 */
export function tracesRequested(environment: Record<string, string | undefined> = process.env): boolean {
  if (environment.OTEL_SDK_DISABLED?.trim().toLowerCase() === 'true') return false;
  const exporters = (environment.OTEL_TRACES_EXPORTER ?? '')
    .split(',')
    .map((name) => name.trim())
    .filter((name) => name !== '' && name !== 'null');
  // As the SDK reads the list: `none` first turns traces off.
  if (exporters.length > 0) return exporters[0] !== 'none';
  return Boolean(
    environment.OTEL_EXPORTER_OTLP_TRACES_ENDPOINT?.trim() || environment.OTEL_EXPORTER_OTLP_ENDPOINT?.trim(),
  );
}

export interface Tracing {
  /** Yoga plugins: the HTTP server span and the operation's spans. */
  plugins: Plugin[];
  /** Exports what is still buffered, then stops. */
  shutdown(): Promise<void>;
}

/**
 * Starts the OpenTelemetry SDK when the environment asks for traces; else `undefined`, and the SDK is never
 * even loaded (a dynamic import), so that the default costs nothing at start-up or per request.
 */
export async function startTracing(): Promise<Tracing | undefined> {
  // The SDK reads process.env itself: so does the decision to load it.
  if (!tracesRequested(process.env)) return undefined;
  const { startOpenTelemetry } = await import('./otel.js');
  return startOpenTelemetry();
}
