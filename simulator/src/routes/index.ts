import type { Route } from '../router.js';
import { campaignRoutes, listRoutes } from './campaigns.js';
import { labelRoutes } from './labels.js';
import { messageRoutes } from './messages.js';
import { prospectRoutes } from './prospects.js';
import { teamRoutes } from './team.js';
import { threadRoutes } from './threads.js';

/** Every v1 endpoint of src/upstream/openapi.yaml, paths relative to /api/v1. */
export const routes: Route[] = [
  ...teamRoutes,
  ...threadRoutes,
  ...messageRoutes,
  ...prospectRoutes,
  ...labelRoutes,
  ...listRoutes,
  ...campaignRoutes,
];
