import { z } from 'zod';

/** GET /events pages hold 100 events by default and 1000 at most. */
export const EVENT_PAGE = { default: 100, max: 1000 };

/** A position in the team's event log. */
export const eventSeq = z.number().int().min(0, { error: 'must be a `seq` (0 or more)' });
