// render-task-definition's core in process: plan and run from src/, a file from a temp workspace or a
// task definition read from the simulator. Settings come from the action's own input spec.
import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, test } from '@jest/globals';
import { ECSClient, RegisterTaskDefinitionCommand } from '@aws-sdk/client-ecs';
import { inputs } from '../../src/actions/render-task-definition/action.js';
import { createClient } from '../../src/aws/client.js';
import { readInputs } from '../../src/github/inputs.js';
import { planRender } from '../../src/taskdef/render-plan.js';
import { type RenderReport, runRender } from '../../src/taskdef/render-run.js';
import { captureLog } from '../harness/core.js';
import { type Simulator, simulatorEnv, startSimulator } from '../simulator/server.js';

let sim: Simulator;
let dir: string;
let out: string;
const saved = { ...process.env };
const TASK = {
  family: 'shop',
  cpu: '256',
  memory: '512',
  containerDefinitions: [
    { name: 'web', image: 'placeholder', essential: true },
    { name: 'sidecar', image: 'otel:1', essential: false },
  ],
};

beforeAll(async () => {
  sim = await startSimulator({});
  dir = await mkdtemp(join(tmpdir(), 'render-core-'));
  out = await mkdtemp(join(tmpdir(), 'render-core-out-'));
  await writeFile(join(dir, 'task.json'), JSON.stringify(TASK));
  await writeFile(
    join(dir, 'task.yml'),
    'family: shop\ncontainerDefinitions:\n  - name: web\n    image: nginx\n    memory: 256\n',
  );
  await writeFile(
    join(dir, 'broken.yml'),
    'family: shop\ncontainerDefinitions:\n  - name: web\n    image: [nginx\n',
  );
  await writeFile(join(dir, 'broken.json'), '{\n  "family": "shop",\n  "containerDefinitions": [,]\n}\n');
  Object.assign(process.env, simulatorEnv(sim, 'eu-west-1'));
  await new ECSClient({ region: 'eu-west-1' }).send(
    new RegisterTaskDefinitionCommand({ ...TASK, family: 'live', tags: [{ key: 'team', value: 'shop' }] }),
  );
});
afterAll(async () => {
  process.env = saved;
  await sim.close();
});
beforeEach(() => {
  sim.requests.length = 0;
});

async function rendered(raw: Record<string, string>) {
  const { log, lines } = captureLog();
  const env = { ...simulatorEnv(sim, 'eu-west-1'), GITHUB_WORKSPACE: dir, RUNNER_TEMP: out };
  try {
    const plan = planRender(
      readInputs(inputs, (name) => raw[name]),
      env,
    );
    const region = 'family' in plan.source ? (plan.source.region ?? 'eu-west-1') : undefined;
    const ecs = region ? createClient(ECSClient, { region, action: 'test', env }) : undefined;
    const report: RenderReport = await runRender(plan, { ...(ecs ? { ecs } : {}), log });
    return { report, lines, written: JSON.parse(await readFile(report.file, 'utf8')) as typeof TASK };
  } catch (error) {
    return { lines, error: error as Error };
  }
}

describe('render', () => {
  test('YAML files are read too; a JSON array command is taken as it is; the file goes to RUNNER_TEMP', async () => {
    const r = await rendered({
      'task-definition': 'task.yml',
      container: 'web',
      image: 'nginx:1.27',
      command: '["npm", "run", "migrate -- --yes"]',
    });
    expect(r.error).toBeUndefined();
    expect(r.report!.file).toMatch(new RegExp(`^${out}/task-definition-shop-[0-9a-f]{8}\\.json$`));
    expect(r.written).toEqual(r.report!.definition);
    expect(r.written!.containerDefinitions[0]).toMatchObject({
      image: 'nginx:1.27',
      command: ['npm', 'run', 'migrate -- --yes'],
    });
    expect(r.report!.changed).toEqual([
      'web: image nginx → nginx:1.27',
      'web: command ["npm","run","migrate -- --yes"]',
    ]);
  });

  test('cpu and memory in any form the validator reads are kept as written', async () => {
    const r = await rendered({ 'task-definition': 'task.json', cpu: '.25 vCPU', memory: '.5 GB' });
    expect(r.error).toBeUndefined();
    expect([r.written!.cpu, r.written!.memory]).toEqual(['.25 vCPU', '.5 GB']);
    expect(r.report!.changed).toEqual(['cpu 256 → .25 vCPU', 'memory 512 → .5 GB']);
  });

  test('nothing asked: written as it is, and said so', async () => {
    const r = await rendered({ 'task-definition': 'task.json' });
    expect(r.report!.changed).toEqual([]);
    expect(r.lines).toContain('Nothing to change: the task definition is written as it is.');
  });

  test("from ECS in a task definition ARN's region: tags kept, describe-only fields gone", async () => {
    const arn = 'arn:aws:ecs:eu-west-1:111122223333:task-definition/live:1';
    const r = await rendered({ family: arn, container: 'web', image: 'nginx:2' });
    expect(r.error).toBeUndefined();
    expect(r.written).toMatchObject({ family: 'live', tags: [{ key: 'team', value: 'shop' }] });
    expect('taskDefinitionArn' in r.written!).toBe(false);
    expect(r.lines[0]).toBe(`Read ${arn} from ECS.`);
    expect(sim.requests.map((q) => [q.operation, q.region])).toEqual([
      ['DescribeTaskDefinition', 'eu-west-1'],
    ]);
  });
});

describe('refused', () => {
  test.each([
    [
      { 'task-definition': 'task.json', images: 'api=nginx' },
      'Input \'images\' names the container "api", which the task definition does not have. Its containers: web, sidecar.',
    ],
    [
      { 'task-definition': 'task.json', environment: 'A=1' },
      "The task definition has 2 containers (web, sidecar): say which one the changes are for with input 'container'.",
    ],
    [
      { 'task-definition': 'missing.json' },
      /^Input 'task-definition' names .*missing\.json, which does not exist/,
    ],
    [{ 'task-definition': 'broken.json' }, /broken\.json is not valid JSON: .* at line 3, column 28\./],
    [{ 'task-definition': 'broken.yml' }, /broken\.yml is not valid YAML: .* at line \d+, column \d+\./],
    [{}, /^Give either input 'task-definition' \(a file\) or input 'family'/],
    [
      { 'task-definition': 'task.json', family: 'shop' },
      /^Give either input 'task-definition' \(a file\) or input 'family'/,
    ],
    [
      { 'task-definition': 'task.json', image: 'nginx' },
      "Input 'image' needs input 'container': the container to set it on.",
    ],
    [
      { family: 'arn:aws:ecs:eu-west-1:111122223333:task-definition/live:1', region: 'us-east-1' },
      "Input 'family' is an ARN in eu-west-1, but input 'region' is us-east-1: leave 'region' out, or give the family of that region.",
    ],
    [
      { 'task-definition': 'task.json', container: 'web', command: `echo 'unclosed` },
      /^Input 'command' has the value .* a single quote is not closed/,
    ],
    [
      { 'task-definition': 'task.json', environment: 'JUST_A_NAME' },
      /^Input 'environment' line 1 "JUST_A_NAME" is not accepted: expected NAME=value/,
    ],
    [{ 'task-definition': 'task.json', memory: '2 MB' }, /^Input 'memory' has the value "2 MB"/],
    [
      { 'task-definition': 'task.json', 'execution-role-arn': 'exec' },
      /^Input 'execution-role-arn' has the value "exec", which is not accepted: an IAM role ARN/,
    ],
  ] as [Record<string, string>, string | RegExp][])('%j', async (raw, message) => {
    const r = await rendered(raw);
    if (typeof message === 'string') expect(r.error?.message).toBe(message);
    else expect(r.error?.message).toMatch(message);
    expect(sim.requests).toEqual([]);
  });
});
