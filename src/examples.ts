/**
 * Example operations: offered as tabs in GraphiQL, quoted in docs/query-model.md, and run by the tests
 * against the simulator, so none of them can rot.
 */
export interface ExampleOperation {
  title: string;
  /**
   * Upstream calls it costs: `cold` with nothing cached, `warm` once the collection cache holds the team's
   * collections. The tests measure both against the simulator, so these numbers stay true.
   */
  upstreamCalls: { cold: number; warm: number; which: string };
  query: string;
  variables?: Record<string, unknown>;
}

export const EXAMPLES: ExampleOperation[] = [
  {
    title: 'Inbox page',
    upstreamCalls: {
      cold: 6,
      warm: 1,
      which: 'team, threads, account-links, members, tags, statuses; warm: threads',
    },
    query: /* GraphQL */ `# The first page of the inbox, with everything a row shows.
query InboxPage {
  team { id name currency }
  threads(first: 50) {
    pageInfo { hasNextPage endCursor }
    edges {
      node {
        id
        done
        lastMessageAt
        accountLink { id username status }
        assignee { id name }
        lastMessage { id content createdAt direction sentBy { id name } }
        prospect {
          id
          displayName
          handle
          imageUrl
          tags { id name color }
          status { id name color }
          valuation
        }
      }
    }
  }
}
`,
  },
  {
    title: 'Filtered threads',
    upstreamCalls: { cold: 2, warm: 1, which: 'threads, tags; warm: threads' },
    query: /* GraphQL */ `# Unassigned requests, oldest first. Filter groups combine with AND, ids inside a group with OR.
query Requests {
  threads(first: 20, inbox: REQUESTS, sortOrder: ASC, filter: { assignees: { none: true } }) {
    edges { node { id prospect { id displayName tags { id name } } lastMessage { id content } } }
  }
}
`,
  },
  {
    title: 'Conversation',
    upstreamCalls: { cold: 3, warm: 2, which: 'threads, messages, members (for sentBy; cached afterwards)' },
    query: /* GraphQL */ `# The newest thread and its last 20 messages, each with who wrote it.
query Conversation {
  threads(first: 1) {
    edges {
      node {
        id
        prospect { id displayName }
        messages(first: 20) {
          isSyncing
          pageInfo { hasNextPage endCursor }
          edges {
            node {
              id
              content
              createdAt
              direction
              isEdited
              sentBy { id name }
              author { __typename ... on AccountLink { id username } ... on Prospect { id handle } }
            }
          }
        }
      }
    }
  }
}
`,
  },
  {
    title: 'Team directory',
    upstreamCalls: { cold: 5, warm: 0, which: 'members, account-links, tags, statuses, colors; warm: none' },
    query: /* GraphQL */ `query Directory {
  members { id name email role }
  accountLinks { id username status syncedAt }
  tags { id name color }
  statuses { id name color }
  colors { name hex }
}
`,
  },
  {
    title: 'Prospect with all threads',
    upstreamCalls: {
      cold: 5,
      warm: 2,
      which: 'prospects/lookup, threads/lookup-by-username, tags, statuses, account-links',
    },
    query: /* GraphQL */ `# A prospect by X user id, with the team's CRM data and every thread with them.
query Prospect($platformId: String!) {
  prospectByPlatformId(platformId: $platformId) {
    id
    displayName
    notes
    valuation
    status { id name }
    tags { id name }
    threads { id accountLink { id username } lastMessageAt }
  }
}
`,
    // Maya Kim of the demo team, who has a thread on both account links.
    variables: { platformId: '1853239923839096293' },
  },
  {
    title: 'Event log',
    upstreamCalls: { cold: 1, warm: 1, which: 'events' },
    query: /* GraphQL */ `# The team's recent changes (kept 7 days by Inbox); page on with after: endCursor.
query Events {
  events(first: 10) {
    pageInfo { hasNextPage endCursor }
    edges { node { id seq type timestamp data } }
  }
}
`,
  },
];
