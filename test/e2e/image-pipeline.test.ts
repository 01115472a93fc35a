import { afterAll, beforeAll, beforeEach, describe, expect, test } from '@jest/globals';
import { runAction, startAction } from '../harness/runner.js';
import { type Simulator, simulatorEnv, startSimulator } from '../simulator/server.js';

const REGION = 'us-east-1';
const ACCOUNT = '111122223333';
const arn = (kind: string, name: string) => `arn:aws:imagebuilder:${REGION}:${ACCOUNT}:${kind}/${name}`;
const PARENT_OLD = `arn:aws:imagebuilder:${REGION}:aws:image/amazon-linux-2023-ecs-optimized-x86/2025.10.3`;
const PARENT_NEW = `arn:aws:imagebuilder:${REGION}:aws:image/amazon-linux-2023-ecs-optimized-x86/2025.11.4`;
// Each phase outlasts the 1s poll interval the tests use, so every state is seen at least once.
const QUICK: [string, number][] = [
  ['PENDING', 1300],
  ['BUILDING', 1300],
  ['TESTING', 1300],
  ['DISTRIBUTING', 1300],
];

let sim: Simulator;
beforeAll(async () => {
  sim = await startSimulator({
    scenario: {
      account: ACCOUNT,
      imagebuilder: {
        recipes: [
          // 1.0.9 and 1.0.10: a string sort would call 1.0.9 the newest and collide on 1.0.10.
          { name: 'ecs-node', version: '1.0.9', parentImage: PARENT_OLD },
          { name: 'ecs-node', version: '1.0.10', parentImage: PARENT_OLD },
          { name: 'other', version: '2.0.0', parentImage: PARENT_OLD },
        ],
        pipelines: [
          {
            name: 'ecs-node',
            recipe: 'ecs-node/1.0.10',
            distributionRegions: [REGION, 'eu-west-1'],
            build: { phases: QUICK },
          },
          {
            name: 'ecs-broken',
            recipe: 'other/2.0.0',
            build: {
              phases: QUICK.slice(0, 2),
              outcome: { failed: 'Step ExecuteBash failed: yum could not reach the mirror' },
            },
          },
          {
            name: 'ecs-stuck',
            recipe: 'other/2.0.0',
            build: { phases: [['BUILDING', 60_000]], outcome: 'HANG' },
          },
        ],
      },
    },
  });
});
afterAll(() => sim.close());
beforeEach(() => {
  sim.requests.length = 0;
  sim.clearFaults();
});

let run = 0;
/** Each test is its own workflow run, so derived client tokens differ between tests. */
const env = (extra: Record<string, string> = {}) => ({
  ...simulatorEnv(sim, REGION),
  GITHUB_RUN_ID: `${Date.now()}${++run}`,
  GITHUB_RUN_ATTEMPT: '1',
  ...extra,
});
const fast = { 'poll-interval': '1s' };

describe('image-pipeline, run from dist', () => {
  test('starts the pipeline, logs each state once, and outputs the AMIs of every region', async () => {
    const r = await runAction('image-pipeline', {
      inputs: { pipeline: arn('image-pipeline', 'ecs-node'), ...fast },
      env: env(),
    });
    expect(r.errors).toEqual([]);
    const imageArn = `arn:aws:imagebuilder:${REGION}:${ACCOUNT}:image/ecs-node/1.0.10/1`;
    expect(r.outputs).toMatchObject({
      'image-arn': imageArn,
      'image-version': '1.0.10/1',
      status: 'AVAILABLE',
    });
    const amis = JSON.parse(r.outputs['amis']!) as { region: string; image: string }[];
    expect(amis.map((a) => a.region)).toEqual([REGION, 'eu-west-1']);
    expect(r.outputs['ami-id']).toBe(amis[0]!.image);
    const states = r.stdout.split('\n').filter((l) => l.startsWith('image build: '));
    expect(states.map((l) => l.replace(/ \[.*$/, '').replace(/ after.*$/, ''))).toEqual([
      'image build: PENDING',
      'image build: BUILDING',
      'image build: TESTING',
      'image build: DISTRIBUTING',
      'image build: done',
    ]);
    expect(r.summary).toContain('eu-west-1');
    expect(sim.calls('StartImagePipelineExecution')).toHaveLength(1);
  });

  test('moves the recipe to a new parent and says so in recipe-arn', async () => {
    const r = await runAction('image-pipeline', {
      inputs: { pipeline: 'ecs-node', 'parent-image': PARENT_NEW, wait: 'false' },
      env: env(),
    });
    expect(r.errors).toEqual([]);
    expect(r.outputs).toEqual({
      'recipe-arn': arn('image-recipe', 'ecs-node/1.0.11'),
      'image-arn': arn('image', 'ecs-node/1.0.11/1'),
      'image-version': '1.0.11/1',
      status: 'PENDING',
    });
  });

  test('a FAILED build fails the step with AWS reason, the console link and the log group', async () => {
    const r = await runAction('image-pipeline', {
      inputs: { pipeline: arn('image-pipeline', 'ecs-broken'), ...fast },
      env: env(),
    });
    expect(r.exitCode).toBe(1);
    expect(r.errors[0]).toMatch(
      /^The image build arn:aws:imagebuilder:us-east-1:111122223333:image\/other\/2\.0\.0\/\d+ ended FAILED: Step ExecuteBash failed: yum could not reach the mirror\. Image: https:\/\/us-east-1\.console\.aws\.amazon\.com\/imagebuilder\/home\?region=us-east-1#\/images\/.*\/details — logs in the CloudWatch log group \/aws\/imagebuilder\/other \(us-east-1\)\.$/,
    );
    expect(r.outputs['status']).toBe('FAILED');
    expect(r.summary).toContain('Image build failed');
  });

  // The job's cancellation reaches the core as an AbortSignal; what the core does with it is tested in process.
  test('SIGTERM while waiting, with cancel-on-abort: the build is cancelled', async () => {
    const started = await startAction('image-pipeline', {
      inputs: { pipeline: arn('image-pipeline', 'ecs-stuck'), 'cancel-on-abort': 'true', ...fast },
      env: env(),
    });
    for (let i = 0; i < 100 && !started.output().includes('image build: BUILDING'); i++)
      await new Promise((r) => setTimeout(r, 100));
    started.child.kill('SIGTERM');
    const result = await started.done;
    expect(result.exitCode).toBe(1);
    expect(result.errors[0]).toMatch(
      /^Stopped waiting for image build: the job was cancelled \(SIGTERM\)\..* Cancelled the image build arn:.*\(cancel-on-abort\)\.$/,
    );
    expect(sim.calls('CancelImageCreation', { ok: true })).toHaveLength(1);
  });
});

describe('image-pipeline refuses bad input before any AWS call', () => {
  test.each([
    [{}, /Give either input 'pipeline' \(to start a build\) or input 'image-arn'/],
    [
      {
        pipeline: 'arn:aws:imagebuilder:eu-west-1:111122223333:image-pipeline/ecs-node',
        region: 'us-east-1',
      },
      /^Input 'pipeline' is an ARN in eu-west-1, but input 'region' is us-east-1/,
    ],
    [
      { pipeline: 'arn:aws:imagebuilder:us-east-1:111122223333:image-pipeline/' },
      /Input 'pipeline' has the value .* an image pipeline ARN/,
    ],
    [
      { 'image-arn': 'arn:aws:imagebuilder:us-east-1:111122223333:image/ecs-node/1.0.10' },
      /Input 'image-arn' .*expected an image build ARN/,
    ],
    [
      { pipeline: 'ecs-node', 'parent-image': 'latest' },
      /Input 'parent-image' has the value "latest", which is not accepted: expected an Image Builder image ARN, an AMI ID/,
    ],
    [
      { pipeline: 'ecs-node', timeout: '90' },
      /Input 'timeout' has the value "90", which is not accepted: a duration from 1s to 6h with a unit/,
    ],
    [{ pipeline: 'ecs-node', 'poll-interval': '10m' }, /Input 'poll-interval' has the value "10m"/],
    [{ pipeline: 'ecs-node', wait: 'maybe' }, /Input 'wait' has the value "maybe"/],
    [
      { pipeline: 'ecs-node', 'client-token': 'x'.repeat(37) },
      /Input 'client-token' .* 1 to 36 printable characters/,
    ],
  ] as [Record<string, string>, RegExp][])('%j', async (inputs, message) => {
    const r = await runAction('image-pipeline', { inputs, env: env() });
    expect(r.exitCode).toBe(1);
    expect(r.errors[0]).toMatch(message);
    expect(sim.requests).toEqual([]);
  });
});
