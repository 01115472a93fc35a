// ServiceDeployments in the simulator on a virtual clock, through the real ECS client: the four
// strategies walk through their stages, hooks pause and answer, bakes last their minutes, alarms and the
// circuit breaker roll back as ECS does, and the `deployments` list drops a rolled-back deployment.
import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import {
  ContinueServiceDeploymentCommand,
  DescribeServiceDeploymentsCommand,
  DescribeServiceRevisionsCommand,
  DescribeServicesCommand,
  ECSClient,
  ListServiceDeploymentsCommand,
  RegisterTaskDefinitionCommand,
  type ServiceDeployment,
  StopServiceDeploymentCommand,
  UpdateServiceCommand,
} from '@aws-sdk/client-ecs';
import { blueGreenLoadBalancer, fargateTaskDefinition } from '../harness/fixtures.js';
import { type Simulator, simulatorEnv, startSimulator } from '../simulator/server.js';

let now = Date.UTC(2026, 11, 1, 12);
let sim: Simulator;
const saved = { ...process.env };
const LB = blueGreenLoadBalancer;
const PAUSE = { targetType: 'PAUSE', lifecycleStages: ['POST_TEST_TRAFFIC_SHIFT'] };
const FAST = { provisionMs: 5000, perTaskMs: 1000, drainMs: 4000, stageMs: 1000 };
const names = ['bg', 'alarmed', 'roll', 'linear', 'canary', 'stop', 'lambda', 'timeout'];

beforeAll(async () => {
  sim = await startSimulator({
    clock: () => now,
    scenario: {
      ecs: {
        clusters: [{ name: 'prod' }],
        taskDefinitions: names.map((n) => fargateTaskDefinition(n)),
        services: [
          {
            cluster: 'prod',
            name: 'bg',
            taskDefinition: 'bg:1',
            loadBalancers: [LB],
            deploymentConfiguration: {
              strategy: 'BLUE_GREEN',
              bakeTimeInMinutes: 10,
              lifecycleHooks: [PAUSE],
            },
            rollouts: [FAST],
          },
          {
            cluster: 'prod',
            name: 'alarmed',
            taskDefinition: 'alarmed:1',
            loadBalancers: [LB],
            deploymentConfiguration: {
              strategy: 'BLUE_GREEN',
              bakeTimeInMinutes: 5,
              alarms: { alarmNames: ['alarmed-5xx'], enable: true, rollback: true },
            },
            rollouts: [{ ...FAST, alarm: { stage: 'BAKE_TIME', afterMs: 120_000 } }],
          },
          {
            cluster: 'prod',
            name: 'roll',
            taskDefinition: 'roll:1',
            desiredCount: 4,
            rollouts: [{ outcome: 'fail', provisionMs: 2000, perTaskMs: 1000 }],
          },
          {
            cluster: 'prod',
            name: 'linear',
            taskDefinition: 'linear:1',
            loadBalancers: [LB],
            deploymentConfiguration: {
              strategy: 'LINEAR',
              linearConfiguration: { stepPercent: 25, stepBakeTimeInMinutes: 2 },
              lifecycleHooks: [{ targetType: 'PAUSE', lifecycleStages: ['PRE_PRODUCTION_TRAFFIC_SHIFT'] }],
            },
            rollouts: [FAST],
          },
          {
            cluster: 'prod',
            name: 'canary',
            taskDefinition: 'canary:1',
            loadBalancers: [LB],
            deploymentConfiguration: {
              strategy: 'CANARY',
              canaryConfiguration: { canaryPercent: 10, canaryBakeTimeInMinutes: 3 },
            },
            rollouts: [FAST],
          },
          {
            cluster: 'prod',
            name: 'stop',
            taskDefinition: 'stop:1',
            rollouts: [{ outcome: 'hang' }],
          },
          {
            cluster: 'prod',
            name: 'lambda',
            taskDefinition: 'lambda:1',
            loadBalancers: [LB],
            deploymentConfiguration: {
              strategy: 'BLUE_GREEN',
              lifecycleHooks: [
                {
                  hookTargetArn: 'arn:aws:lambda:us-east-1:111122223333:function:smoke',
                  roleArn: 'arn:aws:iam::111122223333:role/hooks',
                  lifecycleStages: ['POST_TEST_TRAFFIC_SHIFT'],
                },
              ],
            },
            rollouts: [
              {
                ...FAST,
                lambdaHooks: {
                  'arn:aws:lambda:us-east-1:111122223333:function:smoke': { status: 'FAILED', ms: 30_000 },
                },
              },
            ],
          },
          {
            cluster: 'prod',
            name: 'timeout',
            taskDefinition: 'timeout:1',
            loadBalancers: [LB],
            deploymentConfiguration: {
              strategy: 'BLUE_GREEN',
              lifecycleHooks: [
                { ...PAUSE, timeoutConfiguration: { timeoutInMinutes: 30, action: 'ROLLBACK' } },
              ],
            },
            rollouts: [FAST],
          },
        ],
      },
    },
  });
  Object.assign(process.env, simulatorEnv(sim));
  for (const n of names)
    await ecs().send(new RegisterTaskDefinitionCommand(fargateTaskDefinition(n, 'app:2') as never));
});
afterAll(async () => {
  process.env = saved;
  await sim.close();
});

const ecs = () => new ECSClient({ region: 'us-east-1', maxAttempts: 1 });
const service = async (name: string) =>
  (await ecs().send(new DescribeServicesCommand({ cluster: 'prod', services: [name] }))).services![0]!;
const deployment = async (arn: string): Promise<ServiceDeployment> =>
  (await ecs().send(new DescribeServiceDeploymentsCommand({ serviceDeploymentArns: [arn] })))
    .serviceDeployments![0]!;
const update = async (name: string) => {
  const out = await ecs().send(
    new UpdateServiceCommand({ cluster: 'prod', service: name, taskDefinition: `${name}:2` }),
  );
  return out.service!.currentServiceDeployment!;
};
/** Moves the clock and reads the deployment: [status, stage, production weight, test weight, hooks]. */
const after = async (arn: string, ms: number) => {
  now += ms;
  const d = await deployment(arn);
  return [
    d.status,
    d.lifecycleStage,
    d.targetServiceRevision?.requestedProductionTrafficWeight,
    d.targetServiceRevision?.requestedTestTrafficWeight,
    (d.lifecycleHookDetails ?? []).map((h) => `${h.targetType}:${h.status}`).join(','),
  ];
};

describe('blue/green', () => {
  test('scales up, shifts test traffic, pauses, continues, shifts production, bakes 10 minutes, cleans up', async () => {
    const arn = await update('bg');
    expect(arn).toMatch(/^arn:aws:ecs:us-east-1:111122223333:service-deployment\/prod\/bg\/[\w-]{21}$/);
    const d = await deployment(arn);
    const { serviceRevisions } = await ecs().send(
      new DescribeServiceRevisionsCommand({ serviceRevisionArns: [d.targetServiceRevision!.arn!] }),
    );
    expect(serviceRevisions![0]!.taskDefinition).toMatch(/task-definition\/bg:2$/);
    expect(await after(arn, 1000)).toEqual(['IN_PROGRESS', 'SCALE_UP', 0, 0, '']);
    expect(await after(arn, 5500)).toEqual(['IN_PROGRESS', 'TEST_TRAFFIC_SHIFT', 0, 0, '']);
    expect(await after(arn, 1000)).toEqual([
      'IN_PROGRESS',
      'POST_TEST_TRAFFIC_SHIFT',
      0,
      100,
      'PAUSE:AWAITING_ACTION',
    ]);
    // Nothing moves while it waits, for as long as it waits.
    expect(await after(arn, 3_600_000)).toEqual([
      'IN_PROGRESS',
      'POST_TEST_TRAFFIC_SHIFT',
      0,
      100,
      'PAUSE:AWAITING_ACTION',
    ]);
    const hook = (await deployment(arn)).lifecycleHookDetails![0]!;
    expect(hook.hookId).toMatch(/^ecs-pause-[\w-]{43}$/);
    expect(hook.expiresAt!.getTime() - now).toBeGreaterThan(0);
    await ecs().send(
      new ContinueServiceDeploymentCommand({ serviceDeploymentArn: arn, hookId: hook.hookId! }),
    );
    expect(await after(arn, 500)).toEqual(['IN_PROGRESS', 'PRODUCTION_TRAFFIC_SHIFT', 0, 100, '']);
    expect(await after(arn, 1000)).toEqual(['IN_PROGRESS', 'BAKE_TIME', 100, 100, '']);
    expect(await after(arn, 9 * 60_000)).toEqual(['IN_PROGRESS', 'BAKE_TIME', 100, 100, '']);
    expect(await after(arn, 60_000)).toEqual(['IN_PROGRESS', 'CLEAN_UP', 100, 100, '']);
    expect(await after(arn, 4000)).toEqual(['SUCCESSFUL', 'CLEAN_UP', 100, 100, '']);
    const s = await service('bg');
    expect(s.deployments!.map((x) => [x.status, x.rolloutState, x.taskDefinition?.split('/').pop()])).toEqual(
      [['PRIMARY', 'COMPLETED', 'bg:2']],
    );
    // A hook ID no longer awaiting action is refused.
    await expect(
      ecs().send(new ContinueServiceDeploymentCommand({ serviceDeploymentArn: arn, hookId: hook.hookId! })),
    ).rejects.toMatchObject({ name: 'InvalidParameterException' });
  });

  test('an alarm in the bake rolls it back; once the rollback completes the failed deployment is gone from the list', async () => {
    const arn = await update('alarmed');
    now += 9000; // scaled up, traffic shifted
    expect((await deployment(arn)).lifecycleStage).toBe('BAKE_TIME');
    expect(await after(arn, 120_000)).toEqual(['ROLLBACK_IN_PROGRESS', 'BAKE_TIME', 0, 0, '']);
    const d = await deployment(arn);
    expect(d.alarms).toEqual({
      status: 'TRIGGERED',
      alarmNames: ['alarmed-5xx'],
      triggeredAlarmNames: ['alarmed-5xx'],
    });
    expect(d.rollback?.reason).toMatch(/alarmed-5xx/);
    expect(d.rollback?.serviceRevisionArn).toBe(d.sourceServiceRevisions![0]!.arn);
    expect((await service('alarmed')).deployments!.map((x) => x.rolloutState)).toEqual([
      'IN_PROGRESS',
      'FAILED',
      'COMPLETED',
    ]);
    expect(await after(arn, 60_000)).toEqual(['ROLLBACK_SUCCESSFUL', 'BAKE_TIME', 0, 0, '']);
    const s = await service('alarmed');
    expect(s.deployments!.map((x) => [x.status, x.rolloutState, x.taskDefinition?.split('/').pop()])).toEqual(
      [['PRIMARY', 'COMPLETED', 'alarmed:1']],
    );
  });

  test('a failing Lambda hook rolls back; a PAUSE hook that times out rolls back with TIMED_OUT', async () => {
    const lambda = await update('lambda');
    expect(await after(lambda, 8000)).toEqual([
      'IN_PROGRESS',
      'POST_TEST_TRAFFIC_SHIFT',
      0,
      100,
      'AWS_LAMBDA:IN_PROGRESS',
    ]);
    expect((await after(lambda, 30_000))[0]).toBe('ROLLBACK_IN_PROGRESS');
    const timeout = await update('timeout');
    expect((await after(timeout, 8000))[4]).toBe('PAUSE:AWAITING_ACTION');
    expect((await after(timeout, 30 * 60_000))[0]).toBe('ROLLBACK_IN_PROGRESS');
    expect((await deployment(timeout)).rollback?.reason).toMatch(/timed out/);
  });
});

test('rolling: the circuit breaker trips at AWS threshold (half of 4, at least 3), rolls back, counts failures', async () => {
  const arn = await update('roll');
  const first = await deployment(arn);
  expect(first.lifecycleStage).toBeUndefined();
  expect(first.targetServiceRevision?.requestedProductionTrafficWeight).toBeUndefined();
  now += 4500;
  expect((await deployment(arn)).deploymentCircuitBreaker).toEqual({
    status: 'MONITORING',
    failureCount: 2,
    threshold: 3,
  });
  now += 1000;
  const tripped = await deployment(arn);
  expect([
    tripped.status,
    tripped.deploymentCircuitBreaker?.status,
    tripped.deploymentCircuitBreaker?.failureCount,
  ]).toEqual(['ROLLBACK_IN_PROGRESS', 'TRIGGERED', 3]);
  const during = await service('roll');
  expect(during.deployments!.map((x) => [x.status, x.rolloutState])).toEqual([
    ['PRIMARY', 'IN_PROGRESS'],
    ['ACTIVE', 'FAILED'],
    ['ACTIVE', 'COMPLETED'],
  ]);
  now += 60_000;
  expect((await deployment(arn)).status).toBe('ROLLBACK_SUCCESSFUL');
  expect((await service('roll')).deployments).toHaveLength(1);
});

test('linear: a pause before each production step, with a new hook ID each time; weights 25, 50, 75, 100', async () => {
  const arn = await update('linear');
  const seen: string[] = [];
  const weights: number[] = [];
  now += 8000;
  for (let i = 0; i < 4; i++) {
    const d = await deployment(arn);
    const hook = d.lifecycleHookDetails!.find((h) => h.status === 'AWAITING_ACTION')!;
    seen.push(hook.hookId!);
    weights.push(d.targetServiceRevision!.requestedProductionTrafficWeight!);
    await ecs().send(
      new ContinueServiceDeploymentCommand({ serviceDeploymentArn: arn, hookId: hook.hookId! }),
    );
    now += 1000 + (i < 3 ? 2 * 60_000 : 0);
  }
  expect(new Set(seen).size).toBe(4);
  expect(weights).toEqual([0, 25, 50, 75]);
  now += 5000;
  expect((await deployment(arn)).status).toBe('SUCCESSFUL');
});

test('canary: 10 % for the canary bake, then 100 %', async () => {
  const arn = await update('canary');
  expect(await after(arn, 9000)).toEqual(['IN_PROGRESS', 'PRODUCTION_TRAFFIC_SHIFT', 10, 100, '']);
  expect(await after(arn, 3 * 60_000 + 1000)).toEqual(['IN_PROGRESS', 'CLEAN_UP', 100, 100, '']);
});

test('StopServiceDeployment ROLLBACK rolls back a deployment that has no rollback configured; ListServiceDeployments filters by time', async () => {
  const before = new Date(now);
  const arn = await update('stop');
  await ecs().send(new StopServiceDeploymentCommand({ serviceDeploymentArn: arn, stopType: 'ROLLBACK' }));
  expect((await after(arn, 0))[0]).toBe('ROLLBACK_REQUESTED');
  expect((await after(arn, 1000))[0]).toBe('ROLLBACK_IN_PROGRESS');
  expect((await after(arn, 10_000))[0]).toBe('ROLLBACK_SUCCESSFUL');
  await expect(
    ecs().send(new StopServiceDeploymentCommand({ serviceDeploymentArn: arn, stopType: 'ROLLBACK' })),
  ).rejects.toMatchObject({ name: 'ConflictException' });
  const listed = await ecs().send(
    new ListServiceDeploymentsCommand({ cluster: 'prod', service: 'stop', createdAt: { after: before } }),
  );
  expect(listed.serviceDeployments?.map((d) => d.serviceDeploymentArn)).toEqual([arn]);
  const none = await ecs().send(
    new ListServiceDeploymentsCommand({
      cluster: 'prod',
      service: 'stop',
      createdAt: { after: new Date(now + 1000) },
    }),
  );
  expect(none.serviceDeployments).toEqual([]);
});

test('UpdateService refuses configurations ECS refuses, in its words where they are on record', async () => {
  const refused = (deploymentConfiguration: object) =>
    ecs().send(
      new UpdateServiceCommand({
        cluster: 'prod',
        service: 'bg',
        deploymentConfiguration: deploymentConfiguration as never,
      }),
    );
  await expect(
    refused({ strategy: 'BLUE_GREEN', linearConfiguration: { stepPercent: 10 } }),
  ).rejects.toMatchObject({
    name: 'InvalidParameterException',
    message: 'Linear configuration can only be present with LINEAR deployment strategy',
  });
  await expect(
    refused({ strategy: 'BLUE_GREEN', lifecycleHooks: [{ targetType: 'PAUSE', lifecycleStages: [] }] }),
  ).rejects.toMatchObject({
    message: 'Lifecycle stage cannot be null or empty for any deployment lifecycle hooks',
  });
  await expect(
    refused({ strategy: 'BLUE_GREEN', lifecycleHooks: [{ lifecycleStages: ['PRE_SCALE_UP'] }] }),
  ).rejects.toMatchObject({
    message: 'Role arn or Hook Target arn is missing for one or more deployment lifecycle hooks',
  });
  await expect(
    refused({
      deploymentCircuitBreaker: { enable: true, rollback: true, thresholdConfiguration: { type: 'COUNT' } },
    }),
  ).rejects.toMatchObject({ message: 'Invalid deployment circuit breaker threshold value.' });
  await expect(refused({ strategy: 'BLUE_GREN' })).rejects.toMatchObject({
    name: 'ValidationException',
    message: expect.stringContaining(
      'Member must satisfy enum value set: [ROLLING, BLUE_GREEN, LINEAR, CANARY]',
    ),
  });
  await expect(
    ecs().send(
      new UpdateServiceCommand({
        cluster: 'prod',
        service: 'stop',
        deploymentConfiguration: { strategy: 'BLUE_GREEN' },
      }),
    ),
  ).rejects.toMatchObject({
    message: expect.stringContaining('requires a load balancer or Service Connect'),
  });
});
