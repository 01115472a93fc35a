/**
 * A 60-minute image build, simulated: the simulator and the Poller share one virtual clock, so an hour
 * passes in well under a second while every GetImage still goes through the real SDK client over HTTP.
 * Measures API calls per build and how late AVAILABLE is noticed.
 */
import { ImagebuilderClient } from '@aws-sdk/client-imagebuilder';
import { createClient } from '../src/aws/client.js';
import type { Clock } from '../src/aws/poller.js';
import { startBuild, waitForImage } from '../src/imagebuilder/pipeline.js';
import { simulatorEnv, startSimulator } from '../test/simulator/server.js';
import { median } from './cold-start.js';

const MIN = 60_000;
/** State changes at realistic times: available after 60 minutes. */
export const HOUR_BUILD: [string, number][] = [
  ['PENDING', 1 * MIN],
  ['CREATING', 2 * MIN],
  ['BUILDING', 25 * MIN],
  ['TESTING', 15 * MIN],
  ['DISTRIBUTING', 15 * MIN],
  ['INTEGRATING', 2 * MIN],
];
const BUILD_MS = HOUR_BUILD.reduce((t, [, ms]) => t + ms, 0);

export async function buildHour(runs: number, maxIntervalMs = 30_000) {
  let now = Date.UTC(2026, 10, 21, 3, 0, 0);
  const clock: Clock = { now: () => now, sleep: async (ms) => void (now += ms) };
  const sim = await startSimulator({
    clock: () => now,
    scenario: {
      imagebuilder: {
        recipes: [{ name: 'ecs-node', version: '1.0.0', parentImage: 'ami-0123456789abcdef0' }],
        pipelines: [{ name: 'ecs-node', recipe: 'ecs-node/1.0.0', build: { phases: HOUR_BUILD } }],
      },
    },
  });
  const env = simulatorEnv(sim);
  const client = createClient(ImagebuilderClient, {
    region: 'us-east-1',
    action: 'bench',
    env: { ...process.env, ...env },
  });
  Object.assign(process.env, env);
  const calls: number[] = [];
  const delays: number[] = [];
  try {
    for (let i = 0; i < runs; i++) {
      const pipeline = 'arn:aws:imagebuilder:us-east-1:111122223333:image-pipeline/ecs-node';
      const arn = await startBuild(client, pipeline, `bench-${i}`);
      const started = now;
      const before = sim.calls('GetImage').length;
      await waitForImage(client, arn, { timeoutMs: 3 * 60 * MIN, maxIntervalMs, clock });
      calls.push(sim.calls('GetImage').length - before);
      delays.push(now - (started + BUILD_MS));
      now += 10 * MIN;
    }
  } finally {
    client.destroy();
    await sim.close();
  }
  return {
    runs,
    maxIntervalMs,
    callsMedian: median(calls),
    callsMax: Math.max(...calls),
    delayMedianS: median(delays) / 1000,
    delayMaxS: Math.max(...delays) / 1000,
  };
}
