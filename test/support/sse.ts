/** One message of a `text/event-stream` body: its `event` field and its `data` (the data lines joined). */
export interface SseMessage {
  event: string | undefined;
  data: string;
}

/**
 * The messages of a `text/event-stream` body as they arrive (GraphQL over SSE: `next` then `complete`).
 * Leaving the loop early cancels the body, which closes the stream as a client that goes away does.
 */
export async function* sseMessages(body: ReadableStream<Uint8Array> | null): AsyncGenerator<SseMessage> {
  if (!body) return;
  const decoder = new TextDecoder();
  let buffer = '';
  for await (const chunk of body as unknown as AsyncIterable<Uint8Array>) {
    buffer += decoder.decode(chunk, { stream: true }).replaceAll('\r\n', '\n');
    for (let end = buffer.indexOf('\n\n'); end >= 0; end = buffer.indexOf('\n\n')) {
      const block = buffer.slice(0, end);
      buffer = buffer.slice(end + 2);
      let event: string | undefined;
      const data: string[] = [];
      for (const line of block.split('\n')) {
        const colon = line.indexOf(':');
        if (colon <= 0) continue; // a comment (`:` first, the keep-alives) or a line without a field
        const value = line.slice(colon + 1).replace(/^ /, '');
        if (line.startsWith('event:')) event = value;
        else if (line.startsWith('data:')) data.push(value);
      }
      if (event !== undefined || data.length > 0) yield { event, data: data.join('\n') };
    }
  }
}
