import { z } from 'zod';

/** Seeded ids the screens open (picked by the simulator process from its store). */
export interface ScenarioIds {
  /** A thread with an assignee, a tagged prospect with a status, and a long message history. */
  threadId: string;
  /** A prospect with a thread on each account link. */
  prospectId: string;
}

export interface GraphQLRequest {
  query: string;
  variables?: Record<string, unknown>;
}

/** One HTTP request of a screen; it gets the previous request's parsed body (a client-side waterfall). */
export type Step = (previous: unknown) => GraphQLRequest;

/** One screen of an inbox client, written the way each facade's users would write it. */
export interface Scenario {
  name: string;
  /** Short, for table rows. */
  title: string;
  /** What the screen shows. */
  description: string;
  /** Our facade: joins happen in the schema, one request per screen. */
  ours: Step[];
  /** Mesh: raw REST shapes, several root fields per request, the client joins by id. */
  mesh: Step[];
}

const meshCollections = `
  listAccountLinks { ... on AccountLink { id username image } }
  listMembers { ... on Member { id userId name image } }
  listTags { ... on Tag { id name color } }
  listStatuses { ... on Status { id name color } }`;

/** The inbox page: the newest threads with everything a row shows, plus the team name. */
export const inboxPage = (threads: number, name = 'inbox'): Scenario => ({
  name,
  title: threads === 20 ? 'Inbox page' : `Inbox page, ${threads} threads`,
  description: `${threads} newest threads with account link, assignee, last message and sender, prospect tags and status; team name`,
  ours: [
    () => ({
      query: `query InboxPage {
        team { name }
        threads(first: ${threads}) {
          pageInfo { hasNextPage endCursor }
          edges { node {
            id done isRequest lastMessageAt
            lastMessage { content createdAt direction sentBy { name } }
            accountLink { username imageUrl }
            assignee { name imageUrl }
            prospect { displayName username imageUrl status { name color } tags { name color } }
          } }
        }
      }`,
    }),
  ],
  mesh: [
    () => ({
      query: `query InboxPage {
        getTeam { ... on Team { name } }
        listThreads(limit: ${threads}) { ... on ThreadPage {
          nextCursor { id timestamp }
          threads {
            id done isRequest lastMessageTimestamp accountLinkId assigneeId
            lastMessage { content createdAt authorId userId }
            prospect { displayName username image context { tags statusId } }
          }
        } }
        ${meshCollections}
      }`,
    }),
  ],
});

const thread = (ids: ScenarioIds): Scenario => ({
  name: 'thread',
  title: 'Open a thread',
  description:
    'one thread with its 50 newest messages and their senders, account link, assignee, prospect tags and status',
  ours: [
    () => ({
      query: `query OpenThread($id: ID!) {
        thread(id: $id) {
          id done isRequest
          accountLink { username }
          assignee { name }
          prospect { displayName username imageUrl bio status { name color } tags { name color } }
          messages(first: 50) {
            pageInfo { hasNextPage endCursor }
            edges { node { id content createdAt direction isEdited deletedAt sentBy { name } } }
          }
        }
      }`,
      variables: { id: ids.threadId },
    }),
  ],
  mesh: [
    () => ({
      query: `query OpenThread($id: Cuid!) {
        getThread(threadId: $id) { ... on Thread {
          id done isRequest accountLinkId assigneeId
          prospect { displayName username image bio context { tags statusId } }
        } }
        listMessages(threadId: $id, limit: 50) { ... on MessagePage {
          nextCursor { id timestamp }
          messages { id content createdAt authorId userId isEdited deletedAt }
        } }
        ${meshCollections}
      }`,
      variables: { id: ids.threadId },
    }),
  ],
});

/** What the Mesh client reads from the first request to ask for the threads. */
const meshProspectUsername = z.object({
  data: z.object({ getProspect: z.object({ username: z.string() }) }),
});

const prospect = (ids: ScenarioIds): Scenario => ({
  name: 'prospect',
  title: 'Prospect + its threads',
  description: 'a prospect’s CRM data (tags, status, assignee, notes) and the state of each of its threads',
  ours: [
    () => ({
      query: `query ProspectPage($id: ID!) {
        prospect(id: $id) {
          displayName username imageUrl bio notes valuation
          status { name } tags { name color } assignee { name }
          threads {
            id done lastMessageAt
            accountLink { username }
            assignee { name }
            lastMessage { content createdAt direction }
          }
        }
      }`,
      variables: { id: ids.prospectId },
    }),
  ],
  // The prospect carries only thread ids. The cheapest Mesh client does what our facade does: one
  // lookupThreadsByUsername with the username from the first answer (getThread per id costs one call
  // per thread). Mesh has no link between the two, so that is a second request.
  mesh: [
    () => ({
      query: `query ProspectPage($id: Cuid!) {
        getProspect(prospectId: $id) { ... on ProspectWithContext {
          displayName username image bio
          context { notes valuation statusId tags assigneeId }
        } }
        ${meshCollections}
      }`,
      variables: { id: ids.prospectId },
    }),
    (previous) => ({
      query: `query ProspectThreads($username: NonEmptyString!) {
        lookupThreadsByUsername(username: $username) { ... on Thread {
          id done lastMessageTimestamp accountLinkId assigneeId
          lastMessage { content createdAt authorId }
        } }
      }`,
      variables: { username: meshProspectUsername.parse(previous).data.getProspect.username },
    }),
  ],
});

/** The screens `scenarios` returns, by name (for BENCH_ONLY). */
export const SCREEN_NAMES = ['inbox', 'thread', 'prospect'];

export function scenarios(ids: ScenarioIds): Scenario[] {
  return [inboxPage(20), thread(ids), prospect(ids)];
}
