import { afterAll, beforeAll, beforeEach, describe, expect, test } from '@jest/globals';
import { runAction, startAction } from '../harness/runner.js';
import { imageBuilderState } from '../simulator/services/imagebuilder.js';
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
          { name: 'ecs-disabled', recipe: 'other/2.0.0', status: 'DISABLED' },
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

  test('a pipeline given by name; a retried step with the same run attempt does not start a second build', async () => {
    const e = env();
    const first = await runAction('image-pipeline', {
      inputs: { pipeline: 'ecs-node', wait: 'false' },
      env: e,
    });
    const again = await runAction('image-pipeline', {
      inputs: { pipeline: 'ecs-node', wait: 'false' },
      env: e,
    });
    expect(first.errors).toEqual([]);
    expect(again.outputs['image-arn']).toBe(first.outputs['image-arn']);
    expect(first.outputs['status']).toBe('PENDING');
    const builds = imageBuilderState(sim).builds.filter((b) => b.arn === first.outputs['image-arn']);
    expect(builds).toHaveLength(1);
    // A later step waits for it by ARN.
    const wait = await runAction('image-pipeline', {
      inputs: { 'image-arn': first.outputs['image-arn']!, ...fast },
      env: e,
    });
    expect(wait.outputs['status']).toBe('AVAILABLE');
  });

  test('moves the recipe to a new parent: next version by number, everything else copied, the pipeline re-sent whole', async () => {
    const before = structuredClone(
      imageBuilderState(sim).pipelines.find((p) => p.name === 'ecs-node')!.fields,
    );
    const r = await runAction('image-pipeline', {
      inputs: { pipeline: arn('image-pipeline', 'ecs-node'), 'parent-image': PARENT_NEW, wait: 'false' },
      env: env(),
    });
    expect(r.errors).toEqual([]);
    expect(r.outputs['recipe-arn']).toBe(arn('image-recipe', 'ecs-node/1.0.11'));
    const state = imageBuilderState(sim);
    const recipe = state.recipes.find((x) => x.arn === r.outputs['recipe-arn'])!;
    const old = state.recipes.find((x) => x.arn === arn('image-recipe', 'ecs-node/1.0.10'))!;
    expect(recipe.parentImage).toBe(PARENT_NEW);
    expect(recipe.components).toEqual(old.components);
    expect(recipe.rest).toEqual(old.rest);
    const after = state.pipelines.find((p) => p.name === 'ecs-node')!.fields;
    expect(after).toEqual({ ...before, imageRecipeArn: recipe.arn });
    expect(r.outputs['image-arn']).toMatch(/image\/ecs-node\/1\.0\.11\/1$/);

    // The same parent again: nothing to move.
    const again = await runAction('image-pipeline', {
      inputs: { pipeline: arn('image-pipeline', 'ecs-node'), 'parent-image': PARENT_NEW, wait: 'false' },
      env: env(),
    });
    expect(again.outputs['recipe-arn']).toBeUndefined();
    expect(sim.calls('CreateImageRecipe')).toHaveLength(1);
  });

  test('a recipe version collision says what happened', async () => {
    sim.addFault({
      operation: 'CreateImageRecipe',
      kind: 'error',
      status: 400,
      type: 'ResourceAlreadyExistsException',
      message: 'exists',
      count: 1,
    });
    const r = await runAction('image-pipeline', {
      inputs: {
        pipeline: arn('image-pipeline', 'ecs-node'),
        'parent-image': 'ami-0123456789abcdef0',
        wait: 'false',
      },
      env: env(),
    });
    expect(r.errors[0]).toMatch(
      /^Recipe ecs-node version 1\.0\.\d+ already exists: another run may have moved this recipe at the same moment/,
    );
    expect(sim.calls('StartImagePipelineExecution')).toHaveLength(0);
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

  test('a build that never finishes fails at the deadline with the last state seen', async () => {
    const r = await runAction('image-pipeline', {
      inputs: { pipeline: arn('image-pipeline', 'ecs-stuck'), timeout: '3s', ...fast },
      env: env(),
    });
    expect(r.exitCode).toBe(1);
    expect(r.errors[0]).toMatch(
      /^Gave up waiting for image build after [34]s; it was still BUILDING\. The build goes on in Image Builder: arn:.*Raise 'timeout'/,
    );
  });

  test('throttling during polling (CallRateLimitExceededException, 429) is retried and the wait goes on', async () => {
    sim.addFault({
      operation: 'GetImage',
      kind: 'error',
      status: 429,
      type: 'CallRateLimitExceededException',
      message: 'You have exceeded the permitted request rate for the specific operation.',
      count: 3,
    });
    const r = await runAction('image-pipeline', {
      inputs: { pipeline: arn('image-pipeline', 'ecs-node'), ...fast },
      env: env(),
    });
    expect(r.errors).toEqual([]);
    expect(sim.calls('GetImage').filter((c) => c.status === 429)).toHaveLength(3);
  });

  test.each([
    ['with cancel-on-abort, the build is cancelled', 'true', 1],
    ['without it, the build goes on', 'false', 0],
  ])('SIGTERM while waiting: %s', async (_name, cancel, cancels) => {
    const started = await startAction('image-pipeline', {
      inputs: { pipeline: arn('image-pipeline', 'ecs-stuck'), 'cancel-on-abort': cancel, ...fast },
      env: env(),
    });
    for (let i = 0; i < 100 && !started.output().includes('image build: BUILDING'); i++)
      await new Promise((r) => setTimeout(r, 100));
    started.child.kill('SIGTERM');
    const result = await started.done;
    expect(result.exitCode).toBe(1);
    expect(result.errors[0]).toMatch(/^Stopped waiting for image build: the job was cancelled \(SIGTERM\)\./);
    expect(result.errors[0]).toContain(
      cancel === 'true' ? 'Cancelled the image build' : 'The image build goes on',
    );
    expect(sim.calls('CancelImageCreation', { ok: true })).toHaveLength(cancels);
  });
});

describe('image-pipeline refuses what it cannot do before starting anything', () => {
  test('a DISABLED pipeline', async () => {
    const r = await runAction('image-pipeline', { inputs: { pipeline: 'ecs-disabled' }, env: env() });
    expect(r.errors[0]).toMatch(/^The image pipeline arn:.*ecs-disabled is DISABLED\. Enable it/);
    expect(sim.calls('StartImagePipelineExecution')).toHaveLength(0);
  });

  test('a pipeline that does not exist, by name and by ARN, names the region', async () => {
    const byName = await runAction('image-pipeline', { inputs: { pipeline: 'nope' }, env: env() });
    expect(byName.errors[0]).toBe(
      'There is no image pipeline named "nope" in us-east-1. Check the name, or give the pipeline\'s ARN (its region is part of it).',
    );
    const byArn = await runAction('image-pipeline', {
      inputs: { pipeline: 'arn:aws:imagebuilder:eu-north-1:111122223333:image-pipeline/nope' },
      env: env(),
    });
    expect(byArn.errors[0]).toMatch(/does not exist in eu-north-1/);
  });

  test('the same client token for another pipeline is refused by Image Builder, and said so', async () => {
    const e = env();
    await runAction('image-pipeline', {
      inputs: { pipeline: 'ecs-node', wait: 'false', 'client-token': 'fixed-token' },
      env: e,
    });
    const r = await runAction('image-pipeline', {
      inputs: { pipeline: 'ecs-broken', wait: 'false', 'client-token': 'fixed-token' },
      env: e,
    });
    expect(r.errors[0]).toMatch(/IdempotentParameterMismatchException/);
  });

  test.each([
    [{}, /Give either input 'pipeline' \(to start a build\) or input 'image-arn'/],
    [
      {
        pipeline: 'ecs-node',
        'image-arn': 'arn:aws:imagebuilder:us-east-1:111122223333:image/ecs-node/1.0.10/1',
      },
      /not both and not neither/,
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
      { pipeline: 'ecs-node', 'client-token': 'x'.repeat(65) },
      /Input 'client-token' .* 1 to 64 printable characters/,
    ],
  ] as [Record<string, string>, RegExp][])('%j', async (inputs, message) => {
    const r = await runAction('image-pipeline', { inputs, env: env() });
    expect(r.exitCode).toBe(1);
    expect(r.errors[0]).toMatch(message);
    expect(sim.requests).toEqual([]);
  });

  test('parent-image with update-recipe false fails instead of building on the old parent', async () => {
    const r = await runAction('image-pipeline', {
      inputs: { pipeline: 'ecs-node', 'parent-image': 'ami-0123456789abcdef0', 'update-recipe': 'false' },
      env: env(),
    });
    expect(r.errors[0]).toMatch(/'update-recipe' is false/);
    expect(sim.calls('StartImagePipelineExecution')).toHaveLength(0);
  });
});
