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
    "query ThreadHeader($id: ID!) {\n  thread(id: $id) {\n    id\n    lastMessageAt\n    lastMessage {\n      id\n      content\n    }\n  }\n}\n\nsubscription InboxChanges($afterSeq: Int) {\n  inboxChanges(afterSeq: $afterSeq) {\n    __typename\n    id\n    seq\n    type\n    ... on MessageCreated {\n      message {\n        id\n        content\n        direction\n      }\n      thread {\n        id\n        lastMessageAt\n        lastMessage {\n          id\n          content\n        }\n      }\n    }\n    ... on ThreadChanged {\n      thread {\n        id\n        done\n        assignee {\n          id\n          name\n        }\n      }\n    }\n    ... on ProspectChanged {\n      prospect {\n        id\n        notes\n        tags {\n          id\n          name\n        }\n        status {\n          id\n          name\n        }\n      }\n    }\n    ... on TagChanged {\n      tag {\n        id\n        name\n        color\n      }\n    }\n    ... on StatusChanged {\n      status {\n        id\n        name\n      }\n    }\n    ... on TagDeleted {\n      deletedId\n    }\n  }\n}\n\nmutation SendMessage($input: SendMessageInput!) {\n  sendMessage(input: $input) {\n    message {\n      id\n      content\n    }\n  }\n}": typeof types.ThreadHeaderDocument,
    "query TeamName {\n  team {\n    id\n    name\n  }\n}\n\nquery TeamAndThread($id: ID!) {\n  team {\n    id\n    name\n  }\n  thread(id: $id) {\n    id\n    done\n  }\n}": typeof types.TeamNameDocument,
    "mutation UpdateThread($input: UpdateThreadInput!) {\n  updateThread(input: $input) {\n    thread {\n      id\n      done\n    }\n  }\n}": typeof types.UpdateThreadDocument,
    "fragment AuthorName on MessageAuthor {\n  __typename\n  ... on AccountLink {\n    id\n    username\n  }\n  ... on Prospect {\n    id\n    handle\n  }\n}\n\nfragment NodeId on Node {\n  __typename\n  id\n}\n\nfragment ThreadRow on Thread {\n  id\n  inboxId\n  done\n  assignee {\n    id\n    name\n  }\n  lastMessage {\n    content\n    author {\n      ...AuthorName\n    }\n  }\n}\n\nquery ThreadList($first: Int) {\n  threads(first: $first) {\n    edges {\n      node {\n        ...ThreadRow\n      }\n    }\n  }\n}\n\nquery ThreadById($id: ID!) {\n  thread(id: $id) {\n    ...ThreadRow\n  }\n}\n\nquery NodeById($id: ID!) {\n  node(id: $id) {\n    ...NodeId\n    ... on Thread {\n      done\n    }\n  }\n}\n\nquery ThreadWithDeferredMessages($id: ID!) {\n  thread(id: $id) {\n    id\n    done\n    ... @defer(label: \"messages\") {\n      messages(first: 5) {\n        edges {\n          node {\n            id\n            content\n          }\n        }\n      }\n    }\n  }\n}": typeof types.AuthorNameFragmentDoc,
};
const documents: Documents = {
    "query ThreadHeader($id: ID!) {\n  thread(id: $id) {\n    id\n    lastMessageAt\n    lastMessage {\n      id\n      content\n    }\n  }\n}\n\nsubscription InboxChanges($afterSeq: Int) {\n  inboxChanges(afterSeq: $afterSeq) {\n    __typename\n    id\n    seq\n    type\n    ... on MessageCreated {\n      message {\n        id\n        content\n        direction\n      }\n      thread {\n        id\n        lastMessageAt\n        lastMessage {\n          id\n          content\n        }\n      }\n    }\n    ... on ThreadChanged {\n      thread {\n        id\n        done\n        assignee {\n          id\n          name\n        }\n      }\n    }\n    ... on ProspectChanged {\n      prospect {\n        id\n        notes\n        tags {\n          id\n          name\n        }\n        status {\n          id\n          name\n        }\n      }\n    }\n    ... on TagChanged {\n      tag {\n        id\n        name\n        color\n      }\n    }\n    ... on StatusChanged {\n      status {\n        id\n        name\n      }\n    }\n    ... on TagDeleted {\n      deletedId\n    }\n  }\n}\n\nmutation SendMessage($input: SendMessageInput!) {\n  sendMessage(input: $input) {\n    message {\n      id\n      content\n    }\n  }\n}": types.ThreadHeaderDocument,
    "query TeamName {\n  team {\n    id\n    name\n  }\n}\n\nquery TeamAndThread($id: ID!) {\n  team {\n    id\n    name\n  }\n  thread(id: $id) {\n    id\n    done\n  }\n}": types.TeamNameDocument,
    "mutation UpdateThread($input: UpdateThreadInput!) {\n  updateThread(input: $input) {\n    thread {\n      id\n      done\n    }\n  }\n}": types.UpdateThreadDocument,
    "fragment AuthorName on MessageAuthor {\n  __typename\n  ... on AccountLink {\n    id\n    username\n  }\n  ... on Prospect {\n    id\n    handle\n  }\n}\n\nfragment NodeId on Node {\n  __typename\n  id\n}\n\nfragment ThreadRow on Thread {\n  id\n  inboxId\n  done\n  assignee {\n    id\n    name\n  }\n  lastMessage {\n    content\n    author {\n      ...AuthorName\n    }\n  }\n}\n\nquery ThreadList($first: Int) {\n  threads(first: $first) {\n    edges {\n      node {\n        ...ThreadRow\n      }\n    }\n  }\n}\n\nquery ThreadById($id: ID!) {\n  thread(id: $id) {\n    ...ThreadRow\n  }\n}\n\nquery NodeById($id: ID!) {\n  node(id: $id) {\n    ...NodeId\n    ... on Thread {\n      done\n    }\n  }\n}\n\nquery ThreadWithDeferredMessages($id: ID!) {\n  thread(id: $id) {\n    id\n    done\n    ... @defer(label: \"messages\") {\n      messages(first: 5) {\n        edges {\n          node {\n            id\n            content\n          }\n        }\n      }\n    }\n  }\n}": types.AuthorNameFragmentDoc,
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
export function graphql(source: "query ThreadHeader($id: ID!) {\n  thread(id: $id) {\n    id\n    lastMessageAt\n    lastMessage {\n      id\n      content\n    }\n  }\n}\n\nsubscription InboxChanges($afterSeq: Int) {\n  inboxChanges(afterSeq: $afterSeq) {\n    __typename\n    id\n    seq\n    type\n    ... on MessageCreated {\n      message {\n        id\n        content\n        direction\n      }\n      thread {\n        id\n        lastMessageAt\n        lastMessage {\n          id\n          content\n        }\n      }\n    }\n    ... on ThreadChanged {\n      thread {\n        id\n        done\n        assignee {\n          id\n          name\n        }\n      }\n    }\n    ... on ProspectChanged {\n      prospect {\n        id\n        notes\n        tags {\n          id\n          name\n        }\n        status {\n          id\n          name\n        }\n      }\n    }\n    ... on TagChanged {\n      tag {\n        id\n        name\n        color\n      }\n    }\n    ... on StatusChanged {\n      status {\n        id\n        name\n      }\n    }\n    ... on TagDeleted {\n      deletedId\n    }\n  }\n}\n\nmutation SendMessage($input: SendMessageInput!) {\n  sendMessage(input: $input) {\n    message {\n      id\n      content\n    }\n  }\n}"): (typeof documents)["query ThreadHeader($id: ID!) {\n  thread(id: $id) {\n    id\n    lastMessageAt\n    lastMessage {\n      id\n      content\n    }\n  }\n}\n\nsubscription InboxChanges($afterSeq: Int) {\n  inboxChanges(afterSeq: $afterSeq) {\n    __typename\n    id\n    seq\n    type\n    ... on MessageCreated {\n      message {\n        id\n        content\n        direction\n      }\n      thread {\n        id\n        lastMessageAt\n        lastMessage {\n          id\n          content\n        }\n      }\n    }\n    ... on ThreadChanged {\n      thread {\n        id\n        done\n        assignee {\n          id\n          name\n        }\n      }\n    }\n    ... on ProspectChanged {\n      prospect {\n        id\n        notes\n        tags {\n          id\n          name\n        }\n        status {\n          id\n          name\n        }\n      }\n    }\n    ... on TagChanged {\n      tag {\n        id\n        name\n        color\n      }\n    }\n    ... on StatusChanged {\n      status {\n        id\n        name\n      }\n    }\n    ... on TagDeleted {\n      deletedId\n    }\n  }\n}\n\nmutation SendMessage($input: SendMessageInput!) {\n  sendMessage(input: $input) {\n    message {\n      id\n      content\n    }\n  }\n}"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "query TeamName {\n  team {\n    id\n    name\n  }\n}\n\nquery TeamAndThread($id: ID!) {\n  team {\n    id\n    name\n  }\n  thread(id: $id) {\n    id\n    done\n  }\n}"): (typeof documents)["query TeamName {\n  team {\n    id\n    name\n  }\n}\n\nquery TeamAndThread($id: ID!) {\n  team {\n    id\n    name\n  }\n  thread(id: $id) {\n    id\n    done\n  }\n}"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "mutation UpdateThread($input: UpdateThreadInput!) {\n  updateThread(input: $input) {\n    thread {\n      id\n      done\n    }\n  }\n}"): (typeof documents)["mutation UpdateThread($input: UpdateThreadInput!) {\n  updateThread(input: $input) {\n    thread {\n      id\n      done\n    }\n  }\n}"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "fragment AuthorName on MessageAuthor {\n  __typename\n  ... on AccountLink {\n    id\n    username\n  }\n  ... on Prospect {\n    id\n    handle\n  }\n}\n\nfragment NodeId on Node {\n  __typename\n  id\n}\n\nfragment ThreadRow on Thread {\n  id\n  inboxId\n  done\n  assignee {\n    id\n    name\n  }\n  lastMessage {\n    content\n    author {\n      ...AuthorName\n    }\n  }\n}\n\nquery ThreadList($first: Int) {\n  threads(first: $first) {\n    edges {\n      node {\n        ...ThreadRow\n      }\n    }\n  }\n}\n\nquery ThreadById($id: ID!) {\n  thread(id: $id) {\n    ...ThreadRow\n  }\n}\n\nquery NodeById($id: ID!) {\n  node(id: $id) {\n    ...NodeId\n    ... on Thread {\n      done\n    }\n  }\n}\n\nquery ThreadWithDeferredMessages($id: ID!) {\n  thread(id: $id) {\n    id\n    done\n    ... @defer(label: \"messages\") {\n      messages(first: 5) {\n        edges {\n          node {\n            id\n            content\n          }\n        }\n      }\n    }\n  }\n}"): (typeof documents)["fragment AuthorName on MessageAuthor {\n  __typename\n  ... on AccountLink {\n    id\n    username\n  }\n  ... on Prospect {\n    id\n    handle\n  }\n}\n\nfragment NodeId on Node {\n  __typename\n  id\n}\n\nfragment ThreadRow on Thread {\n  id\n  inboxId\n  done\n  assignee {\n    id\n    name\n  }\n  lastMessage {\n    content\n    author {\n      ...AuthorName\n    }\n  }\n}\n\nquery ThreadList($first: Int) {\n  threads(first: $first) {\n    edges {\n      node {\n        ...ThreadRow\n      }\n    }\n  }\n}\n\nquery ThreadById($id: ID!) {\n  thread(id: $id) {\n    ...ThreadRow\n  }\n}\n\nquery NodeById($id: ID!) {\n  node(id: $id) {\n    ...NodeId\n    ... on Thread {\n      done\n    }\n  }\n}\n\nquery ThreadWithDeferredMessages($id: ID!) {\n  thread(id: $id) {\n    id\n    done\n    ... @defer(label: \"messages\") {\n      messages(first: 5) {\n        edges {\n          node {\n            id\n            content\n          }\n        }\n      }\n    }\n  }\n}"];

export function graphql(source: string) {
  return (documents as any)[source] ?? {};
}

export type DocumentType<TDocumentNode extends DocumentNode<any, any>> = TDocumentNode extends DocumentNode<  infer TType,  any>  ? TType  : never;