import { z } from 'zod';
import { UPSTREAM_COST } from '../../budget/cost-declarations.js';
import { builder } from '../../graphql/builder.js';
import { pageSize, pageSizeArgument } from '../../graphql/pagination.js';
import { admittedPage } from '../../live/envelope.js';
import { EVENT_PAGE } from './log.js';
import { EventConnection } from './types.js';

/** An event cursor: the `seq` after which the page starts, as a string. */
const eventCursor = z
  .string()
  .regex(/^\d{1,15}$/, { error: 'must be an event cursor (a `seq`, as a string)' })
  .transform(Number);

builder.queryField('events', (t) =>
  t.field({
    type: EventConnection,
    nullable: true,
    complexity: UPSTREAM_COST.oneCall,
    description: 'The team’s event log (7 days), oldest first. One `GET /events` per page.',
    args: {
      first: t.arg
        .int({ defaultValue: EVENT_PAGE.default, description: `Page size, 1–${EVENT_PAGE.max}.` })
        .validate(pageSizeArgument(EVENT_PAGE.max).nullish()),
      after: t.arg
        .string({
          description:
            'Only events after this cursor (an `endCursor`, i.e. a `seq`); omit for the oldest kept.',
        })
        .validate(eventCursor.nullish()),
    },
    resolve: async (_root, args, context) => {
      // The log is hostile like any input: an event beyond the event bounds is left out (the cursors go past it).
      const page = admittedPage(
        await context.inbox.events.page({
          afterSeq: args.after ?? undefined,
          limit: pageSize(args.first, EVENT_PAGE),
        }),
        undefined,
        (refusal) => context.logger.warn({ refusal }, 'dropped an event of GET /events'),
      );
      const edges = page.events.map((event) => ({ cursor: String(event.seq), node: event }));
      return {
        edges,
        pageInfo: {
          hasNextPage: page.hasMore,
          hasPreviousPage: false,
          startCursor: edges[0]?.cursor ?? null,
          endCursor: page.lastSeq === null ? null : String(page.lastSeq),
        },
        lastSeq: page.lastSeq,
      };
    },
  }),
);
