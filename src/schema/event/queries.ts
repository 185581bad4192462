import { builder } from '../../graphql/builder.js';
import { UPSTREAM_COST } from '../../graphql/cost.js';
import { pageSizeArgument } from '../../graphql/pagination.js';
import { EVENT_PAGE, eventSeq } from './log.js';
import { EventConnection } from './types.js';

builder.queryField('events', (t) =>
  t.field({
    type: EventConnection,
    nullable: true,
    complexity: UPSTREAM_COST.oneCall,
    description: 'The team’s event log (7 days), oldest first. One `GET /events` per page.',
    args: {
      after: t.arg
        .int({ description: 'Only events after this `seq` (exclusive); omit for the oldest kept.' })
        .validate(eventSeq.nullish()),
      first: t.arg
        .int({ defaultValue: EVENT_PAGE.default, description: 'Page size, 1–1000.' })
        .validate(pageSizeArgument(EVENT_PAGE.max).nullish()),
    },
    resolve: async (_root, args, context) => {
      const page = await context.inbox.events.page({
        afterSeq: args.after ?? undefined,
        limit: args.first ?? EVENT_PAGE.default,
      });
      return {
        edges: page.events.map((event) => ({ cursor: String(event.seq), node: event })),
        pageInfo: {
          hasNextPage: page.hasMore,
          endCursor: page.lastSeq === null ? null : String(page.lastSeq),
        },
        lastSeq: page.lastSeq,
      };
    },
  }),
);
