import { loadConfigOrExit } from '../src/config.js';
import { createLogger } from '../src/observability/logger.js';
import { listen } from '../src/server.js';
import { createFacade } from '../src/yoga.js';
import { serveParent } from './ipc.js';

/**
 * One replica of the facade for bench/replicas.ts, configured by its environment as an operator would
 * (REDIS_URL, REDIS_KEY_PREFIX, TEAM_CALLS_PER_MINUTE…), logging at `error` only. Usage: replica-process.ts
 */
const config = loadConfigOrExit({ LOG_LEVEL: 'error', ...process.env, PORT: '0', HOST: '127.0.0.1' });
const facade = createFacade({ config, logger: createLogger(config.LOG_LEVEL) });
const running = await listen(facade, 0, '127.0.0.1');
serveParent({ url: `${running.url}/graphql` }, { sharing: () => facade.teamBudget.shared });
