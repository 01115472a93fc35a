/** Stand-alone simulator: `npm run simulator -- --scenario FILE [--port N]`; prints its endpoint and runs until stopped. */
import { parseArgs } from 'node:util';
import { startSimulator } from './server.js';

const { values } = parseArgs({
  options: { scenario: { type: 'string' }, port: { type: 'string' }, quiet: { type: 'boolean' } },
});
const port = values.port === undefined ? 0 : Number(values.port);
if (!Number.isInteger(port) || port < 0 || port > 65535) {
  console.error(`--port must be a number from 0 to 65535, not ${values.port}`);
  process.exit(2);
}
const sim = await startSimulator({ ...(values.scenario ? { scenario: values.scenario } : {}), port });
console.log(`ecs-shipyard AWS simulator listening on ${sim.endpoint}`);
console.log('Point the AWS SDK and the actions at it with:');
console.log(`  export AWS_ENDPOINT_URL=${sim.endpoint}`);
console.log('  export AWS_ACCESS_KEY_ID=AKIASIMULATOR AWS_SECRET_ACCESS_KEY=simulator AWS_REGION=us-east-1');
console.log('Ctrl-C stops it.');
let last = 0;
const timer = setInterval(() => {
  if (values.quiet) return;
  for (const r of sim.requests.slice(last)) {
    console.log(
      `${r.at}ms ${r.service}.${r.operation} ${r.region} -> ${r.status}${r.error ? ` ${r.error}` : ''}`,
    );
  }
  last = sim.requests.length;
}, 200);
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => {
    clearInterval(timer);
    void sim.close().then(() => process.exit(0));
  });
}
