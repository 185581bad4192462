import { startOtlpReceiver } from '../scripts/otlp-receiver.js';
import { processStats, serveParent } from './ipc.js';

/**
 * The OTLP/HTTP receiver of scripts/otlp-receiver.ts in its own process, for the features section
 * (bench/features.ts): the facade exports every span to it over loopback, as to a collector. It counts spans
 * and keeps none, so that memory stays flat under load. Usage: otlp-receiver-process.ts
 */
export interface ReceiverReady {
  url: string;
}

let spans = 0;
const receiver = await startOtlpReceiver({
  onExport: (received) => {
    spans += received.spans.length;
    receiver.exports.length = 0;
  },
});

serveParent({ url: receiver.url } satisfies ReceiverReady, {
  stats: processStats,
  /** Spans received since the last ask. */
  takeSpans: () => {
    const taken = spans;
    spans = 0;
    return taken;
  },
});
