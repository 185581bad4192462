import { loadConfigOrExit } from './config.js';
import { createLogger } from './logger.js';
import { listen, stopOnSignals } from './server.js';
import { createFacade } from './yoga.js';

/** `npm start`: the facade in front of INBOX_API_URL. */
const config = loadConfigOrExit();
const logger = createLogger(config.LOG_LEVEL);
const running = await listen(createFacade({ config, logger }), config.PORT, config.HOST);
logger.info(
  { graphql: `${running.url}/graphql`, upstream: config.INBOX_API_URL },
  'Inbox GraphQL facade ready',
);
stopOnSignals(logger, running, config.SHUTDOWN_TIMEOUT_MS);
