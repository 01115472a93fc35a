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
  waitUntilServicesStable,
} from '@aws-sdk/client-ecs';
import { createClient } from '../src/aws/client.js';
import type { Clock } from '../src/aws/poller.js';
import { updateService, waitForDeployment } from '../src/ecs/deploy.js';
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
    // Only the waiter's own sleep (a function named sleep in @smithy/core's client submodule) jumps:
    // timers that merely run under a client's send (the HTTP handler's socket warning) stay real.
    const caller = (new Error().stack ?? '').split('\n').slice(2, 6).join('\n');
    if (!/at sleep \(.*@smithy[/\\]core[/\\].*submodules[/\\]client/.test(caller) || (ms ?? 0) < 1000)
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
type Shape = { provisionMs: number; perTaskMs: number; drainMs: number };
/** Rollouts of two tasks that complete at the given time after the update. */
const SHAPES: Record<string, Shape> = {
  '30s': { provisionMs: 10 * S, perTaskMs: 5 * S, drainMs: 15 * S },
  '2min': { provisionMs: 30 * S, perTaskMs: 15 * S, drainMs: 75 * S },
  '5min': { provisionMs: 60 * S, perTaskMs: 30 * S, drainMs: 210 * S },
};
/** Each rollout of a "varied" service takes 90 % to 110 % of its shape (a fixed pseudo-random sequence). */
function varied(shape: Shape, runs: number): Shape[] {
  let seed = 7;
  const next = () => ((seed = (seed * 48271) % 2147483647) / 2147483647) * 0.2 + 0.9;
  return Array.from({ length: runs * 2 }, () => {
    const f = next();
    return {
      provisionMs: Math.round(shape.provisionMs * f),
      perTaskMs: Math.round(shape.perTaskMs * f),
      drainMs: Math.round(shape.drainMs * f),
    };
  });
}
const total = (s: Shape) => s.provisionMs + s.perTaskMs + s.drainMs;

export async function rolloutBench(runs: number) {
  const td = { family: 'web', containerDefinitions: [{ name: 'app', image: 'nginx', memory: 128 }] };
  const sim = await startSimulator({
    clock: () => now,
    scenario: {
      ecs: {
        clusters: [{ name: 'prod' }],
        taskDefinitions: [td],
        services: Object.entries(SHAPES).flatMap(([name, shape]) =>
          [
            ['same', [shape]],
            ['varied', varied(shape, runs)],
          ].map(([kind, rollouts]) => ({
            cluster: 'prod',
            name: `svc-${name}-${kind as string}`,
            taskDefinition: 'web:1',
            desiredCount: 2,
            rollouts: rollouts as Shape[],
          })),
        ),
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
      for (const kind of ['same', 'varied'] as const) {
        const plans = kind === 'same' ? [shape] : varied(shape, runs);
        let rollout = 0;
        for (const waiter of ['ecs-shipyard', 'SDK waitUntilServicesStable (minDelay 15s)']) {
          for (let i = 0; i < runs; i++) {
            const service = `svc-${name}-${kind}`;
            const completesIn = total(plans[Math.min(rollout++, plans.length - 1)]!);
            const update = await updateService(ecs, { cluster: 'prod', service, forceNewDeployment: true });
            const started = now;
            const id = update.deploymentId ?? '';
            const before = sim.calls('DescribeServices').length;
            // The first rollout of a service has no forecast: the seeded deployment took no time.
            const label =
              waiter !== 'ecs-shipyard'
                ? waiter
                : update.expectedMs === undefined
                  ? 'ecs-shipyard, no forecast (first rollout)'
                  : `ecs-shipyard, forecast from the last rollout${kind === 'varied' ? ' (±10 %)' : ''}`;
            if (waiter === 'ecs-shipyard') {
              await waitForDeployment(ecs, {
                cluster: 'prod',
                service,
                deploymentId: id,
                region: 'us-east-1',
                timeoutMs: 30 * 60 * S,
                clock,
                ...(update.expectedMs !== undefined ? { expectedMs: update.expectedMs } : {}),
              });
            } else {
              await waitUntilServicesStable(
                { client: ecs, maxWaitTime: 1800, minDelay: 15 },
                { cluster: 'prod', services: [service] },
              );
            }
            rows.push({
              rollout: name,
              waiter: label,
              delayS: (now - (started + completesIn)) / 1000,
              calls: sim.calls('DescribeServices').length - before,
            });
            now += 10 * 60 * S;
            await ecs.send(new DescribeServicesCommand({ cluster: 'prod', services: [service] }));
          }
        }
      }
    }
  } finally {
    restore();
    ecs.destroy();
    await sim.close();
  }
  const summary: {
    n: number;
    rollout: string;
    waiter: string;
    delayMedianS: number;
    delayMaxS: number;
    callsMedian: number;
  }[] = [];
  for (const rollout of Object.keys(SHAPES)) {
    for (const waiter of [...new Set(rows.map((r) => r.waiter))]) {
      const mine = rows.filter((r) => r.rollout === rollout && r.waiter === waiter);
      if (!mine.length) continue;
      summary.push({
        n: mine.length,
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
