// Every AWS call an action makes (seen in the simulator's request log while the e2e suite runs the
// action the same way) must be granted by the least-privilege policy its docs give.
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, test } from '@jest/globals';
import { ECSClient, RegisterTaskDefinitionCommand } from '@aws-sdk/client-ecs';
import { ROOT, runAction } from '../harness/runner.js';
import { type Simulator, simulatorEnv, startSimulator } from '../simulator/server.js';

let sim: Simulator;
beforeAll(async () => {
  sim = await startSimulator({ scenario: join(ROOT, 'test', 'simulator', 'scenarios', 'demo.json') });
  sim.clearFaults();
  Object.assign(process.env, simulatorEnv(sim));
  await new ECSClient({ region: 'us-east-1' }).send(
    new RegisterTaskDefinitionCommand({
      family: 'demo-web',
      containerDefinitions: [{ name: 'web', image: 'nginx', memory: 128 }],
    }),
  );
});
afterAll(() => sim.close());

async function calledBy(action: string, runs: Record<string, string>[]): Promise<string[]> {
  sim.requests.length = 0;
  for (const inputs of runs) {
    const r = await runAction(action, {
      inputs,
      env: { ...simulatorEnv(sim), GITHUB_RUN_ID: String(Math.random()) },
    });
    expect([action, inputs, r.errors]).toEqual([action, inputs, []]);
  }
  return [...new Set(sim.requests.map((r) => `${r.service}:${r.operation}`))].sort();
}

const PIPELINE = 'arn:aws:imagebuilder:us-east-1:111122223333:image-pipeline/ecs-node';

test.each([
  ['resolve-ecs-image', [{}, { variant: 'gpu' }, { os: 'bottlerocket' }, { 'compare-to': PIPELINE }]],
  [
    'image-pipeline',
    [{ pipeline: 'ecs-node', 'parent-image': 'ami-0123456789abcdef0', 'poll-interval': '1s' }],
  ],
] as [string, Record<string, string>[]][])('%s: the docs grant every call it makes', async (action, runs) => {
  const docs = await readFile(join(ROOT, 'docs', `${action}.md`), 'utf8');
  const called = await calledBy(action, runs);
  expect(called.length).toBeGreaterThan(0);
  for (const call of called) expect([call, docs.includes(`"${call}"`)]).toEqual([call, true]);
});
