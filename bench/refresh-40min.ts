/**
 * A 40-minute instance refresh, simulated: the simulator and the Poller share one virtual clock, so the
 * refresh passes in well under a second while every DescribeInstanceRefreshes goes through the real
 * Auto Scaling client over HTTP (awsQuery, XML). Ten instances, one at a time (minimum healthy 90%),
 * a replacement every 3.9 minutes. Measures calls per refresh (and per hour) and how late the end is seen.
 */
import { AutoScalingClient } from '@aws-sdk/client-auto-scaling';
import { createClient } from '../src/aws/client.js';
import type { Clock } from '../src/aws/poller.js';
import { startRefresh, waitForRefreshes } from '../src/rollout/refresh.js';
import { describeGroups, toTarget } from '../src/rollout/targets.js';
import { simulatorEnv, startSimulator } from '../test/simulator/server.js';
import { median } from './cold-start.js';

const MIN = 60_000;
const PENDING_MS = 1 * MIN;
const BATCH_MS = 3.9 * MIN;
const INSTANCES = 10;
export const REFRESH_MS = PENDING_MS + INSTANCES * BATCH_MS;

export async function refreshForty(runs: number, maxIntervalMs = 30_000) {
  let now = Date.UTC(2026, 10, 22, 3, 0, 0);
  const clock: Clock = { now: () => now, sleep: async (ms) => void (now += ms) };
  const sim = await startSimulator({
    clock: () => now,
    scenario: {
      ec2: { launchTemplates: [{ name: 'ecs-node', imageId: 'ami-0aaaaaaaaaaaaaaaa', versions: 2 }] },
      autoscaling: {
        groups: [
          {
            name: 'ecs-node',
            launchTemplate: 'ecs-node',
            version: '1',
            instances: INSTANCES,
            refreshes: [{ pendingMs: PENDING_MS, batchMs: BATCH_MS }],
          },
        ],
      },
    },
  });
  const env = simulatorEnv(sim);
  Object.assign(process.env, env);
  const client = createClient(AutoScalingClient, {
    region: 'us-east-1',
    action: 'bench',
    env: { ...process.env, ...env },
  });
  const calls: number[] = [];
  const delays: number[] = [];
  try {
    const [group] = await describeGroups(client, ['ecs-node']);
    const target = toTarget(group!);
    for (let i = 0; i < runs; i++) {
      // Each run moves the group to the other template version, so every instance is replaced again.
      const version = i % 2 === 0 ? 2 : 1;
      const id = await startRefresh(
        client,
        target,
        { LaunchTemplate: { LaunchTemplateId: target.template.id, Version: String(version) } },
        {
          MinHealthyPercentage: 90,
          SkipMatching: true,
        },
      );
      const started = now;
      const before = sim.calls('DescribeInstanceRefreshes').length;
      await waitForRefreshes(client, [{ group: 'ecs-node', id }], {
        what: 'bench refresh',
        timeoutMs: 3 * 60 * MIN,
        maxIntervalMs,
        clock,
      });
      calls.push(sim.calls('DescribeInstanceRefreshes').length - before);
      delays.push(now - (started + REFRESH_MS));
      now += 10 * MIN;
    }
  } finally {
    client.destroy();
    await sim.close();
  }
  const callsMedian = median(calls);
  return {
    runs,
    maxIntervalMs,
    refreshMinutes: REFRESH_MS / MIN,
    callsMedian,
    callsMax: Math.max(...calls),
    callsPerHour: Math.round((callsMedian * 60 * MIN) / REFRESH_MS),
    delayMedianS: median(delays) / 1000,
    delayMaxS: Math.max(...delays) / 1000,
  };
}
