/**
 * Reads both documented error bodies:
 * envelope `{"error":{"code","message","status"}}` and flat `{"error":"Unauthorized","message"}`.
 * Anything else (HTML from a proxy, empty body) yields no code and no message.
 */
export function parseErrorBody(text: string): { code?: string; message?: string } {
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    return {};
  }
  if (!isRecord(body)) return {};
  const { error } = body;
  if (isRecord(error)) {
    return { code: stringOrUndefined(error.code), message: stringOrUndefined(error.message ?? body.message) };
  }
  if (typeof error === 'string') {
    return { code: toUpperSnake(error), message: stringOrUndefined(body.message) ?? error };
  }
  return { code: stringOrUndefined(body.code), message: stringOrUndefined(body.message) };
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function stringOrUndefined(value: unknown): string | undefined {
  return typeof value === 'string' && value.length > 0 ? value : undefined;
}

/** The flat shape names the error in words ("Unauthorized"); the envelope uses UPPER_SNAKE codes. */
function toUpperSnake(words: string): string {
  return words
    .trim()
    .replace(/([a-z])([A-Z])/g, '$1_$2')
    .replace(/[^A-Za-z0-9]+/g, '_')
    .toUpperCase();
}
