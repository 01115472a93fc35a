import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, test } from '@jest/globals';
import { ECSClient, RegisterTaskDefinitionCommand } from '@aws-sdk/client-ecs';
import { runAction } from '../harness/runner.js';
import { type Simulator, simulatorEnv, startSimulator } from '../simulator/server.js';

let sim: Simulator;
let dir: string;
const saved = { ...process.env };
const TASK = {
  family: 'shop',
  networkMode: 'awsvpc',
  requiresCompatibilities: ['FARGATE'],
  cpu: '256',
  memory: '512',
  executionRoleArn: 'arn:aws:iam::111122223333:role/exec',
  containerDefinitions: [
    {
      name: 'web',
      image: 'placeholder',
      essential: true,
      environment: [
        { name: 'KEEP', value: '1' },
        { name: 'OLD', value: 'x' },
      ],
    },
    {
      name: 'sidecar',
      image: 'public.ecr.aws/aws-observability/aws-otel-collector:v0.40.0',
      essential: false,
    },
  ],
};

beforeAll(async () => {
  sim = await startSimulator({});
  dir = await mkdtemp(join(tmpdir(), 'render-'));
  await writeFile(join(dir, 'task.json'), JSON.stringify(TASK, null, 2));
  Object.assign(process.env, simulatorEnv(sim, 'eu-west-1'));
  await new ECSClient({ region: 'eu-west-1' }).send(
    new RegisterTaskDefinitionCommand({
      ...TASK,
      family: 'live',
      tags: [{ key: 'team', value: 'shop' }],
    } as never),
  );
});
afterAll(async () => {
  process.env = saved;
  await sim.close();
});
beforeEach(() => {
  sim.requests.length = 0;
});

const env = () => ({ ...simulatorEnv(sim, 'eu-west-1'), GITHUB_WORKSPACE: dir });
async function rendered(r: { outputs: Record<string, string> }) {
  const fromFile = JSON.parse(await readFile(r.outputs['task-definition']!, 'utf8'));
  expect(JSON.parse(r.outputs['task-definition-json']!)).toEqual(fromFile);
  return fromFile as typeof TASK & Record<string, unknown>;
}

describe('render-task-definition, run from dist', () => {
  test('images of several containers, environment upserted and removed, secrets without environment, command as shell words', async () => {
    const r = await runAction('render-task-definition', {
      inputs: {
        'task-definition': 'task.json',
        images:
          'web=111122223333.dkr.ecr.eu-west-1.amazonaws.com/shop@sha256:' +
          'a'.repeat(64) +
          '\nsidecar=public.ecr.aws/aws-observability/aws-otel-collector:v0.41.0',
        container: 'web',
        environment: 'NEW=a=b,c\nKEEP=2',
        'remove-environment': 'OLD',
        secrets: 'DB_PASSWORD=arn:aws:secretsmanager:eu-west-1:111122223333:secret:db-AbCdEf',
        command: `sh -c 'echo "hello world" && exec node server.js' --flag`,
        'docker-labels': 'com.example.team=shop',
        cpu: '0.5 vCPU',
        memory: '1 GB',
      },
      env: env(),
    });
    expect(r.errors).toEqual([]);
    expect(r.outputs['task-definition']).toMatch(
      new RegExp(`^${r.dir}/task-definition-shop-[0-9a-f]{8}\\.json$`),
    );
    const t = await rendered(r);
    const web = t.containerDefinitions[0] as Record<string, unknown>;
    expect(web['image']).toMatch(/@sha256:a{64}$/);
    expect(web['environment']).toEqual([
      { name: 'KEEP', value: '2' },
      { name: 'NEW', value: 'a=b,c' },
    ]);
    expect(web['secrets']).toEqual([
      { name: 'DB_PASSWORD', valueFrom: 'arn:aws:secretsmanager:eu-west-1:111122223333:secret:db-AbCdEf' },
    ]);
    expect(web['command']).toEqual(['sh', '-c', 'echo "hello world" && exec node server.js', '--flag']);
    expect(web['dockerLabels']).toEqual({ 'com.example.team': 'shop' });
    expect(t.containerDefinitions[1]!.image).toBe(
      'public.ecr.aws/aws-observability/aws-otel-collector:v0.41.0',
    );
    expect([t.cpu, t.memory]).toEqual(['0.5 vCPU', '1 GB']);
    expect(r.stdout).toContain('web: environment +NEW +KEEP -OLD');
    expect(sim.requests).toEqual([]);
  });

  test('from ECS: the latest revision of a family, describe-only fields stripped, tags kept', async () => {
    const r = await runAction('render-task-definition', {
      inputs: { family: 'live', container: 'web', image: 'nginx:2' },
      env: env(),
    });
    expect(r.errors).toEqual([]);
    const t = await rendered(r);
    expect(t['tags']).toEqual([{ key: 'team', value: 'shop' }]);
    for (const key of [
      'taskDefinitionArn',
      'revision',
      'status',
      'compatibilities',
      'registeredAt',
      'registeredBy',
      'requiresAttributes',
    ]) {
      expect([key, key in t]).toEqual([key, false]);
    }
    expect(sim.calls('DescribeTaskDefinition').map((c) => c.params)).toEqual([
      { taskDefinition: 'live', include: ['TAGS'] },
    ]);
  });
});

// The logic cases are in test/integration/render-core.test.ts; these are smoke tests of the bundle.
describe('render-task-definition says what is wrong', () => {
  test.each([
    [
      { 'task-definition': 'missing.json' },
      /Input 'task-definition' names .*missing\.json, which does not exist/,
    ],
    [{ 'task-definition': 'task.json', cpu: 'lots' }, /Input 'cpu' has the value "lots"/],
    [
      { 'task-definition': 'task.json', environment: 'A=1' },
      "The task definition has 2 containers (web, sidecar): say which one the changes are for with input 'container'.",
    ],
  ] as [Record<string, string>, string | RegExp][])('%j', async (inputs, message) => {
    const r = await runAction('render-task-definition', { inputs, env: env() });
    expect(r.exitCode).toBe(1);
    expect(r.errors).toHaveLength(1);
    if (typeof message === 'string') expect(r.errors[0]).toBe(message);
    else expect(r.errors[0]).toMatch(message);
  });
});
