// continue-deployment's core in process: deploy pauses (wait-until paused), then the decision is made and
// followed on the simulator's virtual clock — continue to SUCCESSFUL or to the next pause, roll back at the
// hook or by stopping the deployment — and every refusal names where the deployment is.
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, test } from '@jest/globals';
import { type ContinueSettings, planContinue } from '../../src/ecs/continue-plan.js';
import { runContinue } from '../../src/ecs/continue-run.js';
import { planDeploy } from '../../src/ecs/deploy-plan.js';
import { type DeployReport, newReport, runDeploy } from '../../src/ecs/deploy-run.js';
import { captureLog, coreClients, deploySettings, virtualClock } from '../harness/core.js';
import { blueGreenLoadBalancer, fargateTaskDefinition } from '../harness/fixtures.js';
import type { RolloutPlan } from '../simulator/scenario.js';
import { type Simulator, startSimulator } from '../simulator/server.js';

const time = virtualClock();
const LB = blueGreenLoadBalancer;
const FAST: RolloutPlan = { provisionMs: 20_000, perTaskMs: 5000, drainMs: 30_000, stageMs: 3000 };
const NAMES = ['gate', 'steps', 'stuck', 'bgcd'];
let sim: Simulator;
let dir: string;
const saved = { ...process.env };

beforeAll(async () => {
  sim = await startSimulator({
    clock: time.now,
    scenario: {
      ecs: {
        clusters: [{ name: 'prod' }],
        taskDefinitions: NAMES.map((n) => fargateTaskDefinition(n)),
        services: [
          {
            cluster: 'prod',
            name: 'gate',
            taskDefinition: 'gate:1',
            loadBalancers: [LB],
            deploymentConfiguration: {
              strategy: 'BLUE_GREEN',
              bakeTimeInMinutes: 5,
              lifecycleHooks: [{ targetType: 'PAUSE', lifecycleStages: ['POST_TEST_TRAFFIC_SHIFT'] }],
            },
            rollouts: [FAST],
          },
          {
            cluster: 'prod',
            name: 'steps',
            taskDefinition: 'steps:1',
            loadBalancers: [LB],
            deploymentConfiguration: {
              strategy: 'LINEAR',
              linearConfiguration: { stepPercent: 50, stepBakeTimeInMinutes: 1 },
              lifecycleHooks: [{ targetType: 'PAUSE', lifecycleStages: ['PRE_PRODUCTION_TRAFFIC_SHIFT'] }],
            },
            rollouts: [FAST],
          },
          { cluster: 'prod', name: 'stuck', taskDefinition: 'stuck:1', rollouts: [{ outcome: 'hang' }] },
          { cluster: 'prod', name: 'bgcd', taskDefinition: 'bgcd:1', deploymentController: 'CODE_DEPLOY' },
        ],
      },
    },
  });
  dir = await mkdtemp(join(tmpdir(), 'continue-core-'));
  for (const n of NAMES)
    await writeFile(join(dir, `${n}.json`), JSON.stringify(fargateTaskDefinition(n, `${n}:2`)));
});
afterAll(async () => {
  process.env = saved;
  await sim.close();
});
beforeEach(() => {
  sim.requests.length = 0;
});

async function pausedDeploy(
  service: string,
  waitUntil: 'paused' | 'succeeded' = 'paused',
  wait = true,
): Promise<DeployReport> {
  const { log } = captureLog();
  const report = newReport('prod', time.clock);
  const plan = await planDeploy(
    deploySettings({
      'task-definition': `${service}.json`,
      service,
      'wait-until': waitUntil,
      wait,
      'force-new-deployment': true,
    }),
    { GITHUB_WORKSPACE: dir },
    log,
  );
  await runDeploy(plan, { clients: coreClients(sim), region: 'us-east-1', log, clock: time.clock }, report);
  return report;
}

async function decide(over: Partial<ContinueSettings>) {
  const { log, lines } = captureLog();
  const report = newReport('prod', time.clock);
  const settings: ContinueSettings = {
    cluster: 'prod',
    service: 'gate',
    'service-deployment-arn': undefined,
    'hook-id': undefined,
    decision: 'continue',
    'wait-until': 'succeeded',
    timeout: 30 * 60_000,
    region: undefined,
    ...over,
  };
  try {
    const plan = planContinue(settings, {});
    await runContinue(
      plan,
      { ecs: coreClients(sim).ecs, region: 'us-east-1', log, clock: time.clock },
      report,
    );
    return { report, lines };
  } catch (error) {
    return { report, lines, error: error as Error };
  }
}

describe('continue', () => {
  test('at the paused hook: the deployment goes on through its bake to SUCCESSFUL', async () => {
    const paused = await pausedDeploy('gate');
    expect(paused.outcome).toBe('paused');
    const r = await decide({
      'service-deployment-arn': paused.serviceDeploymentArn!,
      'hook-id': paused.hookId!,
    });
    expect(r.error).toBeUndefined();
    expect(r.report).toMatchObject({
      outcome: 'succeeded',
      status: 'SUCCESSFUL',
      serviceDeploymentArn: paused.serviceDeploymentArn,
    });
    expect(r.report.taskDefinitionArn).toMatch(/task-definition\/gate:\d+$/);
    expect(sim.calls('ContinueServiceDeployment')[0]!.params).toMatchObject({
      hookId: paused.hookId,
      action: 'CONTINUE',
    });
  });

  test('defaults: the current deployment of the service and the hook awaiting action', async () => {
    await pausedDeploy('gate');
    const r = await decide({});
    expect(r.error).toBeUndefined();
    expect(r.report.status).toBe('SUCCESSFUL');
  });

  test('a linear deployment, step by step: wait-until paused stops at the next step with a new hook ID', async () => {
    const first = await pausedDeploy('steps');
    const second = await decide({ service: 'steps', 'wait-until': 'paused' });
    expect(second.error).toBeUndefined();
    expect(second.report).toMatchObject({ outcome: 'paused', status: 'IN_PROGRESS' });
    expect(second.report.hookId).toMatch(/^ecs-pause-/);
    expect(second.report.hookId).not.toBe(first.hookId);
    const done = await decide({ service: 'steps' });
    expect(done.report.status).toBe('SUCCESSFUL');
  });

  test('when nothing is paused, the refusal names where the deployment is', async () => {
    await pausedDeploy('stuck', 'succeeded', false);
    const r = await decide({ service: 'stuck' });
    expect(r.error?.message).toMatch(
      /^Nothing is paused: the service deployment arn:aws:ecs:\S+ is (PENDING|IN_PROGRESS); no hook awaits action\./,
    );
    expect(sim.calls('ContinueServiceDeployment')).toHaveLength(0);
  });

  test('a hook ID that is not awaiting action is refused, naming the one that is', async () => {
    await pausedDeploy('gate');
    const r = await decide({ 'hook-id': 'ecs-pause-nope' });
    expect(r.error?.message).toMatch(
      /^Input 'hook-id' is "ecs-pause-nope", which is not awaiting action in \S+: the deployment is IN_PROGRESS at POST_TEST_TRAFFIC_SHIFT; PAUSE hook ecs-pause-\S+ is AWAITING_ACTION\. The hook awaiting action is ecs-pause-/,
    );
    await decide({});
  });

  test('a deployment that already ended: nothing to continue', async () => {
    const done = await pausedDeploy('gate');
    await decide({});
    const r = await decide({ 'service-deployment-arn': done.serviceDeploymentArn! });
    expect(r.error?.message).toMatch(
      /is SUCCESSFUL at CLEAN_UP; no hook awaits action: there is nothing to continue\./,
    );
  });
});

describe('rollback', () => {
  test('at the paused hook: ContinueServiceDeployment ROLLBACK, followed to ROLLBACK_SUCCESSFUL, which is success', async () => {
    await pausedDeploy('gate');
    const r = await decide({ decision: 'rollback' });
    expect(r.error).toBeUndefined();
    expect(r.report).toMatchObject({ outcome: 'succeeded', status: 'ROLLBACK_SUCCESSFUL' });
    expect(sim.calls('ContinueServiceDeployment')[0]!.params).toMatchObject({ action: 'ROLLBACK' });
    expect(r.lines.some((l) => /Rolled back: the service runs gate:\d+ again\./.test(l))).toBe(true);
  });

  test('asked again (a re-run of the job), a rollback is followed to its end, not refused', async () => {
    await pausedDeploy('gate');
    const first = await decide({ decision: 'rollback' });
    expect(first.report.status).toBe('ROLLBACK_SUCCESSFUL');
    const again = await decide({
      decision: 'rollback',
      'service-deployment-arn': first.report.serviceDeploymentArn!,
    });
    expect(again.error).toBeUndefined();
    expect(again.report).toMatchObject({ outcome: 'succeeded', status: 'ROLLBACK_SUCCESSFUL' });
    expect(sim.calls('ContinueServiceDeployment')).toHaveLength(1);
    expect(sim.calls('StopServiceDeployment')).toHaveLength(0);
  });

  test('with nothing paused: StopServiceDeployment ROLLBACK', async () => {
    await pausedDeploy('stuck', 'succeeded', false);
    const r = await decide({ service: 'stuck', decision: 'rollback' });
    expect(r.error).toBeUndefined();
    expect(r.report.status).toBe('ROLLBACK_SUCCESSFUL');
    expect(sim.calls('StopServiceDeployment')[0]!.params).toMatchObject({ stopType: 'ROLLBACK' });
  });
});

describe('refused', () => {
  test.each([
    [
      { 'service-deployment-arn': 'arn:aws:ecs:us-east-1:111122223333:service/prod/gate' },
      /^Input 'service-deployment-arn' has the value .* which is not accepted: a service deployment ARN/,
    ],
    [
      { 'service-deployment-arn': 'arn:aws:ecs:us-east-1:111122223333:service-deployment/prod/other/abc' },
      /^Input 'service-deployment-arn' is a deployment of prod\/other, not of prod\/gate/,
    ],
    [
      {
        'service-deployment-arn': 'arn:aws:ecs:eu-west-1:111122223333:service-deployment/prod/gate/abc',
        region: 'us-east-1',
      },
      /is in eu-west-1, but input 'region' says us-east-1/,
    ],
    [
      {
        cluster: 'arn:aws:ecs:eu-west-1:111122223333:cluster/prod',
        'service-deployment-arn': 'arn:aws:ecs:us-east-1:111122223333:service-deployment/prod/gate/abc',
      },
      /is in us-east-1, but input 'cluster' \(an ARN\) says eu-west-1/,
    ],
    [
      { cluster: 'arn:aws:ecs:eu-west-1:111122223333:cluster/prod', region: 'us-east-1' },
      /^Input 'cluster' is an ARN in eu-west-1, but input 'region' is us-east-1/,
    ],
    [
      { decision: 'rollback' as const, 'wait-until': 'paused' as const },
      /^Input 'wait-until' is "paused", which does not apply to decision 'rollback'/,
    ],
  ] as [Partial<ContinueSettings>, RegExp][])('%j, before any AWS call', async (over, message) => {
    const r = await decide(over);
    expect(r.error?.message).toMatch(message);
    expect(sim.requests).toEqual([]);
  });

  test('a CodeDeploy service is refused with what to do instead', async () => {
    const r = await decide({ service: 'bgcd' });
    expect(r.error?.message).toMatch(
      /uses the CODE_DEPLOY deployment controller: continue-deployment acts on ECS service deployments .*\(aws deploy continue-deployment\)/,
    );
  });
});
