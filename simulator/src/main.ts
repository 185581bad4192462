import { DEMO_TOKEN, SECOND_TEAM_TOKEN, startSimulator } from './index.js';
import { simulatorOptionsFromEnv } from './options.js';

/** Standalone simulator: `npm run simulator`. */
let options: ReturnType<typeof simulatorOptionsFromEnv>;
try {
  options = simulatorOptionsFromEnv(process.env, 4010);
} catch (error) {
  console.error((error as Error).message);
  process.exit(1);
}
const simulator = await startSimulator(options);

console.log(`Inbox API simulator listening on ${simulator.url}
  Demo team token:   ${DEMO_TOKEN}
  Second team token: ${SECOND_TEAM_TOKEN}`);

for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => {
    simulator.close().then(
      () => process.exit(0),
      () => process.exit(1),
    );
  });
}
