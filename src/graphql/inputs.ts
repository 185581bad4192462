import type { InputObjectRef } from '@pothos/core';
import { z } from 'zod';
import { badUserInput } from '../errors.js';
import type { InboxApi } from '../upstream/api.js';
import type { Types } from './builder.js';
import {
  inboxIdOf,
  type MessageKey,
  messageKeyOf,
  type NodeTypeName,
  type Parsed,
  type ProspectKey,
  platformIdOf,
  prospectKeyOf,
} from './ids.js';

/**
 * Input validation, declared with each input (Pothos's validation plugin runs these zod schemas on the
 * arguments before the resolver): everything the contract lets us check runs before any upstream call, so a
 * bad input costs no write and no share of the team's 300 calls a minute. Issue messages are predicates
 * ("must be …"); `refusal` prefixes them with the offending input path. It is the one error path of bad input.
 */

/** `field` + a predicate → "`input.name` must not be empty." as BAD_USER_INPUT naming `field`. */
export function refusal(field: string, predicate: string) {
  return badUserInput(`\`${field}\` ${predicate}.`, field);
}

/** The value of a parsed id, or its refusal raised as BAD_USER_INPUT naming `field` (outside validation). */
export function parsedOrRefused<T>(parsed: Parsed<T>, field: string): T {
  if ('value' in parsed) return parsed.value;
  throw refusal(field, parsed.refusal);
}

/** A string turned into an id by one of the parsers of ids.ts; their refusals become zod issues. */
const parsedId = <T>(parse: (value: string) => Parsed<T>) =>
  z.string().transform((value, context): T => {
    const parsed = parse(value);
    if ('value' in parsed) return parsed.value;
    context.issues.push({ code: 'custom', message: parsed.refusal, input: value });
    return z.NEVER;
  });

/** The global id of `typename` or its raw Inbox id, turned into the raw id. */
export const inboxId = (typename: NodeTypeName) => parsedId((value) => inboxIdOf(value, typename));

/** A Prospect global id (its platform keys) or a raw Inbox id (`externalId`). */
export const prospectKey: z.ZodType<ProspectKey, string> = parsedId(prospectKeyOf);

/** The global id of a Message: it names the thread too. */
export const messageKey: z.ZodType<MessageKey, string> = parsedId(messageKeyOf);

/** X user ids are decimal strings. */
export const xUserId = parsedId(platformIdOf);

/** X usernames, with or without the leading @ (which is dropped). */
export const xUsername = z
  .string()
  .transform((value) => value.replace(/^@/, ''))
  .pipe(z.string().regex(/^\w{1,50}$/, { error: 'must be an X username (letters, digits and _)' }));

/** Ids of objects that have no node type (lists): raw Inbox ids only. */
export const rawInboxId = (what: string) =>
  z
    .string()
    .regex(/^[0-9a-z]{1,64}$/, { error: `must be the Inbox id of a ${what} (lowercase letters and digits)` });

/** Non-blank text of at most `max` characters; whitespace only decides blankness, the text is kept as is. */
export const text = (max: number) =>
  z
    .string()
    .max(max, { error: `must be at most ${max} characters` })
    .refine((value) => value.trim() !== '', { error: 'must not be empty' });

/** Names of tags, statuses and campaign columns: 1–255 characters. */
export const validName = z
  .string()
  .max(255, { error: 'must be 1–255 characters' })
  .refine((value) => value.trim() !== '', { error: 'must be 1–255 characters, not blank' });

/** X caps a DM at 10 000 characters; the Inbox API needs at least one. */
export const messageContent = text(10_000);

/** Batch endpoints of lists and campaigns take 1–2000 entries per array. */
export const MAX_BATCH = 2000;
export const batch = <T extends z.ZodType>(item: T) =>
  z
    .array(item)
    .min(1, { error: `must hold 1–${MAX_BATCH} entries` })
    .max(MAX_BATCH, { error: `must hold 1–${MAX_BATCH} entries` });

/** Free-form column values and importer options: a JSON object. */
export const jsonObject = z.record(z.string(), z.unknown(), { error: 'must be a JSON object' });

/**
 * A rule or reshaping over a whole input object, run after its fields were validated (and transformed):
 * what no single field can check, e.g. "exactly one of". The input's type becomes the schema's output.
 * One call per input type: compose rules inside `refine` (the plugin runs chained input-type schemas in
 * reverse order).
 */
export function validateWhole<Shape extends object, Out>(
  input: InputObjectRef<Types, Shape>,
  refine: (shape: z.ZodType<Shape, Shape>) => z.ZodType<Out, Shape>,
): InputObjectRef<Types, Out> {
  return input.validate(refine(z.custom<Shape>()));
}

type WithoutNulls<Shape, K extends keyof Shape> = Omit<Shape, K> & { [P in K]?: Exclude<Shape[P], null> };

/**
 * For optional input fields whose upstream field is not nullable: absent keeps the value, `null` is refused
 * (GraphQL leaves absent input fields out of the object, so the two differ). Field validators never see
 * `null`, so this runs on the whole input object.
 */
export function withoutNulls<Shape extends object, K extends keyof Shape & string>(
  shape: z.ZodType<Shape, Shape>,
  keys: readonly K[],
): z.ZodType<WithoutNulls<Shape, K>, Shape> {
  return shape.superRefine((value, context) => {
    for (const key of keys) {
      if (value[key] === null) {
        context.issues.push({
          code: 'custom',
          path: [key],
          message: 'cannot be null: leave it out to keep the current value',
          input: null,
        });
      }
    }
  }) as z.ZodType<WithoutNulls<Shape, K>, Shape>;
}

/** `withoutNulls` as the one rule of an input type. */
export function refuseNulls<Shape extends object, K extends keyof Shape & string>(
  input: InputObjectRef<Types, Shape>,
  ...keys: readonly K[]
) {
  return validateWhole(input, (shape) => withoutNulls(shape, keys));
}

/** Exactly one of `keys` is set (and not null). */
export const exactlyOne = (keys: readonly string[]) => (value: object) =>
  keys.filter((key) => (value as Record<string, unknown>)[key] != null).length === 1;

const HEX_COLOR = /^#(?:[0-9a-f]{3}|[0-9a-f]{6})$/i;
const PALETTE_NAME = /^[a-z][a-z0-9-]{0,31}$/i;

/** The shape of a color; whether a name is in the palette is checked by `requirePaletteColor` (it needs a read). */
export const color = z.string().refine((value) => HEX_COLOR.test(value) || PALETTE_NAME.test(value), {
  error: 'must be a hex color (#rgb or #rrggbb) or a palette name (see `colors`)',
});

/**
 * A color is a hex value or a name of the team's palette (`GET /colors`, read through the cached collection:
 * usually no call at all). `null`/absent pass: they mean "no color" or "unchanged".
 */
export async function requirePaletteColor(inbox: InboxApi, value: string | null | undefined, field: string) {
  if (value === null || value === undefined || HEX_COLOR.test(value)) return;
  const palette = await inbox.colors.palette('all');
  if (palette.some((entry) => entry.name === value)) return;
  const names = palette.map((entry) => entry.name).join(', ');
  throw refusal(field, `must be a hex color (#rgb or #rrggbb) or a palette name (${names})`);
}
