// ecr-repository from its bundle against the simulator: found, created with the settings asked, raced,
// refused, and every bad input stopped before AWS.
import { afterAll, beforeAll, expect, test } from '@jest/globals';
import { runAction } from '../harness/runner.js';
import { type Simulator, simulatorEnv, startSimulator } from '../simulator/server.js';
import { ecrState } from '../simulator/services/ecr.js';

const ACCOUNT = '111122223333';
let sim: Simulator;
beforeAll(async () => {
  sim = await startSimulator({
    scenario: {
      account: ACCOUNT,
      ecr: {
        repositories: [
          { name: 'legacy', imageTagMutability: 'MUTABLE', scanOnPush: false },
          { name: 'shared', region: 'eu-west-1', imageTagMutability: 'IMMUTABLE', scanOnPush: true },
        ],
      },
    },
  });
});
afterAll(() => sim.close());

const run = (inputs: Record<string, string>) =>
  runAction('ecr-repository', { inputs, env: simulatorEnv(sim) });

test('a missing repository is created with scan on push, immutable tags, KMS and an exempt cache tag', async () => {
  const r = await run({
    repository: 'team/api',
    encryption: 'KMS',
    'kms-key': 'alias/ecr',
    'mutable-tags': 'buildcache, cache-*',
  });
  expect(r.errors).toEqual([]);
  expect(r.outputs).toEqual({
    'repository-uri': `${ACCOUNT}.dkr.ecr.us-east-1.amazonaws.com/team/api`,
    'repository-arn': `arn:aws:ecr:us-east-1:${ACCOUNT}:repository/team/api`,
    'registry-id': ACCOUNT,
    region: 'us-east-1',
    created: 'true',
    'tag-mutability': 'IMMUTABLE_WITH_EXCLUSION',
    'mutable-tags': 'buildcache,cache-*',
  });
  expect(ecrState(sim).repositories.find((x) => x.name === 'team/api')).toMatchObject({
    scanOnPush: true,
    encryptionType: 'KMS',
    kmsKey: 'alias/ecr',
  });
  expect(r.summary).toContain('ecr/repositories/private/111122223333/team/api');
});

test('an existing repository is left as it is, and how it differs from the inputs is said', async () => {
  const r = await run({ repository: 'legacy' });
  expect(r.outputs['created']).toBe('false');
  expect(r.outputs['tag-mutability']).toBe('MUTABLE');
  expect(r.warnings).toEqual([
    expect.stringMatching(
      /already existed and is left as it is.*scan on push is off \(asked: on\); tags are MUTABLE \(asked: IMMUTABLE\)/,
    ),
  ]);
  expect(sim.calls('CreateRepository', { ok: true })).toHaveLength(1);
});

test('a repository URI gives the account and region', async () => {
  sim.requests.length = 0;
  const r = await run({
    repository: `${ACCOUNT}.dkr.ecr.eu-west-1.amazonaws.com/shared`,
    'if-missing': 'fail',
  });
  expect(r.errors).toEqual([]);
  expect(r.outputs['region']).toBe('eu-west-1');
  expect(sim.requests.map((q) => [q.operation, q.region])).toEqual([['DescribeRepositories', 'eu-west-1']]);
});

test('another job creating it at the same moment is no failure: the repository it made is used', async () => {
  // Our look finds nothing; by the time we create, the other job has made it.
  sim.addFault({
    service: 'ecr',
    operation: 'DescribeRepositories',
    kind: 'error',
    status: 400,
    type: 'RepositoryNotFoundException',
    message: "The repository with name 'legacy' does not exist",
    count: 1,
  });
  const r = await run({ repository: 'legacy', 'scan-on-push': 'false', 'tag-mutability': 'MUTABLE' });
  expect(r.errors).toEqual([]);
  expect(r.outputs['created']).toBe('false');
  expect(r.warnings).toEqual([]);
});

test('if-missing: fail names the repository, the registry and the way out', async () => {
  const r = await run({ repository: 'nothere', 'if-missing': 'fail' });
  expect(r.exitCode).toBe(1);
  expect(r.errors).toEqual([
    "The ECR repository 'nothere' does not exist in this account's registry in us-east-1. Create it, or let the step create it (ecr-repository: if-missing: create; build-and-push: create-repository: true).",
  ]);
});

test('a missing permission names the IAM action', async () => {
  sim.scenario.principals = { AKIANOCREATE: { deny: ['ecr:CreateRepository'] } };
  const r = await runAction('ecr-repository', {
    inputs: { repository: 'web' },
    env: { ...simulatorEnv(sim), AWS_ACCESS_KEY_ID: 'AKIANOCREATE' },
  });
  expect(r.errors[0]).toMatch(/ecr:CreateRepository/);
  delete sim.scenario.principals;
});

test.each([
  [{ repository: 'Web' }, /Input 'repository' has the value "Web", which is not accepted: a repository name/],
  [{ repository: 'web:latest' }, /without a tag or digest: web/],
  [{ repository: 'public.ecr.aws/x/web' }, /Input 'repository'/],
  [{ repository: 'web', registry: 'public.ecr.aws' }, /ECR Public repositories are not supported/],
  [{ repository: 'web', 'tag-mutability': 'immutable' }, /did you mean 'IMMUTABLE'/],
  [{ repository: 'web', 'if-missing': 'skip' }, /Input 'if-missing' has the value "skip".*create, fail/],
  [{ repository: 'web', 'scan-on-push': 'on' }, /Input 'scan-on-push' has the value "on"/],
  [{ repository: 'web', encryption: 'DSSE' }, /Input 'encryption' has the value "DSSE".*AES256, KMS/],
  [{ repository: 'web', encryption: 'KMS', 'kms-key': 'my key' }, /Input 'kms-key' has the value "my key"/],
  [{ repository: 'web', region: 'mars-1' }, /Input 'region' has the value "mars-1"/],
  [{ repository: 'web', 'kms-key': 'alias/x' }, /input 'encryption' is AES256/],
  [{ repository: 'web', 'mutable-tags': '*' }, /Input 'mutable-tags' item 1 "\*"/],
  [
    { repository: `${ACCOUNT}.dkr.ecr.us-east-1.amazonaws.com/web`, registry: ACCOUNT },
    /leave input 'registry' empty/,
  ],
] as [Record<string, string>, RegExp][])(
  'bad input %j: one message, no AWS call',
  async (inputs, message) => {
    sim.requests.length = 0;
    const r = await run(inputs);
    expect(r.exitCode).toBe(1);
    expect(r.errors).toHaveLength(1);
    expect(r.errors[0]).toMatch(message);
    expect(sim.requests).toEqual([]);
  },
);
