// ecr-repository from its bundle against the simulator: smoke tests of the bundle as the runner runs it
// (created, refused, bad input stopped before AWS). The logic cases are in
// test/integration/ecr-repository-core.test.ts.
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
  expect(r.stdout).toContain('tags IMMUTABLE_WITH_EXCLUSION: buildcache, cache-* movable');
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
  [{ repository: 'web', 'kms-key': 'alias/x' }, /input 'encryption' is AES256/],
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
