import { z } from 'zod';

/**
 * The inbox page as a user sees it, built three ways (REST joined by hand, Mesh's raw root fields joined
 * by the client, our facade's joined answer), so the CPU-bound scenario can check that every contender
 * shows the same page from the same data.
 */
export interface InboxRow {
  prospect: string | null;
  lastMessage: string | null;
  accountLink: string | null;
  assignee: string | null;
  sender: string | null;
  status: string | null;
  /** Sorted: a display order is not data. */
  tags: string[];
}

export interface InboxPage {
  team: string;
  rows: InboxRow[];
}

/** The REST fields the page reads; Mesh's root fields carry the same names. */
export interface RestInboxParts {
  team: { name: string };
  members: Array<{ id: string; userId: string; name: string }>;
  accountLinks: Array<{ id: string; username: string }>;
  tags: Array<{ id: string; name: string }>;
  statuses: Array<{ id: string; name: string }>;
  threads: Array<{
    accountLinkId: string;
    assigneeId: string | null;
    lastMessage: { content: string | null; userId: string | null } | null;
    prospect: { username: string | null; context: { tags: string[]; statusId: string | null } };
  }>;
}

const nameById = (items: Array<{ id: string; name: string }>) =>
  new Map(items.map((item) => [item.id, item.name]));
const lookUp = (names: Map<string, string>, id: string | null | undefined) => (id && names.get(id)) ?? null;

/** What a client calling REST directly does: join the thread page against the five collections. */
export function joinInboxPage(parts: RestInboxParts): InboxPage {
  const members = nameById(parts.members);
  const membersByUserId = new Map(parts.members.map((member) => [member.userId, member.name]));
  const accountLinks = new Map(parts.accountLinks.map((link) => [link.id, link.username]));
  const tags = nameById(parts.tags);
  const statuses = nameById(parts.statuses);
  return {
    team: parts.team.name,
    rows: parts.threads.map((thread) => ({
      prospect: thread.prospect.username,
      lastMessage: thread.lastMessage?.content ?? null,
      accountLink: lookUp(accountLinks, thread.accountLinkId),
      assignee: lookUp(members, thread.assigneeId),
      sender: lookUp(membersByUserId, thread.lastMessage?.userId),
      status: lookUp(statuses, thread.prospect.context.statusId),
      tags: thread.prospect.context.tags.flatMap((id) => tags.get(id) ?? []).sort(),
    })),
  };
}

const meshAnswer = z.object({
  data: z.object({
    getTeam: z.object({ name: z.string() }),
    listThreads: z.object({ threads: z.array(z.any()) }),
    listMembers: z.array(z.any()),
    listAccountLinks: z.array(z.any()),
    listTags: z.array(z.any()),
    listStatuses: z.array(z.any()),
  }),
});

/** Mesh answers with REST's shapes: the client joins them as a REST client would. */
export function pageFromMesh(body: unknown): InboxPage {
  const { data } = meshAnswer.parse(body);
  return joinInboxPage({
    team: data.getTeam,
    members: data.listMembers,
    accountLinks: data.listAccountLinks,
    tags: data.listTags,
    statuses: data.listStatuses,
    threads: data.listThreads.threads,
  });
}

const named = z.object({ name: z.string() }).nullable();
const ourAnswer = z.object({
  data: z.object({
    team: z.object({ name: z.string() }),
    threads: z.object({
      edges: z.array(
        z.object({
          node: z.object({
            lastMessage: z.object({ content: z.string().nullable(), sentBy: named }).nullable(),
            accountLink: z.object({ username: z.string() }).nullable(),
            assignee: named,
            prospect: z.object({
              username: z.string().nullable(),
              status: named,
              tags: z.array(z.object({ name: z.string() })),
            }),
          }),
        }),
      ),
    }),
  }),
});

export function pageFromOurs(body: unknown): InboxPage {
  const { data } = ourAnswer.parse(body);
  return {
    team: data.team.name,
    rows: data.threads.edges.map(({ node }) => ({
      prospect: node.prospect.username,
      lastMessage: node.lastMessage?.content ?? null,
      accountLink: node.accountLink?.username ?? null,
      assignee: node.assignee?.name ?? null,
      sender: node.lastMessage?.sentBy?.name ?? null,
      status: node.prospect.status?.name ?? null,
      tags: node.prospect.tags.map((tag) => tag.name).sort(),
    })),
  };
}
