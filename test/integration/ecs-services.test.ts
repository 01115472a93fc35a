// ECS services in the simulator on a virtual clock, through the real ECS and CloudWatch Logs clients.
import { afterAll, beforeAll, expect, test } from '@jest/globals';
import { CloudWatchLogsClient, GetLogEventsCommand } from '@aws-sdk/client-cloudwatch-logs';
import {
  DescribeServicesCommand,
  DescribeTasksCommand,
  ECSClient,
  ListTasksCommand,
  RegisterTaskDefinitionCommand,
  UpdateServiceCommand,
} from '@aws-sdk/client-ecs';
import { fargateTaskDefinition } from '../harness/fixtures.js';
import { type Simulator, simulatorEnv, startSimulator } from '../simulator/server.js';

let now = Date.UTC(2026, 10, 21, 12);
let sim: Simulator;
const saved = { ...process.env };
const TD = (family: string) => fargateTaskDefinition(family);

beforeAll(async () => {
  sim = await startSimulator({
    clock: () => now,
    scenario: {
      ecs: {
        clusters: [{ name: 'prod' }],
        taskDefinitions: [TD('web'), TD('api')],
        services: [
          {
            cluster: 'prod',
            name: 'web',
            taskDefinition: 'web:1',
            desiredCount: 2,
            rollouts: [{ provisionMs: 10_000, perTaskMs: 5_000, drainMs: 20_000 }],
          },
          {
            cluster: 'prod',
            name: 'api',
            taskDefinition: 'api:1',
            rollouts: [
              {
                outcome: 'fail',
                provisionMs: 5_000,
                perTaskMs: 10_000,
                exitCode: 137,
                containerReason: 'OutOfMemoryError: Container killed due to memory usage',
                logLines: ['booting', 'FATAL: out of memory'],
              },
            ],
          },
        ],
      },
    },
  });
  Object.assign(process.env, simulatorEnv(sim));
});
afterAll(async () => {
  process.env = saved;
  await sim.close();
});

const ecs = () => new ECSClient({ region: 'us-east-1', maxAttempts: 1 });
const describe = async (name: string) =>
  (await ecs().send(new DescribeServicesCommand({ cluster: 'prod', services: [name] }))).services![0]!;

test('a rollout: provisioning, tasks starting, draining, COMPLETED, and the old deployment gone', async () => {
  await ecs().send(new RegisterTaskDefinitionCommand(TD('web') as never));
  const updated = await ecs().send(
    new UpdateServiceCommand({ cluster: 'prod', service: 'web', taskDefinition: 'web:2' }),
  );
  const id = updated.service!.deployments!.find((d) => d.status === 'PRIMARY')!.id;
  const at = async (ms: number) => {
    now += ms;
    const s = await describe('web');
    const primary = s.deployments!.find((d) => d.id === id)!;
    return [s.deployments!.length, primary.rolloutState, primary.runningCount, primary.pendingCount];
  };
  expect(await at(1000)).toEqual([2, 'IN_PROGRESS', 0, 2]);
  expect(await at(10_000)).toEqual([2, 'IN_PROGRESS', 1, 1]);
  expect(await at(5_000)).toEqual([2, 'IN_PROGRESS', 2, 0]);
  expect(await at(20_000)).toEqual([1, 'COMPLETED', 2, 0]);
  expect((await describe('web')).events![0]!.message).toBe('(service web) has reached a steady state.');
});

test('a failing rollout: tasks stop, the circuit breaker trips, a rollback starts; stopped tasks and their logs are there', async () => {
  await ecs().send(new RegisterTaskDefinitionCommand(TD('api') as never));
  const updated = await ecs().send(
    new UpdateServiceCommand({ cluster: 'prod', service: 'api', taskDefinition: 'api:2' }),
  );
  const id = updated.service!.deployments!.find((d) => d.status === 'PRIMARY')!.id!;
  now += 36_000;
  const s = await describe('api');
  const failed = s.deployments!.find((d) => d.id === id)!;
  expect([failed.status, failed.rolloutState, failed.rolloutStateReason, failed.failedTasks]).toEqual([
    'ACTIVE',
    'FAILED',
    'ECS deployment circuit breaker: tasks failed to start.',
    3,
  ]);
  expect(s.deployments!.find((d) => d.status === 'PRIMARY')!.taskDefinition).toMatch(/api:1$/);
  expect(s.events!.map((e) => e.message)).toContain(
    `(service api) (deployment ${id}) deployment failed: tasks failed to start.`,
  );

  const { taskArns } = await ecs().send(
    new ListTasksCommand({ cluster: 'prod', serviceName: 'api', desiredStatus: 'STOPPED' }),
  );
  expect(taskArns).toHaveLength(3);
  const { tasks } = await ecs().send(new DescribeTasksCommand({ cluster: 'prod', tasks: taskArns! }));
  expect(tasks![0]!.containers![0]).toMatchObject({
    name: 'app',
    exitCode: 137,
    reason: 'OutOfMemoryError: Container killed due to memory usage',
  });
  const taskId = tasks![0]!.taskArn!.split('/').pop();
  const logs = await new CloudWatchLogsClient({ region: 'us-east-1' }).send(
    new GetLogEventsCommand({ logGroupName: '/ecs/api', logStreamName: `ecs/app/${taskId}` }),
  );
  expect(logs.events?.map((e) => e.message)).toEqual(['booting', 'FATAL: out of memory']);
});

test('errors as ECS gives them', async () => {
  await expect(
    ecs().send(new UpdateServiceCommand({ cluster: 'nope', service: 'web' })),
  ).rejects.toMatchObject({ name: 'ClusterNotFoundException' });
  await expect(
    ecs().send(new UpdateServiceCommand({ cluster: 'prod', service: 'nope' })),
  ).rejects.toMatchObject({ name: 'ServiceNotFoundException' });
  await expect(
    ecs().send(new UpdateServiceCommand({ cluster: 'prod', service: 'web', taskDefinition: 'ghost' })),
  ).rejects.toMatchObject({
    name: 'InvalidParameterException',
    message: 'TaskDefinition not found.',
  });
  const missing = await ecs().send(new DescribeServicesCommand({ cluster: 'prod', services: ['ghost'] }));
  expect(missing.failures?.[0]?.reason).toBe('MISSING');
});
