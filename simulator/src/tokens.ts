/** Team 1 ("Acme Corp", the demo team); created by its owner. */
export const DEMO_TOKEN = 'demo-token';
/** A second token of team 1 (created by its admin): shares the team's rate-limit budget with DEMO_TOKEN. */
export const DEMO_ALT_TOKEN = 'demo-token-2';
/** Team 2 ("Umbra Robotics"), for isolation tests. */
export const SECOND_TEAM_TOKEN = 'other-team-token';
