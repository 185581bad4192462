import type { SimulatorStore } from './store.js';
import type { TeamState } from './team-state.js';
import type { Query } from './validation.js';

export interface RequestContext {
  store: SimulatorStore;
  team: TeamState;
  token: string;
  params: Record<string, string>;
  query: Query;
  body: unknown;
}

/** Returns the JSON body of a 200 (every v1 success is a 200). */
export type Handler = (context: RequestContext) => unknown;

export interface Route {
  method: string;
  path: string;
  handler: Handler;
}

interface CompiledRoute extends Route {
  segments: string[];
  staticCount: number;
}

export interface RouteMatch {
  handler: Handler;
  params: Record<string, string>;
}

const isParam = (segment: string): boolean => segment.startsWith('{');

/** Path templates like `/threads/{threadId}`; a static segment beats a parameter (`/threads/lookup`). */
export class Router {
  private readonly routes: CompiledRoute[];

  constructor(routes: Route[]) {
    this.routes = routes.map((route) => {
      const segments = route.path.split('/').slice(1);
      return { ...route, segments, staticCount: segments.filter((s) => !isParam(s)).length };
    });
  }

  match(method: string, path: string): RouteMatch | undefined {
    const parts = path.split('/').slice(1);
    let best: { route: CompiledRoute; params: Record<string, string> } | undefined;
    for (const route of this.routes) {
      if (route.method !== method || route.segments.length !== parts.length) continue;
      if (best && best.route.staticCount >= route.staticCount) continue;
      const params = matchSegments(route.segments, parts);
      if (params) best = { route, params };
    }
    return best && { handler: best.route.handler, params: best.params };
  }
}

function matchSegments(segments: string[], parts: string[]): Record<string, string> | undefined {
  const params: Record<string, string> = {};
  for (let i = 0; i < segments.length; i++) {
    const segment = segments[i] as string;
    const part = parts[i] as string;
    if (isParam(segment)) {
      if (part === '') return undefined;
      try {
        params[segment.slice(1, -1)] = decodeURIComponent(part);
      } catch {
        return undefined;
      }
    } else if (segment !== part) {
      return undefined;
    }
  }
  return params;
}
