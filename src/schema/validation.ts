import { GraphQLError } from 'graphql';
import { z } from 'zod';
import type { Context } from '../context.js';
import { badUserInput } from '../errors.js';
import { type NodeTypeName, parseInboxId, parseProspectId } from './ids.js';

/**
 * Input validation of the mutations: everything the contract lets us check runs here, before any upstream
 * call, so a bad input costs no write (and no share of the team's 300 calls a minute).
 * Issue messages are predicates ("must be …"); `validate` prefixes them with the offending input path.
 */

/** Runs `schema` on a GraphQL argument; the first issue becomes BAD_USER_INPUT with its path as `field`. */
export function validate<S extends z.ZodType>(schema: S, value: unknown, path = 'input'): z.output<S> {
  const result = schema.safeParse(value);
  if (result.success) return result.data;
  const issue = result.error.issues[0];
  const field = fieldPath(path, issue?.path ?? []);
  throw badUserInput(`\`${field}\` ${issue?.message ?? 'is invalid'}.`, field);
}

/** `input` + ['steps', 0, 'delay'] → `input.steps[0].delay`. */
function fieldPath(base: string, path: readonly PropertyKey[]): string {
  return path.reduce<string>(
    (field, part) => (typeof part === 'number' ? `${field}[${part}]` : `${field}.${String(part)}`),
    base,
  );
}

/**
 * For optional inputs whose upstream field is not nullable: absent keeps the value, `null` is refused
 * (graphql-js leaves absent input fields out of the object, so the two are distinguishable).
 */
export const NOT_NULL = {
  error: (issue: { input: unknown }) =>
    issue.input === null ? 'cannot be null: leave it out to keep the current value' : undefined,
};

/** Non-blank text of at most `max` characters; whitespace only decides blankness, the text is kept as is. */
export const text = (max: number, params?: typeof NOT_NULL) =>
  z
    .string(params)
    .max(max, { error: `must be at most ${max} characters` })
    .refine((value) => value.trim() !== '', { error: 'must not be empty' });

/** Names of tags, statuses and campaign columns: 1–255 characters (CONTRACT §8.6, §8.9). */
export const validName = (params?: typeof NOT_NULL) =>
  z
    .string(params)
    .max(255, { error: 'must be 1–255 characters' })
    .refine((value) => value.trim() !== '', { error: 'must be 1–255 characters, not blank' });

/** X caps a DM at 10 000 characters; the Inbox API needs at least one. */
export const messageContent = text(10_000);

/** Batch endpoints of lists and campaigns take 1–2000 entries per array (CONTRACT §8.8–8.9). */
export const MAX_BATCH = 2000;
export const batch = <T extends z.ZodType>(item: T) =>
  z
    .array(item)
    .min(1, { error: `must hold 1–${MAX_BATCH} entries` })
    .max(MAX_BATCH, { error: `must hold 1–${MAX_BATCH} entries` });

/** A string turned into an id by one of the parsers of ids.ts; their refusals become zod issues. */
export const parsedId = <T>(parse: (value: string, field: string) => T) =>
  z.string().transform((value, context) => {
    try {
      return parse(value, 'id');
    } catch (error) {
      context.issues.push({ code: 'custom', message: reasonOf(error), input: value });
      return z.NEVER;
    }
  });

/** ids.ts words its refusals for a field named `id`: keep the reason, `validate` adds the real path. */
function reasonOf(error: unknown): string {
  const message = error instanceof GraphQLError ? error.message : 'is not a valid id';
  return message.replace(/^`id` /, '').replace(/\.$/, '');
}

/** The global id of `typename` or its raw Inbox id, turned into the raw id (see `parseInboxId`). */
export const inboxId = (typename: NodeTypeName) =>
  parsedId((value, field) => parseInboxId(value, typename, field));

/** A Prospect global id (its platform keys) or a raw Inbox id (`externalId`). */
export const prospectKey = parsedId(parseProspectId);

/** Ids of objects that have no node type (lists): raw Inbox ids only (CONTRACT §2). */
export const rawInboxId = (what: string) =>
  z
    .string()
    .regex(/^[0-9a-z]{1,64}$/, { error: `must be the Inbox id of a ${what} (lowercase letters and digits)` });

/** X user ids are decimal strings. */
export const xUserId = z
  .string()
  .regex(/^[0-9]{1,32}$/, { error: 'must be an X user id (a decimal string)' });

/** X usernames, with or without the leading @ (which is dropped). */
export const xUsername = z
  .string()
  .transform((value) => value.replace(/^@/, ''))
  .pipe(z.string().regex(/^\w{1,50}$/, { error: 'must be an X username (letters, digits and _)' }));

/** Free-form column values and importer options: a JSON object. */
export const jsonObject = z.record(z.string(), z.unknown(), { error: 'must be a JSON object' });

const HEX_COLOR = /^#(?:[0-9a-f]{3}|[0-9a-f]{6})$/i;
const PALETTE_NAME = /^[a-z][a-z0-9-]{0,31}$/i;

/** The shape of a color; whether a name is in the palette is checked by `assertColor` (it needs a read). */
export const color = z.string().refine((value) => HEX_COLOR.test(value) || PALETTE_NAME.test(value), {
  error: 'must be a hex color (#rgb or #rrggbb) or a palette name (see `colors`)',
});

/**
 * A color is a hex value or a name of the team's palette (`GET /colors`, read through the cached
 * collection loader: usually no call at all). `null`/absent pass: they mean "no color" or "unchanged".
 */
export async function assertColor(context: Context, value: string | null | undefined, field: string) {
  if (value === null || value === undefined || HEX_COLOR.test(value)) return;
  const palette = await context.loaders.colors('all');
  if (palette.some((entry) => entry.name === value)) return;
  const names = palette.map((entry) => entry.name).join(', ');
  throw badUserInput(
    `\`${field}\` must be a hex color (#rgb or #rrggbb) or a palette name (${names}).`,
    field,
  );
}
