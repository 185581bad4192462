/* eslint-disable */
import * as types from './graphql.js';
import type { TypedDocumentNode as DocumentNode } from '@graphql-typed-document-node/core';

/**
 * Map of all GraphQL operations in the project.
 *
 * This map has several performance disadvantages:
 * 1. It is not tree-shakeable, so it will include all operations in the project.
 * 2. It is not minifiable, so the string of a GraphQL query will be multiple times inside the bundle.
 * 3. It does not support dead code elimination, so it will add unused operations.
 *
 * Therefore it is highly recommended to use the babel or swc plugin for production.
 * Learn more about it here: https://the-guild.dev/graphql/codegen/plugins/presets/preset-client#reducing-bundle-size
 */
type Documents = {
    "# The first page of the inbox, with everything a row shows.\nquery InboxPage {\n  team { id name currency }\n  threads(first: 50) {\n    pageInfo { hasNextPage endCursor }\n    edges {\n      node {\n        id\n        done\n        lastMessageAt\n        accountLink { id username status }\n        assignee { id name }\n        lastMessage { id content createdAt direction sentBy { id name } }\n        prospect {\n          id\n          displayName\n          handle\n          imageUrl\n          tags { id name color }\n          status { id name color }\n          valuation\n        }\n      }\n    }\n  }\n}\n": typeof types.InboxPageDocument,
    "# Unassigned requests, oldest first. Filter groups combine with AND, ids inside a group with OR.\nquery Requests {\n  threads(first: 20, inbox: REQUESTS, sortOrder: ASC, filter: { assignees: { none: true } }) {\n    edges { node { id prospect { id displayName tags { id name } } lastMessage { id content } } }\n  }\n}\n": typeof types.RequestsDocument,
    "# The newest thread and its last 20 messages, each with who wrote it.\nquery Conversation {\n  threads(first: 1) {\n    edges {\n      node {\n        id\n        prospect { id displayName }\n        messages(first: 20) {\n          isSyncing\n          pageInfo { hasNextPage endCursor }\n          edges {\n            node {\n              id\n              content\n              createdAt\n              direction\n              isEdited\n              sentBy { id name }\n              author { __typename ... on AccountLink { id username } ... on Prospect { id handle } }\n            }\n          }\n        }\n      }\n    }\n  }\n}\n": typeof types.ConversationDocument,
    "query Directory {\n  members { id name email role }\n  accountLinks { id username status syncedAt }\n  tags { id name color }\n  statuses { id name color }\n  colors { name hex }\n}\n": typeof types.DirectoryDocument,
    "# A prospect by X user id, with the team's CRM data and every thread with them.\nquery Prospect($platformId: String!) {\n  prospectByPlatformId(platformId: $platformId) {\n    id\n    displayName\n    notes\n    valuation\n    status { id name }\n    tags { id name }\n    threads { id accountLink { id username } lastMessageAt }\n  }\n}\n": typeof types.ProspectDocument,
    "# The team's recent changes (kept 7 days by Inbox); page on with after: endCursor.\nquery Events {\n  events(first: 10) {\n    pageInfo { hasNextPage endCursor }\n    edges { node { id seq type timestamp data } }\n  }\n}\n": typeof types.EventsDocument,
};
const documents: Documents = {
    "# The first page of the inbox, with everything a row shows.\nquery InboxPage {\n  team { id name currency }\n  threads(first: 50) {\n    pageInfo { hasNextPage endCursor }\n    edges {\n      node {\n        id\n        done\n        lastMessageAt\n        accountLink { id username status }\n        assignee { id name }\n        lastMessage { id content createdAt direction sentBy { id name } }\n        prospect {\n          id\n          displayName\n          handle\n          imageUrl\n          tags { id name color }\n          status { id name color }\n          valuation\n        }\n      }\n    }\n  }\n}\n": types.InboxPageDocument,
    "# Unassigned requests, oldest first. Filter groups combine with AND, ids inside a group with OR.\nquery Requests {\n  threads(first: 20, inbox: REQUESTS, sortOrder: ASC, filter: { assignees: { none: true } }) {\n    edges { node { id prospect { id displayName tags { id name } } lastMessage { id content } } }\n  }\n}\n": types.RequestsDocument,
    "# The newest thread and its last 20 messages, each with who wrote it.\nquery Conversation {\n  threads(first: 1) {\n    edges {\n      node {\n        id\n        prospect { id displayName }\n        messages(first: 20) {\n          isSyncing\n          pageInfo { hasNextPage endCursor }\n          edges {\n            node {\n              id\n              content\n              createdAt\n              direction\n              isEdited\n              sentBy { id name }\n              author { __typename ... on AccountLink { id username } ... on Prospect { id handle } }\n            }\n          }\n        }\n      }\n    }\n  }\n}\n": types.ConversationDocument,
    "query Directory {\n  members { id name email role }\n  accountLinks { id username status syncedAt }\n  tags { id name color }\n  statuses { id name color }\n  colors { name hex }\n}\n": types.DirectoryDocument,
    "# A prospect by X user id, with the team's CRM data and every thread with them.\nquery Prospect($platformId: String!) {\n  prospectByPlatformId(platformId: $platformId) {\n    id\n    displayName\n    notes\n    valuation\n    status { id name }\n    tags { id name }\n    threads { id accountLink { id username } lastMessageAt }\n  }\n}\n": types.ProspectDocument,
    "# The team's recent changes (kept 7 days by Inbox); page on with after: endCursor.\nquery Events {\n  events(first: 10) {\n    pageInfo { hasNextPage endCursor }\n    edges { node { id seq type timestamp data } }\n  }\n}\n": types.EventsDocument,
};

/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 *
 *
 * @example
 * ```ts
 * const query = graphql(`query GetUser($id: ID!) { user(id: $id) { name } }`);
 * ```
 *
 * The query argument is unknown!
 * Please regenerate the types.
 */
export function graphql(source: string): unknown;

/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "# The first page of the inbox, with everything a row shows.\nquery InboxPage {\n  team { id name currency }\n  threads(first: 50) {\n    pageInfo { hasNextPage endCursor }\n    edges {\n      node {\n        id\n        done\n        lastMessageAt\n        accountLink { id username status }\n        assignee { id name }\n        lastMessage { id content createdAt direction sentBy { id name } }\n        prospect {\n          id\n          displayName\n          handle\n          imageUrl\n          tags { id name color }\n          status { id name color }\n          valuation\n        }\n      }\n    }\n  }\n}\n"): (typeof documents)["# The first page of the inbox, with everything a row shows.\nquery InboxPage {\n  team { id name currency }\n  threads(first: 50) {\n    pageInfo { hasNextPage endCursor }\n    edges {\n      node {\n        id\n        done\n        lastMessageAt\n        accountLink { id username status }\n        assignee { id name }\n        lastMessage { id content createdAt direction sentBy { id name } }\n        prospect {\n          id\n          displayName\n          handle\n          imageUrl\n          tags { id name color }\n          status { id name color }\n          valuation\n        }\n      }\n    }\n  }\n}\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "# Unassigned requests, oldest first. Filter groups combine with AND, ids inside a group with OR.\nquery Requests {\n  threads(first: 20, inbox: REQUESTS, sortOrder: ASC, filter: { assignees: { none: true } }) {\n    edges { node { id prospect { id displayName tags { id name } } lastMessage { id content } } }\n  }\n}\n"): (typeof documents)["# Unassigned requests, oldest first. Filter groups combine with AND, ids inside a group with OR.\nquery Requests {\n  threads(first: 20, inbox: REQUESTS, sortOrder: ASC, filter: { assignees: { none: true } }) {\n    edges { node { id prospect { id displayName tags { id name } } lastMessage { id content } } }\n  }\n}\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "# The newest thread and its last 20 messages, each with who wrote it.\nquery Conversation {\n  threads(first: 1) {\n    edges {\n      node {\n        id\n        prospect { id displayName }\n        messages(first: 20) {\n          isSyncing\n          pageInfo { hasNextPage endCursor }\n          edges {\n            node {\n              id\n              content\n              createdAt\n              direction\n              isEdited\n              sentBy { id name }\n              author { __typename ... on AccountLink { id username } ... on Prospect { id handle } }\n            }\n          }\n        }\n      }\n    }\n  }\n}\n"): (typeof documents)["# The newest thread and its last 20 messages, each with who wrote it.\nquery Conversation {\n  threads(first: 1) {\n    edges {\n      node {\n        id\n        prospect { id displayName }\n        messages(first: 20) {\n          isSyncing\n          pageInfo { hasNextPage endCursor }\n          edges {\n            node {\n              id\n              content\n              createdAt\n              direction\n              isEdited\n              sentBy { id name }\n              author { __typename ... on AccountLink { id username } ... on Prospect { id handle } }\n            }\n          }\n        }\n      }\n    }\n  }\n}\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "query Directory {\n  members { id name email role }\n  accountLinks { id username status syncedAt }\n  tags { id name color }\n  statuses { id name color }\n  colors { name hex }\n}\n"): (typeof documents)["query Directory {\n  members { id name email role }\n  accountLinks { id username status syncedAt }\n  tags { id name color }\n  statuses { id name color }\n  colors { name hex }\n}\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "# A prospect by X user id, with the team's CRM data and every thread with them.\nquery Prospect($platformId: String!) {\n  prospectByPlatformId(platformId: $platformId) {\n    id\n    displayName\n    notes\n    valuation\n    status { id name }\n    tags { id name }\n    threads { id accountLink { id username } lastMessageAt }\n  }\n}\n"): (typeof documents)["# A prospect by X user id, with the team's CRM data and every thread with them.\nquery Prospect($platformId: String!) {\n  prospectByPlatformId(platformId: $platformId) {\n    id\n    displayName\n    notes\n    valuation\n    status { id name }\n    tags { id name }\n    threads { id accountLink { id username } lastMessageAt }\n  }\n}\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "# The team's recent changes (kept 7 days by Inbox); page on with after: endCursor.\nquery Events {\n  events(first: 10) {\n    pageInfo { hasNextPage endCursor }\n    edges { node { id seq type timestamp data } }\n  }\n}\n"): (typeof documents)["# The team's recent changes (kept 7 days by Inbox); page on with after: endCursor.\nquery Events {\n  events(first: 10) {\n    pageInfo { hasNextPage endCursor }\n    edges { node { id seq type timestamp data } }\n  }\n}\n"];

export function graphql(source: string) {
  return (documents as any)[source] ?? {};
}

export type DocumentType<TDocumentNode extends DocumentNode<any, any>> = TDocumentNode extends DocumentNode<  infer TType,  any>  ? TType  : never;