import type { AccountLink, Member } from '../contract.js';
import { unprocessable, validationError } from '../errors.js';

/** Who is in the team: members, their API tokens, and the team's X accounts (account links). */
export class TeamMembers {
  constructor(
    readonly members: Member[],
    readonly accountLinks: AccountLink[],
    /** API token -> id of the member who created it. */
    readonly tokens: ReadonlyMap<string, string>,
  ) {}

  member(id: string): Member | undefined {
    return this.members.find((member) => member.id === id);
  }

  accountLink(id: string): AccountLink | undefined {
    return this.accountLinks.find((link) => link.id === id);
  }

  /** Member behind an API token: API sends carry this member's userId. */
  memberForToken(token: string): Member | undefined {
    const memberId = this.tokens.get(token);
    return memberId === undefined ? undefined : this.member(memberId);
  }

  /** An offline or paused X account cannot send (the contract is silent; 422 is the closest documented fit). */
  assertCanSend(accountLink: AccountLink): void {
    if (accountLink.status !== 'active') {
      throw unprocessable(
        'ACCOUNT_LINK_UNAVAILABLE',
        `Account link @${accountLink.username} is ${accountLink.status}; reconnect it in Inbox to send messages`,
      );
    }
  }

  /** A 422 naming `field` unless `id` is a member of this team. */
  requireMember(id: string, field: string): void {
    if (!this.member(id)) {
      throw validationError(`Invalid field ${field}: member '${id}' does not exist in this team`);
    }
  }
}
