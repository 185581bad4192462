import { expect, it } from 'vitest';
import { DEMO_TOKEN, SECOND_TEAM_TOKEN } from '../../simulator/src/index.js';
import { TeamScopedIdsDocument } from '../generated/graphql.js';
import { useHarness } from '../support/harness.js';

// Isolation, not latency, is under test: on a loaded machine 200 concurrent pages can take longer than the
// default upstream timeout, which would fail the test for a reason it does not test.
const harness = useHarness({ config: { INBOX_TIMEOUT_MS: '120000' } });

it('200 concurrent requests alternating between two teams never show one team’s data to the other', async () => {
  const teams = [DEMO_TOKEN, SECOND_TEAM_TOKEN].map((token) => {
    const state = harness.simulator.store.teamByToken(token);
    if (!state) throw new Error('unknown token');
    return {
      token,
      teamId: state.team.id,
      ids: new Set([
        ...state.threads.map((thread) => thread.id),
        ...state.tags.map((tag) => tag.id),
        ...state.members.map((member) => member.id),
      ]),
    };
  });
  expect(teams[0]?.teamId).not.toBe(teams[1]?.teamId);

  const responses = await Promise.all(
    Array.from({ length: 200 }, (_, index) => {
      const team = teams[index % 2];
      if (!team) throw new Error('unreachable');
      return harness
        .graphql(TeamScopedIdsDocument, { token: team.token })
        .then((response) => ({ team, response }));
    }),
  );

  for (const { team, response } of responses) {
    expect(response.body.errors).toBeUndefined();
    const data = response.body.data;
    if (!data) throw new Error('no data');
    expect(data.team?.inboxId).toBe(team.teamId);
    const seen = [
      ...(data.tags ?? []).map((tag) => tag.inboxId),
      ...(data.members ?? []).map((member) => member.inboxId),
      ...(data.threads?.edges ?? []).flatMap(({ node }) => [
        node.inboxId,
        ...(node.prospect.tags ?? []).map((tag) => tag.inboxId),
        ...(node.assignee ? [node.assignee.inboxId] : []),
      ]),
    ];
    expect(seen.length).toBeGreaterThan(20);
    for (const id of seen) expect(team.ids.has(id)).toBe(true);
  }
});
