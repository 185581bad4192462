import { builder } from './builder.js';
import './team.js';
import './member.js';
import './account-link.js';
import './tag.js';
import './status.js';
import './color.js';
import './prospect.js';
import './thread.js';
import './message.js';
import './campaign.js';
import './campaign-writes.js';
import './list.js';
import './event.js';
import './federation.js';

/** The executable schema: a normal GraphQL schema that is also an Apollo Federation v2 subgraph. */
export const schema = builder.toSubGraphSchema({
  linkUrl: 'https://specs.apollo.dev/federation/v2.6',
  federationDirectives: ['@key', '@shareable'],
});
