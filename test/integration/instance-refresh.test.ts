// Instance refreshes in the simulator through the real Auto Scaling client, waited for on a virtual clock.
import { afterAll, beforeAll, expect, test } from '@jest/globals';
import { AutoScalingClient, DescribeInstanceRefreshesCommand } from '@aws-sdk/client-auto-scaling';
import type { Clock } from '../../src/aws/poller.js';
import { startRefresh, waitForRefreshes } from '../../src/rollout/refresh.js';
import { describeGroups, toTarget } from '../../src/rollout/targets.js';
import { type Simulator, simulatorEnv, startSimulator } from '../simulator/server.js';

const MIN = 60_000;
let now = Date.UTC(2026, 10, 22);
const clock: Clock = { now: () => now, sleep: async (ms) => void (now += ms) };
let sim: Simulator;
let client: AutoScalingClient;

beforeAll(async () => {
  sim = await startSimulator({
    clock: () => now,
    scenario: {
      ec2: { launchTemplates: [{ name: 'lt', imageId: 'ami-0aaaaaaaaaaaaaaaa', versions: 2 }] },
      autoscaling: {
        groups: [
          {
            name: 'four',
            launchTemplate: 'lt',
            version: '1',
            instances: 4,
            refreshes: [{ pendingMs: MIN, batchMs: 5 * MIN }],
          },
          {
            name: 'guarded',
            launchTemplate: 'lt',
            version: '1',
            instances: 2,
            protectedFromScaleIn: true,
            refreshes: [{ pendingMs: MIN, batchMs: 5 * MIN }],
          },
        ],
      },
    },
  });
  Object.assign(process.env, simulatorEnv(sim));
  client = new AutoScalingClient({ region: 'us-east-1' });
});
afterAll(async () => {
  client.destroy();
  await sim.close();
});

async function start(group: string, preferences: Record<string, unknown> = {}) {
  const [g] = await describeGroups(client, [group]);
  const target = toTarget(g!);
  return startRefresh(
    client,
    target,
    { LaunchTemplate: { LaunchTemplateId: target.template.id, Version: '2' } },
    { MinHealthyPercentage: 75, ...preferences },
  );
}

test('one log line per change of status or progress, and the end seen within the interval', async () => {
  const id = await start('four');
  const lines: string[] = [];
  const log = { info: (m: string) => lines.push(m), warning: () => {}, debug: () => {} };
  const started = now;
  const { results, calls } = await waitForRefreshes(client, [{ group: 'four', id }], {
    what: 'refresh',
    timeoutMs: 2 * 60 * MIN,
    maxIntervalMs: 30_000,
    clock,
    log,
  });
  expect(results.get('four')?.Status).toBe('Successful');
  expect(lines.map((l) => l.replace(/ \[.*\]$/, ''))).toEqual([
    'refresh: Pending 0% (4 to update)',
    'refresh: InProgress 0% (4 to update)',
    'refresh: InProgress 25% (3 to update)',
    'refresh: InProgress 50% (2 to update)',
    'refresh: InProgress 75% (1 to update)',
    expect.stringMatching(/^refresh: done after 2\dm\d+s \(\d+ checks\)$/),
  ]);
  // 21 minutes at most 30 s apart (and no sooner than 10 s after a new status).
  expect(now - (started + 21 * MIN)).toBeLessThanOrEqual(30_000);
  expect(calls).toBeGreaterThanOrEqual(42);
  expect(calls).toBeLessThanOrEqual(50);
});

test('Wait on scale-in protected instances holds the refresh, then fails it after an hour', async () => {
  const id = await start('guarded', { ScaleInProtectedInstances: 'Wait' });
  now += 30 * MIN;
  const mid = await client.send(
    new DescribeInstanceRefreshesCommand({ AutoScalingGroupName: 'guarded', InstanceRefreshIds: [id] }),
  );
  expect(mid.InstanceRefreshes?.[0]).toMatchObject({ Status: 'InProgress', InstancesToUpdate: 2 });
  expect(mid.InstanceRefreshes?.[0]?.StatusReason).toMatch(/Waiting for 2 instances protected from scale-in/);
  now += 60 * MIN;
  const end = await client.send(
    new DescribeInstanceRefreshesCommand({ AutoScalingGroupName: 'guarded', InstanceRefreshIds: [id] }),
  );
  expect(end.InstanceRefreshes?.[0]?.Status).toBe('Failed');
});
