import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, test } from '@jest/globals';
import { fargateTaskDefinition } from '../harness/fixtures.js';
import { runAction } from '../harness/runner.js';
import { type Simulator, simulatorEnv, startSimulator } from '../simulator/server.js';

let sim: Simulator;
let dir: string;
beforeAll(async () => {
  sim = await startSimulator({
    scenario: {
      ecs: {
        clusters: [{ name: 'prod' }],
        taskDefinitions: [fargateTaskDefinition('migrate'), fargateTaskDefinition('broken-migrate')],
        runTasks: {
          migrate: { provisionMs: 800, runMs: 1500, exitCode: 0 },
          'broken-migrate': {
            provisionMs: 500,
            runMs: 800,
            exitCode: 3,
            logLines: ['running 0042_add_orders', 'ERROR: relation "orders" already exists'],
          },
        },
      },
    },
  });
  dir = await mkdtemp(join(tmpdir(), 'run-task-'));
});
afterAll(() => sim.close());
beforeEach(() => {
  sim.requests.length = 0;
});

const env = () => ({ ...simulatorEnv(sim, 'us-east-1'), GITHUB_WORKSPACE: dir });
const net = { subnets: 'subnet-0123456789abcdef0', 'security-groups': 'sg-0123456789abcdef0' };

describe('run-task, run from dist', () => {
  test('runs two tasks with a command override, waits until they stop, reports their exit codes', async () => {
    const r = await runAction('run-task', {
      inputs: {
        'task-definition': 'migrate',
        cluster: 'prod',
        count: '2',
        container: 'app',
        command: `sh -c 'npm run migrate -- --yes'`,
        environment: 'STEP=1',
        ...net,
      },
      env: env(),
    });
    expect(r.errors).toEqual([]);
    const arns = JSON.parse(r.outputs['task-arns']!) as string[];
    expect(arns).toHaveLength(2);
    expect(Object.values(JSON.parse(r.outputs['exit-codes']!))).toEqual([{ app: 0 }, { app: 0 }]);
    const run = sim.calls('RunTask')[0]!.params;
    expect(run['overrides']).toEqual({
      containerOverrides: [
        {
          name: 'app',
          command: ['sh', '-c', 'npm run migrate -- --yes'],
          environment: [{ name: 'STEP', value: '1' }],
        },
      ],
    });
    expect(run['networkConfiguration']).toEqual({
      awsvpcConfiguration: {
        subnets: ['subnet-0123456789abcdef0'],
        securityGroups: ['sg-0123456789abcdef0'],
        assignPublicIp: 'DISABLED',
      },
    });
    expect(r.stdout).toMatch(/2 tasks: RUNNING/);
  });

  test('a non-zero exit fails the step with the exit code and the last log lines', async () => {
    const r = await runAction('run-task', {
      inputs: { 'task-definition': 'broken-migrate', cluster: 'prod', ...net },
      env: env(),
    });
    expect(r.exitCode).toBe(1);
    expect(r.errors[0]).toMatch(
      /^task [0-9a-f]+: container app exited 3 \(Essential container in task exited\)\. The log above has the last log lines\.$/,
    );
    expect(r.stdout).toContain('ERROR: relation "orders" already exists');
    expect(Object.values(JSON.parse(r.outputs['exit-codes']!))).toEqual([{ app: 3 }]);
  });
});

// The logic cases are in test/integration/run-task-core.test.ts; these are smoke tests of the bundle.
describe('run-task says what is wrong', () => {
  test.each([
    [{ 'task-definition': 'migrate', count: '11' }, /Input 'count' has the value "11"/],
    [
      { 'task-definition': 'migrate', 'launch-type': 'FARGATE', 'capacity-provider-strategy': '[]' },
      /not both/,
    ],
  ] as [Record<string, string>, RegExp][])('%j (no AWS call)', async (inputs, message) => {
    const r = await runAction('run-task', { inputs, env: env() });
    expect(r.errors[0]).toMatch(message);
    expect(sim.requests).toEqual([]);
  });

  test('Fargate without a network configuration: ECS says so', async () => {
    const r = await runAction('run-task', {
      inputs: { 'task-definition': 'migrate', cluster: 'prod' },
      env: env(),
    });
    expect(r.errors[0]).toMatch(
      /Network Configuration must be provided when networkMode 'awsvpc' is specified/,
    );
  });
});
