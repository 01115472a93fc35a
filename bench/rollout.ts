/**
 * How late a finished rollout is noticed, and at what cost in API calls: ecs-shipyard's deploy wait
 * against the SDK's waitUntilServicesStable with the 15 s minimum delay the official deploy action uses.
 * Both run in this process on one virtual clock shared with the simulator: the Poller sleeps on it
 * directly, and the SDK waiter's sleeps (timers set from @smithy/core's waiter) jump it; every other timer
 * (sockets, the HTTP handler's) stays real. Real SDK calls over HTTP.
 */
import {
  DescribeServicesCommand,
  ECSClient,
  RegisterTaskDefinitionCommand,
  UpdateServiceCommand,
  waitUntilServicesStable,
} from '@aws-sdk/client-ecs';
import { createClient } from '../src/aws/client.js';
import type { Clock } from '../src/aws/poller.js';
import { waitForDeployment } from '../src/ecs/deploy.js';
import { simulatorEnv, startSimulator } from '../test/simulator/server.js';
import { median } from './cold-start.js';

let now = Date.UTC(2026, 10, 21, 12);
const realSetTimeout = globalThis.setTimeout;
/** The SDK waiter's sleeps jump the virtual clock instead of waiting. */
function virtualTimers(): () => void {
  const original = globalThis.setTimeout;
  (globalThis as { setTimeout: unknown }).setTimeout = ((
    fn: (...a: unknown[]) => void,
    ms?: number,
    ...args: unknown[]
  ) => {
    // The waiter's sleep is in @smithy/core's client submodule; the HTTP handler's timers are not.
    const stack = new Error().stack ?? '';
    if (!/@smithy[/\\]core[/\\].*submodules[/\\]client/.test(stack) || (ms ?? 0) < 1000)
      return realSetTimeout(fn, ms, ...args);
    return realSetTimeout(() => {
      now += ms!;
      fn(...args);
    }, 0);
  }) as typeof setTimeout;
  return () => {
    globalThis.setTimeout = original;
  };
}
const clock: Clock = {
  now: () => now,
  sleep: async (ms) => {
    now += ms;
    await new Promise((resolve) => setImmediate(resolve));
  },
};

const S = 1000;
/** Rollouts of two tasks that complete at the given time after the update. */
const SHAPES: Record<string, { provisionMs: number; perTaskMs: number; drainMs: number }> = {
  '30s': { provisionMs: 10 * S, perTaskMs: 5 * S, drainMs: 15 * S },
  '2min': { provisionMs: 30 * S, perTaskMs: 15 * S, drainMs: 75 * S },
  '5min': { provisionMs: 60 * S, perTaskMs: 30 * S, drainMs: 210 * S },
};

export async function rolloutBench(runs: number) {
  const td = { family: 'web', containerDefinitions: [{ name: 'app', image: 'nginx', memory: 128 }] };
  const sim = await startSimulator({
    clock: () => now,
    scenario: {
      ecs: {
        clusters: [{ name: 'prod' }],
        taskDefinitions: [td],
        services: Object.entries(SHAPES).map(([name, shape]) => ({
          cluster: 'prod',
          name: `svc-${name}`,
          taskDefinition: 'web:1',
          desiredCount: 2,
          rollouts: [shape],
        })),
      },
    },
  });
  const env = { ...process.env, ...simulatorEnv(sim) };
  Object.assign(process.env, simulatorEnv(sim));
  const ecs = createClient(ECSClient, { region: 'us-east-1', action: 'bench', env });
  await ecs.send(new RegisterTaskDefinitionCommand(td));
  const restore = virtualTimers();
  const rows: { rollout: string; waiter: string; delayS: number; calls: number }[] = [];
  try {
    for (const [name, shape] of Object.entries(SHAPES)) {
      const completesIn = shape.provisionMs + shape.perTaskMs + shape.drainMs;
      for (const waiter of ['ecs-shipyard', 'SDK waitUntilServicesStable (minDelay 15s)']) {
        for (let i = 0; i < runs; i++) {
          const service = `svc-${name}`;
          const update = await ecs.send(
            new UpdateServiceCommand({ cluster: 'prod', service, forceNewDeployment: true }),
          );
          const started = now;
          const id = update.service?.deployments?.find((d) => d.status === 'PRIMARY')?.id ?? '';
          const before = sim.calls('DescribeServices').length;
          if (waiter === 'ecs-shipyard') {
            await waitForDeployment(ecs, {
              cluster: 'prod',
              service,
              deploymentId: id,
              region: 'us-east-1',
              timeoutMs: 30 * 60 * S,
              clock,
            });
          } else {
            await waitUntilServicesStable(
              { client: ecs, maxWaitTime: 1800, minDelay: 15 },
              { cluster: 'prod', services: [service] },
            );
          }
          rows.push({
            rollout: name,
            waiter,
            delayS: (now - (started + completesIn)) / 1000,
            calls: sim.calls('DescribeServices').length - before,
          });
          now += 10 * 60 * S;
          await ecs.send(new DescribeServicesCommand({ cluster: 'prod', services: [service] }));
        }
      }
    }
  } finally {
    restore();
    ecs.destroy();
    await sim.close();
  }
  const summary: {
    rollout: string;
    waiter: string;
    delayMedianS: number;
    delayMaxS: number;
    callsMedian: number;
  }[] = [];
  for (const rollout of Object.keys(SHAPES)) {
    for (const waiter of [...new Set(rows.map((r) => r.waiter))]) {
      const mine = rows.filter((r) => r.rollout === rollout && r.waiter === waiter);
      summary.push({
        rollout,
        waiter,
        delayMedianS: Math.round(median(mine.map((r) => r.delayS)) * 10) / 10,
        delayMaxS: Math.round(Math.max(...mine.map((r) => r.delayS)) * 10) / 10,
        callsMedian: median(mine.map((r) => r.calls)),
      });
    }
  }
  return summary;
}
