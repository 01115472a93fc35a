// run-task's core in process — plan and run against the simulator through the real SDK, on a virtual
// clock shared by both. Settings come from the action's own input spec, so they are what the shell gives.
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, test } from '@jest/globals';
import { inputs } from '../../src/actions/run-task/action.js';
import { planRunTask } from '../../src/ecs/run-task-plan.js';
import { newReport, runRunTask, type RunTaskReport } from '../../src/ecs/run-task-run.js';
import { readInputs } from '../../src/github/inputs.js';
import { captureLog, coreClients, virtualClock } from '../harness/core.js';
import { fargateTaskDefinition } from '../harness/fixtures.js';
import { type Simulator, startSimulator } from '../simulator/server.js';

const time = virtualClock();
let sim: Simulator;
let dir: string;
const saved = { ...process.env };

/** A task definition with an app container and a sidecar. */
const twoContainers = (family: string) => {
  const td = fargateTaskDefinition(family);
  return {
    ...td,
    containerDefinitions: [
      ...td.containerDefinitions,
      { name: 'sidecar', image: 'public.ecr.aws/aws-observability/aws-otel-collector', essential: false },
    ],
  };
};

beforeAll(async () => {
  sim = await startSimulator({
    clock: time.now,
    scenario: {
      ecs: {
        clusters: [{ name: 'prod' }],
        taskDefinitions: [
          fargateTaskDefinition('migrate'),
          fargateTaskDefinition('broken'),
          fargateTaskDefinition('slow'),
          twoContainers('pair'),
        ],
        runTasks: {
          migrate: { provisionMs: 800, runMs: 1500, exitCode: 0 },
          broken: { provisionMs: 500, runMs: 800, exitCode: 3, logLines: ['ERROR: relation exists'] },
          slow: { provisionMs: 500, runMs: 3_600_000, exitCode: 0 },
        },
      },
    },
  });
  dir = await mkdtemp(join(tmpdir(), 'run-task-core-'));
  await writeFile(join(dir, 'migrate.json'), JSON.stringify(fargateTaskDefinition('migrate', 'app:2')));
  await writeFile(join(dir, 'pair.json'), JSON.stringify(twoContainers('pair')));
});
afterAll(async () => {
  process.env = saved;
  await sim.close();
});
beforeEach(() => {
  sim.requests.length = 0;
});

const NET = { subnets: 'subnet-0123456789abcdef0', 'security-groups': 'sg-0123456789abcdef0' };

/** Reads the raw inputs through the action's spec, then plans and runs as the shell does. */
async function runTask(
  raw: Record<string, string>,
): Promise<{ report: RunTaskReport; lines: string[]; error?: Error }> {
  const { log, lines } = captureLog();
  const report = newReport('');
  try {
    const settings = readInputs(inputs, (name) => ({ cluster: 'prod', ...NET, ...raw })[name]);
    const plan = await planRunTask(settings, { GITHUB_WORKSPACE: dir }, log);
    report.cluster = plan.cluster;
    await runRunTask(
      plan,
      { clients: coreClients(sim), region: plan.region ?? 'us-east-1', log, clock: time.clock },
      report,
    );
    return { report, lines };
  } catch (error) {
    return { report, lines, error: error as Error };
  }
}

const runTaskCall = () => sim.calls('RunTask')[0]!.params;

describe('run-task', () => {
  test('runs, waits until the tasks stop, reports their exit codes', async () => {
    const r = await runTask({ 'task-definition': 'migrate', count: '2', tags: 'team=db' });
    expect(r.error).toBeUndefined();
    expect(r.report).toMatchObject({ outcome: 'succeeded', taskDefinition: 'migrate', problems: [] });
    expect(r.report.taskArns).toHaveLength(2);
    expect(Object.values(r.report.exitCodes!)).toEqual([{ app: 0 }, { app: 0 }]);
    expect(runTaskCall()).toMatchObject({ cluster: 'prod', count: 2, startedBy: 'ecs-shipyard' });
    expect(runTaskCall()['tags']).toEqual([{ key: 'team', value: 'db' }]);
    expect(runTaskCall()['overrides']).toBeUndefined();
    // Nothing to choose: the task definition is not read before RunTask.
    expect(sim.requests[0]!.operation).toBe('RunTask');
  });

  test('a task definition file is registered first and its ARN run', async () => {
    const r = await runTask({ 'task-definition': 'migrate.json', wait: 'false' });
    expect(r.error).toBeUndefined();
    expect(r.report).toMatchObject({ outcome: 'started', registered: true });
    expect(sim.calls('RegisterTaskDefinition')).toHaveLength(1);
    expect(runTaskCall()['taskDefinition']).toBe(
      'arn:aws:ecs:us-east-1:111122223333:task-definition/migrate:2',
    );
    expect(sim.calls('DescribeTasks')).toHaveLength(0);
  });

  test('a cluster ARN is taken: its name goes to ECS, its region decides', async () => {
    const arn = 'arn:aws:ecs:us-east-1:111122223333:cluster/prod';
    const r = await runTask({ 'task-definition': 'migrate', cluster: arn });
    expect(r.error).toBeUndefined();
    expect(r.report.cluster).toBe('prod');
    expect(r.report.region).toBe('us-east-1');
    expect(runTaskCall()['cluster']).toBe('prod');
  });

  test('a non-zero exit fails with the exit code and the last log lines; the tasks and codes are reported', async () => {
    const r = await runTask({ 'task-definition': 'broken' });
    expect(r.error?.message).toMatch(
      /^task [0-9a-f]+: container app exited 3 \(Essential container in task exited\)\. The log above has the last log lines\.$/,
    );
    expect(r.report.outcome).toBe('failed');
    expect(r.report.taskArns).toHaveLength(1);
    expect(Object.values(r.report.exitCodes!)).toEqual([{ app: 3 }]);
    expect(r.lines.some((l) => l.includes('ERROR: relation exists'))).toBe(true);
  });

  test('the deadline leaves the tasks running and says so', async () => {
    const r = await runTask({ 'task-definition': 'slow', timeout: '10m' });
    expect(r.error?.message).toMatch(
      /The task\(s\) go on running in ECS: arn:aws:ecs:us-east-1:.*:task\/prod\//,
    );
    expect(r.report.outcome).toBe('started');
    expect(r.report.taskArns).toHaveLength(1);
  });
});

describe('which container the overrides go to', () => {
  test('named by input: to that one, without reading the task definition', async () => {
    const r = await runTask({
      'task-definition': 'pair',
      container: 'sidecar',
      command: `sh -c 'echo hi'`,
      environment: 'STEP=1',
      wait: 'false',
    });
    expect(r.error).toBeUndefined();
    expect(runTaskCall()['overrides']).toEqual({
      containerOverrides: [
        { name: 'sidecar', command: ['sh', '-c', 'echo hi'], environment: [{ name: 'STEP', value: '1' }] },
      ],
    });
    expect(sim.calls('DescribeTaskDefinition')).toHaveLength(0);
  });

  test('not named, one container in the task definition read from ECS: to that one', async () => {
    const r = await runTask({ 'task-definition': 'migrate', command: 'npm run migrate' });
    expect(r.error).toBeUndefined();
    expect(r.report.container).toBe('app');
    expect(sim.requests.map((q) => q.operation).slice(0, 2)).toEqual(['DescribeTaskDefinition', 'RunTask']);
    // The revision read is the one run.
    expect(r.report.taskDefinition).toMatch(
      /^arn:aws:ecs:us-east-1:111122223333:task-definition\/migrate:\d+$/,
    );
    expect(runTaskCall()).toMatchObject({
      taskDefinition: r.report.taskDefinition,
      overrides: { containerOverrides: [{ name: 'app', command: ['npm', 'run', 'migrate'] }] },
    });
  });

  test('not named, one container in the file: to that one, known before any AWS call', async () => {
    const r = await runTask({ 'task-definition': 'migrate.json', environment: 'A=1', wait: 'false' });
    expect(r.error).toBeUndefined();
    expect(runTaskCall()['overrides']).toEqual({
      containerOverrides: [{ name: 'app', environment: [{ name: 'A', value: '1' }] }],
    });
  });

  test('not named, several containers in ECS: refused naming them, after reading it, before RunTask', async () => {
    const r = await runTask({ 'task-definition': 'pair:1', command: 'npm test' });
    expect(r.error?.message).toBe(
      "Inputs 'command' and 'environment' override one container, and the task definition arn:aws:ecs:us-east-1:111122223333:task-definition/pair:1 has 2 (app, sidecar): name it with input 'container'.",
    );
    expect(sim.requests.map((q) => q.operation)).toEqual(['DescribeTaskDefinition']);
    expect(r.report.taskArns).toEqual([]);
  });

  test('not named, several containers in the file: refused before any AWS call', async () => {
    const r = await runTask({ 'task-definition': 'pair.json', environment: 'A=1' });
    expect(r.error?.message).toBe(
      "Inputs 'command' and 'environment' override one container, and the task definition pair.json has 2 (app, sidecar): name it with input 'container'.",
    );
    expect(sim.requests).toEqual([]);
  });
});

describe('refused before any AWS call', () => {
  test.each([
    [
      { 'task-definition': 'migrate', 'launch-type': 'FARGATE', 'capacity-provider-strategy': '[]' },
      "Give input 'launch-type' or input 'capacity-provider-strategy', not both: ECS takes one or the other.",
    ],
    [
      { 'task-definition': 'pair.json', container: 'web', command: 'x' },
      'Input \'container\' names the container "web", which the task definition pair.json does not have. Its containers: app, sidecar.',
    ],
    [
      {
        'task-definition': 'migrate',
        cluster: 'arn:aws:ecs:eu-west-1:111122223333:cluster/prod',
        region: 'us-east-1',
      },
      "Input 'cluster' is an ARN in eu-west-1, but input 'region' is us-east-1: resources of one step must be in one region. Give the cluster of us-east-1, or leave 'region' out.",
    ],
    [
      { 'task-definition': 'migrate', cluster: 'prod/x' },
      /^Input 'cluster' has the value "prod\/x", which is not accepted: an ECS cluster name .* or a cluster ARN/,
    ],
    [
      { 'task-definition': 'missing.json' },
      /^Input 'task-definition' names .*missing\.json, which does not exist/,
    ],
    [
      { 'task-definition': 'migrate', subnets: 'subnet-xyz' },
      /^Input 'subnets' item 1 "subnet-xyz" is not accepted: expected a subnet ID/,
    ],
    [{ 'task-definition': 'migrate', count: '11' }, /^Input 'count' has the value "11"/],
    [
      {
        'task-definition': 'arn:aws:ecs:eu-west-1:111122223333:task-definition/migrate:3',
        cluster: 'arn:aws:ecs:us-east-1:111122223333:cluster/prod',
      },
      "Input 'task-definition' is an ARN in eu-west-1, but input 'cluster' (an ARN) is us-east-1: resources of one step must be in one region. Give the task-definition of us-east-1.",
    ],
  ] as [Record<string, string>, string | RegExp][])('%j', async (raw, message) => {
    const r = await runTask(raw);
    if (typeof message === 'string') expect(r.error?.message).toBe(message);
    else expect(r.error?.message).toMatch(message);
    expect(sim.requests).toEqual([]);
  });
});
