/**
 * How late deploy notices the end of a service deployment (SUCCESSFUL or ROLLBACK_SUCCESSFUL), and at what
 * cost in API calls: deploy's plan and run in this process, on one virtual clock shared with the simulator,
 * real SDK calls over HTTP. Rolling rollouts of 30 s, 2 and 5 min (the first one of a service has no
 * forecast, the next ones do), a rolling rollout the circuit breaker rolls back, blue/green deployments
 * with bakes of 1, 10 and 60 min, and blue/green deployments an alarm rolls back somewhere in the bake.
 */
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DescribeServiceDeploymentsCommand } from '@aws-sdk/client-ecs';
import { planDeploy } from '../src/ecs/deploy-plan.js';
import { newReport, runDeploy } from '../src/ecs/deploy-run.js';
import { silentLogger } from '../src/log.js';
import { coreClients, deploySettings, virtualClock } from '../test/harness/core.js';
import { blueGreenLoadBalancer } from '../test/harness/fixtures.js';
import type { RolloutPlan } from '../test/simulator/scenario.js';
import { startSimulator } from '../test/simulator/server.js';
import { median } from './cold-start.js';

const S = 1000;
const MIN = 60 * S;
const LB = blueGreenLoadBalancer;
/** Two tasks of a blue/green service: 30 s to provision, 10 s for the second, 5 s per traffic shift, 30 s of clean-up. */
const BG: RolloutPlan = { provisionMs: 30 * S, perTaskMs: 10 * S, drainMs: 30 * S, stageMs: 5 * S };

interface Case {
  name: string;
  kind: 'rolling' | 'blue/green';
  outcome: 'SUCCESSFUL' | 'ROLLBACK_SUCCESSFUL';
  config?: Record<string, unknown>;
  plans: (run: number) => RolloutPlan;
  /** The bake, for reads per minute during it. */
  bakeMinutes?: number;
}

/** A fixed pseudo-random sequence in [0, 1): where in a bake an alarm goes off. */
function sequence(seed: number) {
  return () => (seed = (seed * 48271) % 2147483647) / 2147483647;
}

const CASES = (): Case[] => {
  const where = sequence(11);
  return [
    {
      name: '30s',
      kind: 'rolling',
      outcome: 'SUCCESSFUL',
      plans: () => ({ provisionMs: 10 * S, perTaskMs: 5 * S, drainMs: 15 * S }),
    },
    {
      name: '2min',
      kind: 'rolling',
      outcome: 'SUCCESSFUL',
      plans: () => ({ provisionMs: 30 * S, perTaskMs: 15 * S, drainMs: 75 * S }),
    },
    {
      name: '5min',
      kind: 'rolling',
      outcome: 'SUCCESSFUL',
      plans: () => ({ provisionMs: 60 * S, perTaskMs: 30 * S, drainMs: 210 * S }),
    },
    {
      name: 'circuit breaker',
      kind: 'rolling',
      outcome: 'ROLLBACK_SUCCESSFUL',
      plans: () => ({ outcome: 'fail', provisionMs: 30 * S, perTaskMs: 15 * S, rollback: { ms: 45 * S } }),
    },
    ...[1, 10, 60].map((bake): Case => ({
      name: `bake ${bake}min`,
      kind: 'blue/green',
      outcome: 'SUCCESSFUL',
      bakeMinutes: bake,
      config: { strategy: 'BLUE_GREEN', bakeTimeInMinutes: bake },
      plans: () => BG,
    })),
    {
      name: 'alarm in a 10min bake',
      kind: 'blue/green',
      outcome: 'ROLLBACK_SUCCESSFUL',
      config: {
        strategy: 'BLUE_GREEN',
        bakeTimeInMinutes: 10,
        alarms: { alarmNames: ['web-5xx'], enable: true, rollback: true },
      },
      plans: () => ({
        ...BG,
        alarm: { stage: 'BAKE_TIME', afterMs: Math.round(where() * 10 * MIN) },
        rollback: { ms: 35 * S },
      }),
    },
  ];
};

export interface DeploymentBenchRow {
  kind: string;
  name: string;
  outcome: string;
  n: number;
  delayMedianS: number;
  delayMaxS: number;
  callsMedian: number;
  /** Reads of the deployment per minute of bake (median), when the case bakes. */
  bakeReadsPerMinute?: number;
}

export async function serviceDeploymentBench(runs: number): Promise<DeploymentBenchRow[]> {
  const time = virtualClock(Date.UTC(2026, 11, 1, 12));
  const cases = CASES();
  // One service per case: every rollout of a rolling case after the first has the last one as its forecast.
  const services = cases.flatMap((c, i) => [
    {
      cluster: 'prod',
      name: `svc-${i}`,
      taskDefinition: `svc-${i}:1`,
      desiredCount: 2,
      ...(c.kind === 'blue/green' ? { loadBalancers: [LB], deploymentConfiguration: c.config } : {}),
      rollouts: Array.from({ length: runs }, (_, r) => c.plans(r)),
    },
  ]);
  const td = (family: string, image: string) => ({
    family,
    containerDefinitions: [{ name: 'app', image, memory: 128 }],
  });
  const sim = await startSimulator({
    clock: time.now,
    scenario: {
      ecs: {
        clusters: [{ name: 'prod' }],
        taskDefinitions: services.map((s) => td(s.name, 'app:1')),
        services,
      },
    },
  });
  const simStart = time.now();
  const dir = await mkdtemp(join(tmpdir(), 'bench-deploy-'));
  const clients = coreClients(sim);
  const rows: { c: Case; delayS: number; calls: number; bakeReads?: number }[] = [];
  try {
    for (const [i, c] of cases.entries()) {
      const service = `svc-${i}`;
      for (let run = 0; run < runs; run++) {
        const file = join(dir, `${service}-${run}.json`);
        await writeFile(file, JSON.stringify(td(service, `app:${run + 2}`)));
        const report = newReport('prod', time.clock);
        const before = sim.requests.length;
        const plan = await planDeploy(
          deploySettings({ 'task-definition': file, service, timeout: 2 * 60 * MIN }),
          {},
          silentLogger,
        );
        await runDeploy(
          plan,
          { clients, region: 'us-east-1', log: silentLogger, clock: time.clock },
          report,
        ).catch(() => undefined);
        const detectedAt = time.now();
        const { serviceDeployments } = await clients.ecs.send(
          new DescribeServiceDeploymentsCommand({ serviceDeploymentArns: [report.serviceDeploymentArn!] }),
        );
        const d = serviceDeployments![0]!;
        if (d.status !== c.outcome) throw new Error(`bench ${c.name}: ended ${d.status}, not ${c.outcome}`);
        const calls = sim.requests.slice(before, -1);
        const stage = report.stages.find((s) => s.stage === 'BAKE_TIME');
        const bakeReads =
          c.bakeMinutes && stage && c.outcome === 'SUCCESSFUL'
            ? calls.filter(
                (q) =>
                  q.operation === 'DescribeServiceDeployments' &&
                  simStart + q.at > stage.firstSeenAt &&
                  simStart + q.at <= stage.lastSeenAt,
              ).length / c.bakeMinutes
            : undefined;
        rows.push({
          c,
          delayS: (detectedAt - d.finishedAt!.getTime()) / 1000,
          calls: calls.length,
          ...(bakeReads !== undefined ? { bakeReads } : {}),
        });
        time.advance(10 * MIN);
      }
    }
  } finally {
    for (const c of Object.values(clients)) if (typeof c === 'object') c.destroy();
    await sim.close();
  }
  return cases.map((c) => {
    const mine = rows.filter((r) => r.c === c);
    const bake = mine.map((r) => r.bakeReads).filter((x): x is number => x !== undefined);
    return {
      kind: c.kind,
      name: c.name,
      outcome: c.outcome,
      n: mine.length,
      delayMedianS: Math.round(median(mine.map((r) => r.delayS)) * 10) / 10,
      delayMaxS: Math.round(Math.max(...mine.map((r) => r.delayS)) * 10) / 10,
      callsMedian: median(mine.map((r) => r.calls)),
      ...(bake.length ? { bakeReadsPerMinute: Math.round(median(bake) * 100) / 100 } : {}),
    };
  });
}
