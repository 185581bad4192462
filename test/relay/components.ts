/**
 * The GraphQL of a small Relay app, as its components would declare it: test/clients/relay.test.ts compiles this file
 * with relay-compiler against schema/schema.graphql and runs the compiled operations with relay-runtime. Never
 * imported: without babel-plugin-relay, `graphql` only marks the text for the compiler.
 */
import { graphql } from 'relay-runtime';

// The inbox list: a paginated connection on Query, refetchable with a new cursor.
export const threadList = graphql`
  fragment ThreadList_query on Query
  @refetchable(queryName: "ThreadListPaginationQuery")
  @argumentDefinitions(count: { type: "Int", defaultValue: 2 }, cursor: { type: "String" }) {
    threads(first: $count, after: $cursor) @connection(key: "ThreadList_threads") {
      edges {
        node {
          id
          ...ThreadItem_thread
        }
      }
    }
  }
`;

// One row of the list.
export const threadItem = graphql`
  fragment ThreadItem_thread on Thread {
    id
    done
    lastMessageAt
    assignee {
      id
      name
    }
    prospect {
      id
      displayName
    }
    lastMessage {
      id
      content
      author {
        ...MessageAuthor_author
      }
    }
  }
`;

// Who wrote a message: a fragment on the MessageAuthor union.
export const messageAuthor = graphql`
  fragment MessageAuthor_author on MessageAuthor {
    __typename
    ... on AccountLink {
      id
      username
    }
    ... on Prospect {
      id
      handle
    }
  }
`;

// A conversation: refetchable on Thread (through `node(id:)`), with its messages as a connection.
export const conversation = graphql`
  fragment Conversation_thread on Thread
  @refetchable(queryName: "ConversationRefetchQuery")
  @argumentDefinitions(count: { type: "Int", defaultValue: 3 }, cursor: { type: "String" }) {
    id
    done
    messages(first: $count, after: $cursor) @connection(key: "Conversation_messages") {
      edges {
        node {
          id
          content
          author {
            ...MessageAuthor_author
          }
        }
      }
    }
  }
`;

export const inboxScreen = graphql`
  query InboxScreenQuery {
    team {
      id
      name
    }
    ...ThreadList_query
  }
`;

export const conversationScreen = graphql`
  query ConversationScreenQuery($id: ID!) {
    thread(id: $id) {
      ...Conversation_thread
    }
  }
`;

// A Thread fragment read through `node(id:)`: a fragment on one type, spread where the field's type is the Node
// interface, needs `@alias` (relay-compiler 21 refuses the bare spread). `node.ThreadItem_thread` is then the
// fragment reference, or null when the id is another type's. docs/frontends.md shows this pattern.
export const threadByNode = graphql`
  query ThreadByNodeScreenQuery($id: ID!) {
    node(id: $id) {
      ...ThreadItem_thread @alias
    }
  }
`;

// The same screen with its messages deferred: the schema must declare @defer for the compiler to accept it.
export const deferredConversationScreen = graphql`
  query DeferredConversationScreenQuery($id: ID!) {
    thread(id: $id) {
      id
      ...Conversation_thread @defer(label: "messages")
    }
  }
`;

// The team's event log, paged as a Relay connection.
export const eventLog = graphql`
  fragment EventLog_query on Query
  @refetchable(queryName: "EventLogPaginationQuery")
  @argumentDefinitions(count: { type: "Int", defaultValue: 5 }, cursor: { type: "String" }) {
    events(first: $count, after: $cursor) @connection(key: "EventLog_events") {
      edges {
        node {
          id
          seq
          type
        }
      }
    }
  }
`;

export const eventLogScreen = graphql`
  query EventLogScreenQuery {
    ...EventLog_query
  }
`;

// Mutations that update the store from their payload, without a refetch.
export const markDone = graphql`
  mutation MarkDoneMutation($input: UpdateThreadInput!) {
    updateThread(input: $input) {
      thread {
        id
        done
      }
    }
  }
`;

export const sendMessage = graphql`
  mutation SendMessageMutation($input: SendMessageInput!, $connections: [ID!]!) {
    sendMessage(input: $input) {
      message @prependNode(connections: $connections, edgeTypeName: "MessageEdge") {
        id
        content
        author {
          ...MessageAuthor_author
        }
      }
    }
  }
`;

export const deleteThread = graphql`
  mutation DeleteThreadMutation($input: DeleteThreadInput!, $connections: [ID!]!) {
    deleteThread(input: $input) {
      deletedId @deleteEdge(connections: $connections)
    }
  }
`;
