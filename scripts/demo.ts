import { DEMO_TOKEN, SECOND_TEAM_TOKEN, startSimulator } from '../simulator/src/index.js';
import { simulatorOptionsFromEnv } from '../simulator/src/options.js';
import { loadConfigOrExit } from '../src/config.js';
import { createLogger } from '../src/observability/logger.js';
import { startTracing } from '../src/observability/tracing.js';
import { listen, stopOnSignals } from '../src/server.js';
import { createFacade } from '../src/yoga.js';

/**
 * `npm run demo`: the embedded Inbox simulator and the facade in front of it, offline.
 * Same configuration as `npm start`, except that INBOX_API_URL points at the simulator.
 */
let simulatorOptions: ReturnType<typeof simulatorOptionsFromEnv>;
try {
  simulatorOptions = simulatorOptionsFromEnv(process.env, 0);
} catch (error) {
  console.error((error as Error).message);
  process.exit(1);
}
const simulator = await startSimulator(simulatorOptions);
const config = loadConfigOrExit({ ...process.env, INBOX_API_URL: simulator.url });
const logger = createLogger(config.LOG_LEVEL);
const tracing = await startTracing();
const running = await listen(
  createFacade({ config, logger, graphiqlToken: DEMO_TOKEN, tracing }),
  config.PORT,
  config.HOST,
);

console.log(`
  Inbox GraphQL facade (demo) ready

  GraphiQL:        ${running.url}/graphql
  Demo token:      ${DEMO_TOKEN}          (pre-filled in GraphiQL)
  Second team:     ${SECOND_TEAM_TOKEN}
  Simulated Inbox: ${simulator.url}

  Try: curl -s ${running.url}/graphql -H 'content-type: application/json' \\
         -H 'authorization: Bearer ${DEMO_TOKEN}' -d '{"query":"{ team { name } }"}'
`);
stopOnSignals(
  logger,
  running,
  config.SHUTDOWN_TIMEOUT_MS,
  () => simulator.close(),
  ...(tracing ? [tracing.shutdown] : []),
);
