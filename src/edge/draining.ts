import type { IncomingMessage, Server, ServerResponse } from 'node:http';

/** Once nothing is in flight, how often connections that have become idle are closed. */
const IDLE_SWEEP_MS = 50;

/**
 * The HTTP side of a graceful shutdown. While draining, the server keeps listening: `/readiness` answers 503
 * (a load balancer sees a replica draining, not a dead one), the requests in flight finish, and every answer
 * carries `Connection: close`, so that each keep-alive connection closes after its next response instead of
 * being cut while a request may be on its way. Once nothing is in flight, it stops listening and closes the
 * connections left idle.
 */
export class HttpDrain {
  private inFlight = 0;
  private draining = false;
  private onIdle: (() => void) | undefined;

  /** Counts a request until its response is done (sent, or its connection closed). */
  track(_request: IncomingMessage, response: ServerResponse): void {
    if (this.draining) response.setHeader('connection', 'close');
    this.inFlight++;
    response.once('close', () => {
      this.inFlight--;
      if (this.inFlight === 0) this.onIdle?.();
    });
  }

  /** Starts answering with `Connection: close`. */
  start(): void {
    this.draining = true;
  }

  get requestsInFlight(): number {
    return this.inFlight;
  }

  /**
   * Resolves once no request is in flight (requests that arrive meanwhile are served and waited for too),
   * then stops listening and closes the connections left idle; resolves when every connection has closed.
   */
  async close(server: Server): Promise<void> {
    if (this.inFlight > 0) {
      await new Promise<void>((resolve) => {
        this.onIdle = resolve;
      });
      this.onIdle = undefined;
    }
    const closed = new Promise<void>((resolve) => server.close(() => resolve()));
    // A connection busy at this moment (a request that just arrived) closes after its answer.
    server.closeIdleConnections();
    const sweep = setInterval(() => server.closeIdleConnections(), IDLE_SWEEP_MS);
    await closed;
    clearInterval(sweep);
  }
}
