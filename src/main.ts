import { loadConfigOrExit } from './config.js';
import { createLogger } from './observability/logger.js';
import { startTracing } from './observability/tracing.js';
import { listen, stopOnSignals } from './server.js';
import { createFacade } from './yoga.js';

/** `npm start`: the facade in front of INBOX_API_URL. */
const config = loadConfigOrExit();
const logger = createLogger(config.LOG_LEVEL);
// Before the facade: its Yoga plugins include the tracing's, when the OTEL_* variables ask for traces.
const tracing = await startTracing();
if (tracing) logger.info('tracing on: spans are exported as the OTEL_* variables say');
const running = await listen(createFacade({ config, logger, tracing }), config.PORT, config.HOST);
logger.info(
  { graphql: `${running.url}/graphql`, upstream: config.INBOX_API_URL },
  'Inbox GraphQL facade ready',
);
stopOnSignals(logger, running, config.SHUTDOWN_TIMEOUT_MS, ...(tracing ? [tracing.shutdown] : []));
