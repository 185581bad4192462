import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { buildSubgraphSchema } from '@apollo/subgraph';
import { parse } from 'graphql';
import { createYoga } from 'graphql-yoga';

/**
 * A second, independent subgraph as another team would write it (graphql-yoga + @apollo/subgraph):
 * it extends our Prospect by `platform platformId` and our Thread by `inboxId`, and has root fields that
 * return bare references, so a gateway must come back to the facade to fill them in.
 */
export const REVIEWS_SDL = /* GraphQL */ `
  extend schema @link(url: "https://specs.apollo.dev/federation/v2.6", import: ["@key"])

  "Platforms, as the facade names them."
  enum Platform {
    TWITTER
    SANDBOX
  }

  "A customer review written about a prospect."
  type Review {
    id: ID!
    rating: Int!
    text: String!
  }

  type Prospect @key(fields: "platform platformId") {
    platform: Platform!
    platformId: String!
    "Reviews about this person."
    reviews: [Review!]!
  }

  type Thread @key(fields: "inboxId") {
    inboxId: ID!
    "How urgent the conversation is, 0–100."
    priorityScore: Int!
  }

  type Query {
    "Prospects with at least one review, best rated first (an item is null when it cannot be resolved)."
    reviewedProspects: [Prospect]!
    "The most urgent conversations, as references to the facade's threads (null when unresolvable)."
    urgentThreads: [Thread]!
  }
`;

export interface ReviewsData {
  /** Reviews by X user id; the keys are the prospects `reviewedProspects` returns. */
  reviewsByPlatformId: Map<string, Array<{ id: string; rating: number; text: string }>>;
  /** Priority by raw thread id; the keys are the threads `urgentThreads` returns. */
  priorityByThreadId: Map<string, number>;
}

export interface ReviewsSubgraph {
  url: string;
  /** Every `_entities` representation this subgraph was asked to resolve, as the gateway sent it. */
  representations: Array<Record<string, unknown>>;
  /** The Authorization header of each request it served (null when absent). */
  authorizations: Array<string | null>;
  close(): Promise<void>;
}

type ProspectKey = { platform: string; platformId: string };

export async function startReviewsSubgraph(data: ReviewsData): Promise<ReviewsSubgraph> {
  const representations: Array<Record<string, unknown>> = [];
  const authorizations: Array<string | null> = [];
  const reviewsOf = (platformId: string) => data.reviewsByPlatformId.get(platformId) ?? [];
  const averageRating = (platformId: string) => {
    const reviews = reviewsOf(platformId);
    return reviews.reduce((sum, review) => sum + review.rating, 0) / reviews.length;
  };

  const schema = buildSubgraphSchema({
    typeDefs: parse(REVIEWS_SDL),
    resolvers: {
      Query: {
        // Plain references: the enum by its GraphQL name, as any subgraph would return it.
        reviewedProspects: (): ProspectKey[] =>
          [...data.reviewsByPlatformId.keys()]
            .sort((a, b) => averageRating(b) - averageRating(a))
            .map((platformId) => ({ platform: 'TWITTER', platformId })),
        urgentThreads: () =>
          [...data.priorityByThreadId.entries()]
            .sort(([, a], [, b]) => b - a)
            .map(([inboxId]) => ({ inboxId })),
      },
      Prospect: {
        __resolveReference: (reference: ProspectKey & Record<string, unknown>) => {
          representations.push(reference);
          return reference;
        },
        reviews: (prospect: ProspectKey) => reviewsOf(prospect.platformId),
      },
      Thread: {
        __resolveReference: (reference: { inboxId: string } & Record<string, unknown>) => {
          representations.push(reference);
          return reference;
        },
        priorityScore: (thread: { inboxId: string }) => data.priorityByThreadId.get(thread.inboxId) ?? 0,
      },
    },
  });

  const yoga = createYoga({
    schema,
    logging: false,
    context: ({ request }) => {
      authorizations.push(request.headers.get('authorization'));
      return {};
    },
  });
  const server = createServer(yoga);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/graphql`,
    representations,
    authorizations,
    close: async () => {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
