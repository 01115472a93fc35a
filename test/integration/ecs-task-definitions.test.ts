// ECS task definitions in the simulator, through the real ECS client; and the simulator's registration
// checks against the corpus of real public task definitions and their expected verdicts.
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import {
  DeregisterTaskDefinitionCommand,
  DescribeTaskDefinitionCommand,
  ECSClient,
  paginateListTaskDefinitions,
  RegisterTaskDefinitionCommand,
  type RegisterTaskDefinitionCommandInput,
} from '@aws-sdk/client-ecs';
import { normalizeTaskDefinition } from '../../src/taskdef/normalize.js';
import { ROOT } from '../harness/runner.js';
import { type Simulator, simulatorEnv, startSimulator } from '../simulator/server.js';

let sim: Simulator;
const saved = { ...process.env };
beforeAll(async () => {
  sim = await startSimulator({ scenario: { principals: { AKIANOPASS: { deny: ['iam:PassRole'] } } } });
  Object.assign(process.env, simulatorEnv(sim, 'eu-west-1'));
});
afterAll(async () => {
  process.env = saved;
  await sim.close();
});

const ecs = () => new ECSClient({ region: 'eu-west-1', maxAttempts: 1 });
const web = (over: Partial<RegisterTaskDefinitionCommandInput> = {}): RegisterTaskDefinitionCommandInput => ({
  family: 'web',
  networkMode: 'awsvpc',
  requiresCompatibilities: ['FARGATE'],
  cpu: '256',
  memory: '512',
  executionRoleArn: 'arn:aws:iam::111122223333:role/ecsTaskExecutionRole',
  containerDefinitions: [{ name: 'app', image: 'nginx:1.27', portMappings: [{ containerPort: 80 }] }],
  ...over,
});

describe('task definitions', () => {
  test('revisions count up; Describe shows the defaults ECS fills in; tags on request', async () => {
    const first = await ecs().send(
      new RegisterTaskDefinitionCommand({ ...web(), tags: [{ key: 'team', value: 'web' }] }),
    );
    const second = await ecs().send(
      new RegisterTaskDefinitionCommand(web({ cpu: '0.5 vCPU', memory: '1 GB' })),
    );
    expect([first.taskDefinition?.revision, second.taskDefinition?.revision]).toEqual([1, 2]);
    expect(second.taskDefinition).toMatchObject({
      cpu: '512',
      memory: '1024',
      status: 'ACTIVE',
      compatibilities: ['EC2', 'FARGATE'],
    });
    const latest = await ecs().send(
      new DescribeTaskDefinitionCommand({ taskDefinition: 'web', include: ['TAGS'] }),
    );
    expect(latest.taskDefinition?.revision).toBe(2);
    expect(latest.taskDefinition?.containerDefinitions?.[0]).toMatchObject({
      cpu: 0,
      essential: true,
      environment: [],
      mountPoints: [],
      volumesFrom: [],
      portMappings: [{ containerPort: 80, hostPort: 80, protocol: 'tcp' }],
    });
    const one = await ecs().send(
      new DescribeTaskDefinitionCommand({ taskDefinition: 'web:1', include: ['TAGS'] }),
    );
    expect(one.tags).toEqual([{ key: 'team', value: 'web' }]);
  });

  test('deregistered revisions leave the latest ACTIVE one behind, and the INACTIVE list', async () => {
    await ecs().send(new RegisterTaskDefinitionCommand(web({ family: 'api' })));
    await ecs().send(new RegisterTaskDefinitionCommand(web({ family: 'api' })));
    await ecs().send(new DeregisterTaskDefinitionCommand({ taskDefinition: 'api:2' }));
    const latest = await ecs().send(new DescribeTaskDefinitionCommand({ taskDefinition: 'api' }));
    expect(latest.taskDefinition?.revision).toBe(1);
    const inactive: string[] = [];
    for await (const page of paginateListTaskDefinitions(
      { client: ecs(), pageSize: 1 },
      { familyPrefix: 'api', status: 'INACTIVE' },
    )) {
      inactive.push(...(page.taskDefinitionArns ?? []));
    }
    expect(inactive).toEqual(['arn:aws:ecs:eu-west-1:111122223333:task-definition/api:2']);
    await expect(
      ecs().send(new DeregisterTaskDefinitionCommand({ taskDefinition: 'api' })),
    ).rejects.toMatchObject({ name: 'ClientException' });
  });

  test('register-time checks answer as ECS does', async () => {
    const cases: [RegisterTaskDefinitionCommandInput, string][] = [
      [web({ memory: '3072' }), "Invalid 'cpu' setting for task."],
      [web({ networkMode: 'bridge' }), "Fargate only supports network mode 'awsvpc'."],
      [
        web({
          executionRoleArn: undefined,
          containerDefinitions: [{ name: 'a', image: 'x', logConfiguration: { logDriver: 'awslogs' } }],
        }),
        'Fargate requires task definition to have execution role ARN to support log driver awslogs.',
      ],
      [
        web({
          containerDefinitions: [
            { name: 'a', image: 'x', portMappings: [{ containerPort: 80, hostPort: 8080 }] },
          ],
        }),
        'When networkMode=awsvpc, the host ports and container ports in port mappings must match.',
      ],
      [
        web({ containerDefinitions: [{ name: 'a', image: 'x', essential: false }] }),
        "Task definition doesn't have any essential container.",
      ],
      [
        web({ containerDefinitions: [{ name: 'a', image: '$IMAGE' }] }),
        'Container.image contains invalid characters.',
      ],
      [
        { family: 'ec2', containerDefinitions: [{ name: 'a', image: 'x' }] },
        "Invalid setting for container 'a'. At least one of 'memory' or 'memoryReservation' must be specified.",
      ],
    ];
    for (const [input, message] of cases) {
      await expect(ecs().send(new RegisterTaskDefinitionCommand(input))).rejects.toMatchObject({
        name: 'ClientException',
        message,
      });
    }
  });

  test('a role the caller may not pass is refused with the role named', async () => {
    const denied = new ECSClient({
      region: 'eu-west-1',
      maxAttempts: 1,
      credentials: { accessKeyId: 'AKIANOPASS', secretAccessKey: 'x' },
    });
    await expect(denied.send(new RegisterTaskDefinitionCommand(web()))).rejects.toMatchObject({
      name: 'AccessDeniedException',
      message: expect.stringContaining(
        'iam:PassRole on resource: arn:aws:iam::111122223333:role/ecsTaskExecutionRole',
      ),
    });
  });
});

const corpus = join(ROOT, '..', 'shared', 'corpus', 'task-definitions');
const haveCorpus = existsSync(join(corpus, 'expectations.json'));
if (!haveCorpus)
  console.warn(`corpus conformance: skipped, ${corpus} is not there (a clone without ../shared)`);

(haveCorpus ? test : test.skip)(
  'the corpus: accepted files register, rejected ones fail with the message AWS gives',
  async () => {
    const expectations = JSON.parse(readFileSync(join(corpus, 'expectations.json'), 'utf8')) as Record<
      string,
      { expected: string; findings: string[] }
    >;
    const disagreements: string[] = [];
    let checked = 0;
    for (const file of readdirSync(corpus).filter((f) => f.endsWith('.json') && f !== 'expectations.json')) {
      const verdict = expectations[file];
      const kinds = ['accept', 'accept-with-placeholders', 'accept-after-normalize', 'reject'];
      if (!verdict || !kinds.includes(verdict.expected)) continue;
      let input: RegisterTaskDefinitionCommandInput;
      try {
        input = JSON.parse(readFileSync(join(corpus, file), 'utf8')) as RegisterTaskDefinitionCommandInput;
      } catch {
        continue;
      }
      // Describe output registers once normalized as the deploy action does it.
      if (verdict.expected === 'accept-after-normalize') {
        input = normalizeTaskDefinition(input).definition as unknown as RegisterTaskDefinitionCommandInput;
      }
      // Problems the SDK reports before sending (missing family, wrong types) are not the service's to judge.
      if (!input.family || verdict.findings.some((f) => /Invalid type for parameter|not in enum/.test(f)))
        continue;
      checked++;
      const error = await ecs()
        .send(new RegisterTaskDefinitionCommand(input))
        .then(
          () => undefined,
          (e: Error) => e,
        );
      if (verdict.expected === 'reject') {
        const quoted = verdict.findings.flatMap((f) => [...f.matchAll(/"([^"]+)"/g)].map((m) => m[1]!));
        if (!error) disagreements.push(`${file}: registered, expected rejection (${verdict.findings[0]})`);
        else if (quoted.length && !quoted.some((q) => error.message === q))
          disagreements.push(`${file}: "${error.message}", expected one of ${JSON.stringify(quoted)}`);
      } else if (error) {
        disagreements.push(`${file}: refused with "${error.message}", expected ${verdict.expected}`);
      }
    }
    expect(checked).toBeGreaterThan(90);
    expect(disagreements).toEqual([]);
  },
);
