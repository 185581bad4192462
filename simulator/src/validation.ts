import { z } from 'zod';
import type { PageCursor } from './contract.js';
import { badRequest, validationError } from './errors.js';

export type Query = Record<string, unknown>;

/** `filters.tags.selectedIds.0` -> `filters[tags][selectedIds][0]`, the spelling clients use. */
function formatPath(path: readonly PropertyKey[]): string {
  const [head, ...rest] = path.map(String);
  return head === undefined ? 'body' : head + rest.map((part) => `[${part}]`).join('');
}

function describe(error: z.ZodError): string {
  const issue = error.issues[0];
  return issue ? `${formatPath(issue.path)}: ${issue.message}` : 'invalid input';
}

/** Query parameters that don't parse are a 400 (malformed request). */
export function parseQuery<T extends z.ZodType>(schema: T, query: Query): z.output<T> {
  const result = schema.safeParse(query);
  if (!result.success) throw badRequest(`Invalid query parameter ${describe(result.error)}`);
  return result.data;
}

/** Well-formed JSON that breaks the body schema is a 422; a body that isn't an object is a 400. */
export function parseBody<T extends z.ZodType>(schema: T, body: unknown): z.output<T> {
  const value = body ?? {};
  if (typeof value !== 'object' || Array.isArray(value)) {
    throw badRequest('Request body must be a JSON object');
  }
  const result = schema.safeParse(value);
  if (!result.success) throw validationError(`Invalid field ${describe(result.error)}`);
  return result.data;
}

const CUID = /^[0-9a-z]+$/;
const ISO_DATE_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,9})?(Z|[+-]\d{2}:\d{2})$/;

export const cuid = z.string().regex(CUID, { error: 'must be an Inbox id (lowercase letters and digits)' });

/** Arrays arrive as `a=1&a=2`, `a[]=1` or `a[0]=1`; one value is a plain string, huge indices an object. */
export const arrayParam = <T extends z.ZodType>(item: T) =>
  z.preprocess((value) => {
    if (typeof value === 'string') return [value];
    if (value && typeof value === 'object' && !Array.isArray(value)) return Object.values(value);
    return value;
  }, z.array(item));

export const booleanParam = z
  .enum(['true', 'false'], { error: 'must be true or false' })
  .transform((value) => value === 'true');

export const intParam = (min: number, max: number) =>
  z
    .string()
    .regex(/^-?\d+$/, { error: `must be an integer between ${min} and ${max}` })
    .transform(Number)
    .pipe(
      z
        .number()
        .min(min, { error: `must be an integer between ${min} and ${max}` })
        .max(max, { error: `must be an integer between ${min} and ${max}` }),
    );

/** ISO-8601 date-time, normalized to `toISOString()` so it compares with stored timestamps as a string. */
export const isoTimestamp = z
  .string()
  .regex(ISO_DATE_TIME, { error: 'must be an ISO-8601 date-time (percent-encode ":" and "+")' })
  .refine((value) => !Number.isNaN(Date.parse(value)), { error: 'must be a valid date-time' })
  .transform((value) => new Date(value).toISOString());

/** Both cursor spellings; see `cursorOf`. */
export const cursorParams = {
  cursorId: cuid.optional(),
  cursorTimestamp: isoTimestamp.optional(),
  cursor: z.object({ id: cuid.optional(), timestamp: isoTimestamp.optional() }).optional(),
};

interface CursorParams {
  cursorId?: string | undefined;
  cursorTimestamp?: string | undefined;
  cursor?: { id?: string | undefined; timestamp?: string | undefined } | undefined;
}

/** The keyset position from either the flat pair or the deprecated bracket form (never both). */
export function cursorOf(params: CursorParams): PageCursor | null {
  const flat = params.cursorId !== undefined || params.cursorTimestamp !== undefined;
  if (flat && params.cursor !== undefined) {
    throw badRequest('cursorId/cursorTimestamp and cursor[id]/cursor[timestamp] cannot be combined');
  }
  const id = flat ? params.cursorId : params.cursor?.id;
  const timestamp = flat ? params.cursorTimestamp : params.cursor?.timestamp;
  if (id === undefined && timestamp === undefined) return null;
  if (id === undefined || timestamp === undefined) {
    throw badRequest(
      flat
        ? 'cursorId and cursorTimestamp must be sent together'
        : 'cursor[id] and cursor[timestamp] must be sent together',
    );
  }
  return { id, timestamp };
}

/** Non-blank text; `trim` only decides emptiness, the value is kept verbatim. */
export const text = (max: number) =>
  z
    .string()
    .max(max, { error: `must be at most ${max} characters` })
    .refine((value) => value.trim().length > 0, { error: 'must not be empty' });
