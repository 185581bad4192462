import type { AccountLink, ProspectWithContext } from '../contract.js';
import { validationError } from '../errors.js';
import { isXUserId, type Person, strangerById } from '../profiles.js';
import type { SimulatorStore } from '../store.js';
import type { TeamState } from '../team-state.js';

export interface PersonRef {
  externalId?: string | undefined;
  externalPlatformId?: string | undefined;
}

/**
 * The person a create/quick-send body points at: a known prospect (by externalId or X id), or any other
 * well-formed X user id, which the real API would resolve on X and import as a new prospect.
 */
export function resolvePerson(
  store: SimulatorStore,
  team: TeamState,
  ref: PersonRef,
): ProspectWithContext | Person {
  if (ref.externalId !== undefined) return store.owned(team, 'prospect', ref.externalId);
  if (ref.externalPlatformId === undefined) {
    throw validationError('Invalid field externalPlatformId: give externalPlatformId or externalId');
  }
  const known = team.prospectByPlatform(ref.externalPlatformId);
  if (known) return known;
  if (!isXUserId(ref.externalPlatformId)) {
    throw validationError('Invalid field externalPlatformId: must be an X user id (decimal string)');
  }
  return strangerById(ref.externalPlatformId);
}

export const accountLinkOf = (store: SimulatorStore, team: TeamState, id: string): AccountLink =>
  store.owned(team, 'accountLink', id);
