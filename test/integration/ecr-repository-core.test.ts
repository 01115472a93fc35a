// ecr-repository's core in process — plan and run against the simulator through the real SDK. Settings
// come from the action's own input spec, so they are what the shell gives.
import { afterAll, beforeAll, beforeEach, describe, expect, test } from '@jest/globals';
import { ECRClient } from '@aws-sdk/client-ecr';
import { inputs, outputsOf } from '../../src/actions/ecr-repository/action.js';
import { createClient, resolveRegion } from '../../src/aws/client.js';
import { planRepository } from '../../src/ecr/repository-plan.js';
import { type RepositoryReport, runRepository } from '../../src/ecr/repository-run.js';
import { readInputs } from '../../src/github/inputs.js';
import { captureLog } from '../harness/core.js';
import { type Simulator, simulatorEnv, startSimulator } from '../simulator/server.js';
import { ecrState } from '../simulator/services/ecr.js';

const ACCOUNT = '111122223333';
let sim: Simulator;
const saved = { ...process.env };
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
afterAll(async () => {
  process.env = saved;
  await sim.close();
});
beforeEach(() => {
  sim.requests.length = 0;
  sim.clearFaults();
});

/** Reads the raw inputs through the action's spec, then plans and runs as the shell does. */
async function ensure(raw: Record<string, string>, key = 'AKIASIMULATOR') {
  const { log, lines, warnings } = captureLog();
  const env = { ...simulatorEnv(sim, 'us-east-1', key), AWS_MAX_ATTEMPTS: '1' };
  Object.assign(process.env, env);
  let report: RepositoryReport | undefined;
  try {
    const plan = planRepository(
      readInputs(inputs, (name) => raw[name]),
      env,
    );
    const region = resolveRegion(plan.region, env);
    report = { region, name: plan.wanted.name };
    const ecr = createClient(ECRClient, { region, action: 'test', env });
    await runRepository(plan, { ecr, region, log }, report);
    return { report, outputs: outputsOf(report), lines, warnings };
  } catch (error) {
    return { report, lines, warnings, error: error as Error };
  }
}

describe('found or created', () => {
  test('a missing repository is created with scan on push, immutable tags with an exempt cache tag, KMS; the log says so', async () => {
    const r = await ensure({
      repository: 'team/api',
      encryption: 'KMS',
      'kms-key': 'alias/ecr',
      'mutable-tags': 'buildcache, cache-*',
    });
    expect(r.error).toBeUndefined();
    expect(r.outputs).toEqual({
      'repository-uri': `${ACCOUNT}.dkr.ecr.us-east-1.amazonaws.com/team/api`,
      'repository-arn': `arn:aws:ecr:us-east-1:${ACCOUNT}:repository/team/api`,
      'registry-id': ACCOUNT,
      region: 'us-east-1',
      created: 'true',
      'tag-mutability': 'IMMUTABLE_WITH_EXCLUSION',
      'mutable-tags': 'buildcache,cache-*',
    });
    expect(r.lines).toEqual([
      `Created ${ACCOUNT}.dkr.ecr.us-east-1.amazonaws.com/team/api (scan on push on, tags IMMUTABLE_WITH_EXCLUSION: buildcache, cache-* movable, KMS (alias/ecr)).`,
    ]);
    expect(ecrState(sim).repositories.find((x) => x.name === 'team/api')).toMatchObject({
      scanOnPush: true,
      encryptionType: 'KMS',
      kmsKey: 'alias/ecr',
    });
  });

  test('without exempt tags the log names the plain mutability', async () => {
    const r = await ensure({ repository: 'plain', 'scan-on-push': 'false' });
    expect(r.error).toBeUndefined();
    expect(r.lines).toEqual([
      `Created ${ACCOUNT}.dkr.ecr.us-east-1.amazonaws.com/plain (scan on push off, tags IMMUTABLE, AES256).`,
    ]);
  });

  test('MUTABLE with mutable-tags (build-and-push passes its cache tag): a MUTABLE repository, not one whose cache tag is immutable', async () => {
    const r = await ensure({
      repository: 'movable',
      'tag-mutability': 'MUTABLE',
      'mutable-tags': 'buildcache',
    });
    expect(r.error).toBeUndefined();
    expect(sim.calls('CreateRepository')[0]!.params['imageTagMutability']).toBe('MUTABLE');
    expect(sim.calls('CreateRepository')[0]!.params['imageTagMutabilityExclusionFilters']).toBeUndefined();
    expect(r.outputs).toMatchObject({ 'tag-mutability': 'MUTABLE', 'mutable-tags': '' });
    expect(r.lines[0]).toMatch(/tags MUTABLE, AES256\)\.$/);
  });

  test('an existing repository is left as it is, and how it differs from the inputs is said', async () => {
    const r = await ensure({ repository: 'legacy' });
    expect(r.outputs).toMatchObject({ created: 'false', 'tag-mutability': 'MUTABLE' });
    expect(r.lines).toEqual([`Found ${ACCOUNT}.dkr.ecr.us-east-1.amazonaws.com/legacy (tags MUTABLE).`]);
    expect(r.warnings).toEqual([
      expect.stringMatching(
        /already existed and is left as it is.*scan on push is off \(asked: on\); tags are MUTABLE \(asked: IMMUTABLE\)/,
      ),
    ]);
    expect(sim.calls('CreateRepository')).toHaveLength(0);
  });

  test('a repository URI gives the account and region', async () => {
    const r = await ensure({
      repository: `${ACCOUNT}.dkr.ecr.eu-west-1.amazonaws.com/shared`,
      'if-missing': 'fail',
    });
    expect(r.error).toBeUndefined();
    expect(r.outputs?.region).toBe('eu-west-1');
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
    const r = await ensure({ repository: 'legacy', 'scan-on-push': 'false', 'tag-mutability': 'MUTABLE' });
    expect(r.error).toBeUndefined();
    expect(r.outputs?.created).toBe('false');
    expect(r.warnings).toEqual([]);
  });
});

describe('refused', () => {
  test('if-missing: fail names the repository, the registry and the way out', async () => {
    const r = await ensure({ repository: 'nothere', 'if-missing': 'fail' });
    expect(r.error?.message).toBe(
      "The ECR repository 'nothere' does not exist in this account's registry in us-east-1. Create it, or let the step create it (ecr-repository: if-missing: create; build-and-push: create-repository: true).",
    );
    expect(r.report?.repository).toBeUndefined();
  });

  test('a missing permission is the AWS error, tagged with the IAM action', async () => {
    sim.scenario.principals = { AKIANOCREATE: { deny: ['ecr:CreateRepository'] } };
    const r = await ensure({ repository: 'web' }, 'AKIANOCREATE');
    delete sim.scenario.principals;
    expect(r.error?.name).toBe('AccessDeniedException');
    expect(r.error?.message).toMatch(/ecr:CreateRepository/);
  });

  test.each([
    [
      { repository: 'Web' },
      /Input 'repository' has the value "Web", which is not accepted: a repository name/,
    ],
    [{ repository: 'web:latest' }, /without a tag or digest: web/],
    [
      { repository: '111122223333.dkr.ecr.eu-west-1.amazonaws.com/web', region: 'us-east-1' },
      /^The repository URI is in eu-west-1, but input 'region' is us-east-1: leave 'region' out/,
    ],
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
  ] as [Record<string, string>, RegExp][])('bad input %j: one message, no AWS call', async (raw, message) => {
    const r = await ensure(raw);
    expect(r.error?.message).toMatch(message);
    expect(sim.requests).toEqual([]);
  });
});
