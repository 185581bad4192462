import { builder } from '../graphql/builder.js';
import { refuseUnknownRepresentations } from './entities.js';
import './node.js';
import './team/types.js';
import './team/queries.js';
import './labels/types.js';
import './labels/colors.js';
import './prospect/types.js';
import './prospect/queries.js';
import './prospect/mutations.js';
import './thread/types.js';
import './thread/queries.js';
import './thread/mutations.js';
import './message/types.js';
import './message/mutations.js';
import './campaign/types.js';
import './campaign/queries.js';
import './campaign/writes/types.js';
import './campaign/writes/mutations.js';
import './list/types.js';
import './list/mutations.js';
import './event/types.js';
import './event/queries.js';
import './event/subscription.js';
import './event/changes.js';

/**
 * The executable schema: a normal GraphQL schema that is also an Apollo Federation v2 subgraph. Each domain
 * folder holds its types, queries and mutations; they share only the refs of ./refs.ts, so the order of
 * these imports does not matter.
 */
export const schema = builder.toSubGraphSchema({
  linkUrl: 'https://specs.apollo.dev/federation/v2.6',
  federationDirectives: ['@key', '@shareable'],
});
refuseUnknownRepresentations(schema);
