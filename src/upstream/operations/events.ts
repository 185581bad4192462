import type { QueryOf } from '../rest-client.js';
import type { Session } from '../session.js';

export function eventOperations(session: Session) {
  return {
    /** One page of the team's event log (`GET /events`), oldest first. */
    page: (query: QueryOf<'/events', 'get'>) => session.rest.get('/events', { query }),
  };
}
