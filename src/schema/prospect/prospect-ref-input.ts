import { builder } from '../../graphql/builder.js';
import { exactlyOne, prospectKey, validateWhole, xUserId } from '../../graphql/inputs.js';
import type { ProspectKeyQuery } from '../../upstream/operations/threads.js';

/**
 * The `ProspectRef` input: a prospect named by exactly one key, turned into the upstream's
 * `externalPlatformId` / `externalId` pair. A Prospect global id names the X user.
 */
export const ProspectRefInput = validateWhole(
  builder.inputType('ProspectRef', {
    description:
      'Names a prospect by exactly one key: the X user id (`platformId`) or the Inbox id (`inboxId`). ' +
      'Anything else is refused with BAD_USER_INPUT.',
    fields: (t) => ({
      platformId: t.string({ description: 'X user id (decimal string).' }).validate(xUserId.nullish()),
      inboxId: t
        .id({ description: 'Inbox id of the prospect (`externalId`), raw or global.' })
        .validate(prospectKey.nullish()),
    }),
  }),
  (shape) =>
    shape
      .refine(exactlyOne(['platformId', 'inboxId']), {
        error: 'needs exactly one of `platformId` and `inboxId`',
      })
      .transform(({ platformId, inboxId }): ProspectKeyQuery => {
        if (platformId) return { externalPlatformId: platformId };
        if (inboxId && 'externalId' in inboxId) return { externalId: inboxId.externalId };
        return { externalPlatformId: inboxId?.platformId ?? '' };
      }),
);
