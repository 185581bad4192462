/**
 * The package's entry for embedding the facade in another Node program (`npm start` runs src/main.ts).
 * Clients want `inbox-graphql-facade/schema.graphql` (the SDL) and `inbox-graphql-facade/client` instead.
 */
export { type Config, loadConfig } from './config.js';
export { createLogger } from './observability/logger.js';
export { listen, type RunningServer } from './server.js';
export { createFacade, type Facade, type FacadeOptions } from './yoga.js';
