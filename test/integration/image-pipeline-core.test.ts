// image-pipeline's core in process — plan and run against the simulator through the real SDK, on a
// virtual clock shared by both — so that builds of many minutes are followed in a moment.
import { afterAll, beforeAll, beforeEach, describe, expect, test } from '@jest/globals';
import { ImagebuilderClient } from '@aws-sdk/client-imagebuilder';
import { createClient } from '../../src/aws/client.js';
import { UserError } from '../../src/errors.js';
import { type PipelineSettings, planPipeline } from '../../src/imagebuilder/pipeline-plan.js';
import { newPipelineReport, type PipelineReport, runPipeline } from '../../src/imagebuilder/pipeline-run.js';
import { captureLog, virtualClock } from '../harness/core.js';
import { imageBuilderState } from '../simulator/services/imagebuilder.js';
import { type Simulator, simulatorEnv, startSimulator } from '../simulator/server.js';

const REGION = 'us-east-1';
const ACCOUNT = '111122223333';
const MIN = 60_000;
const arn = (kind: string, name: string, region = REGION) =>
  `arn:aws:imagebuilder:${region}:${ACCOUNT}:${kind}/${name}`;
const PARENT_OLD = `arn:aws:imagebuilder:${REGION}:aws:image/amazon-linux-2023-ecs-optimized-x86/2025.10.3`;
const PARENT_NEW = `arn:aws:imagebuilder:${REGION}:aws:image/amazon-linux-2023-ecs-optimized-x86/2025.11.4`;
const PHASES: [string, number][] = [
  ['PENDING', 2 * MIN],
  ['BUILDING', 20 * MIN],
  ['TESTING', 10 * MIN],
  ['DISTRIBUTING', 8 * MIN],
];

const time = virtualClock();
let sim: Simulator;
const saved = { ...process.env };

beforeAll(async () => {
  sim = await startSimulator({
    clock: time.now,
    scenario: {
      account: ACCOUNT,
      imagebuilder: {
        recipes: [
          // 1.0.9 and 1.0.10: a string sort would call 1.0.9 the newest and collide on 1.0.10.
          { name: 'ecs-node', version: '1.0.9', parentImage: PARENT_OLD },
          { name: 'ecs-node', version: '1.0.10', parentImage: PARENT_OLD },
          { name: 'twice', version: '1.0.0', parentImage: PARENT_OLD },
          { name: 'mine', version: '1.0.0', parentImage: PARENT_OLD },
          { name: 'other', version: '2.0.0', parentImage: PARENT_OLD },
        ],
        pipelines: [
          {
            name: 'ecs-node',
            recipe: 'ecs-node/1.0.10',
            distributionRegions: [REGION, 'eu-west-1'],
            build: { phases: PHASES },
          },
          { name: 'twice', recipe: 'twice/1.0.0', build: { phases: PHASES } },
          { name: 'mine', recipe: 'mine/1.0.0', build: { phases: PHASES } },
          {
            name: 'ecs-broken',
            recipe: 'other/2.0.0',
            build: {
              phases: PHASES.slice(0, 2),
              outcome: { failed: 'Step ExecuteBash failed: yum could not reach the mirror' },
            },
          },
          {
            name: 'ecs-stuck',
            recipe: 'other/2.0.0',
            build: { phases: [['BUILDING', 600 * MIN]], outcome: 'HANG' },
          },
          { name: 'ecs-disabled', recipe: 'other/2.0.0', status: 'DISABLED' },
        ],
      },
    },
  });
  // The SDK reads endpoints and credentials from process.env.
  Object.assign(process.env, simulatorEnv(sim, REGION));
});
afterAll(async () => {
  process.env = saved;
  await sim.close();
});
beforeEach(() => {
  sim.requests.length = 0;
  sim.clearFaults();
});

function settings(over: Partial<PipelineSettings> = {}): PipelineSettings {
  return {
    pipeline: undefined,
    'image-arn': undefined,
    'parent-image': undefined,
    'update-recipe': true,
    wait: true,
    timeout: 2 * 60 * MIN,
    'poll-interval': 30_000,
    'cancel-on-abort': false,
    'client-token': undefined,
    region: undefined,
    ...over,
  };
}

let runs = 0;
/** A workflow run of its own (so derived tokens differ between tests), attempt 1 unless said. */
const runEnv = (attempt = '1', run = String(++runs)) => ({ GITHUB_RUN_ID: run, GITHUB_RUN_ATTEMPT: attempt });

/** Plans and runs image-pipeline as the action does, on the virtual clock; the report and the log come back. */
async function pipeline(
  over: Partial<PipelineSettings>,
  o: { env?: Record<string, string>; signal?: AbortSignal; capture?: ReturnType<typeof captureLog> } = {},
): Promise<{ report: PipelineReport; lines: string[]; error?: Error }> {
  const { log, lines } = o.capture ?? captureLog();
  const report = newPipelineReport();
  try {
    const plan = planPipeline(settings(over), o.env ?? runEnv());
    const region = plan.region ?? REGION;
    await runPipeline(
      plan,
      {
        imagebuilder: createClient(ImagebuilderClient, {
          region,
          action: 'test',
          env: simulatorEnv(sim, region),
        }),
        region,
        log,
        clock: time.clock,
        ...(o.signal ? { signal: o.signal } : {}),
      },
      report,
    );
    return { report, lines };
  } catch (error) {
    return { report, lines, error: error as Error };
  }
}

/** Every client token sent so far, with the parameters it went with: one set of parameters per token. */
function tokensSent(): Map<string, Set<string>> {
  const seen = new Map<string, Set<string>>();
  for (const r of sim.requests) {
    const { clientToken, ...rest } = r.params;
    if (typeof clientToken !== 'string') continue;
    const key = `${r.operation} ${clientToken}`;
    seen.set(key, (seen.get(key) ?? new Set()).add(JSON.stringify(rest)));
  }
  return seen;
}

describe('the plan', () => {
  test.each([
    [
      {},
      /^Give either input 'pipeline' \(to start a build\) or input 'image-arn'.*not both and not neither\.$/,
    ],
    [{ pipeline: 'ecs-node', 'image-arn': arn('image', 'ecs-node/1.0.10/1') }, /not both and not neither/],
    [
      { 'image-arn': arn('image', 'ecs-node/1.0.10/1'), 'parent-image': PARENT_NEW },
      /^Input 'parent-image' moves a pipeline's recipe before a build; it has no meaning with 'image-arn'\.$/,
    ],
    [
      { pipeline: 'ecs-node', 'parent-image': 'ami-0123456789abcdef0', 'update-recipe': false },
      /^Input 'parent-image' is ami-0123456789abcdef0 but 'update-recipe' is false: the pipeline would build on its recipe's own parent\./,
    ],
  ] as [Partial<PipelineSettings>, RegExp][])('refuses %j', (over, message) => {
    expect(() => planPipeline(settings(over), runEnv())).toThrow(message);
    expect(() => planPipeline(settings(over), runEnv())).toThrow(UserError);
  });

  test("a pipeline or image ARN's region decides; a disagreeing region input is refused with both named", () => {
    const byArn = arn('image-pipeline', 'ecs-node', 'eu-west-1');
    expect(planPipeline(settings({ pipeline: byArn }), {}).region).toBe('eu-west-1');
    expect(planPipeline(settings({ pipeline: byArn, region: 'eu-west-1' }), {}).region).toBe('eu-west-1');
    expect(() => planPipeline(settings({ pipeline: byArn, region: 'us-east-1' }), {})).toThrow(
      "Input 'pipeline' is an ARN in eu-west-1, but input 'region' is us-east-1: leave 'region' out, or give the pipeline of that region.",
    );
    const image = arn('image', 'ecs-node/1.0.10/1', 'ap-south-1');
    expect(planPipeline(settings({ 'image-arn': image }), {}).region).toBe('ap-south-1');
    expect(() => planPipeline(settings({ 'image-arn': image, region: 'us-east-1' }), {})).toThrow(
      "Input 'image-arn' is an ARN in ap-south-1, but input 'region' is us-east-1",
    );
    // A name has no region of its own: the input's, else the environment's (the shell's).
    expect(planPipeline(settings({ pipeline: 'ecs-node', region: 'eu-west-1' }), {}).region).toBe(
      'eu-west-1',
    );
    expect(planPipeline(settings({ pipeline: 'ecs-node' }), {}).region).toBeUndefined();
  });

  test('the token base is the run and its attempt, or the token given; none outside a runner', () => {
    const p = settings({ pipeline: 'ecs-node' });
    expect(planPipeline(p, { GITHUB_RUN_ID: '77', GITHUB_RUN_ATTEMPT: '2' }).tokenBase).toBe('gh-77-2');
    expect(planPipeline(p, { GITHUB_RUN_ID: '77' }).tokenBase).toBe('gh-77-1');
    expect(planPipeline(p, {}).tokenBase).toBeUndefined();
    const given = planPipeline({ ...p, 'client-token': 'mine-1' }, { GITHUB_RUN_ID: '77' });
    expect(given).toMatchObject({ clientToken: 'mine-1', tokenBase: 'mine-1' });
  });
});

describe('a build', () => {
  test('starts the pipeline, logs each state once, and reports the AMIs of every region', async () => {
    const r = await pipeline({ pipeline: arn('image-pipeline', 'ecs-node') });
    expect(r.error).toBeUndefined();
    const imageArn = arn('image', 'ecs-node/1.0.10/1');
    expect(r.report).toMatchObject({ imageArn, status: 'AVAILABLE', outcome: 'available', region: REGION });
    expect(r.report.amis.map((a) => a.region)).toEqual([REGION, 'eu-west-1']);
    expect(r.report.amiId).toBe(r.report.amis[0]!.image);
    const states = r.lines.filter((l) => l.startsWith('image build: '));
    expect(states.map((l) => l.replace(/ \[.*$/, '').replace(/ after.*$/, ''))).toEqual([
      'image build: PENDING',
      'image build: BUILDING',
      'image build: TESTING',
      'image build: DISTRIBUTING',
      'image build: done',
    ]);
    expect(sim.calls('StartImagePipelineExecution')).toHaveLength(1);
  });

  test('by name; a retried step in the same run attempt gets the same build; a new attempt starts another', async () => {
    const env = runEnv();
    const first = await pipeline({ pipeline: 'ecs-node', wait: false }, { env });
    const again = await pipeline({ pipeline: 'ecs-node', wait: false }, { env });
    expect(first.error).toBeUndefined();
    expect(first.report).toMatchObject({ status: 'PENDING', outcome: 'started' });
    expect(again.report.imageArn).toBe(first.report.imageArn);
    expect(imageBuilderState(sim).builds.filter((b) => b.arn === first.report.imageArn)).toHaveLength(1);
    // A later step waits for it by ARN.
    const wait = await pipeline({ 'image-arn': first.report.imageArn! }, { env });
    expect(wait.report).toMatchObject({ status: 'AVAILABLE', imageArn: first.report.imageArn });
    // Re-running the job is a new attempt: a new build.
    const rerun = await pipeline(
      { pipeline: 'ecs-node', wait: false },
      { env: { ...env, GITHUB_RUN_ATTEMPT: '2' } },
    );
    expect(rerun.report.imageArn).not.toBe(first.report.imageArn);
  });

  test('moves the recipe to a new parent: next version by number, everything else copied, the pipeline re-sent whole', async () => {
    const before = structuredClone(
      imageBuilderState(sim).pipelines.find((p) => p.name === 'ecs-node')!.fields,
    );
    const r = await pipeline({
      pipeline: arn('image-pipeline', 'ecs-node'),
      'parent-image': PARENT_NEW,
      wait: false,
    });
    expect(r.error).toBeUndefined();
    expect(r.report.recipeArn).toBe(arn('image-recipe', 'ecs-node/1.0.11'));
    const state = imageBuilderState(sim);
    const recipe = state.recipes.find((x) => x.arn === r.report.recipeArn)!;
    const old = state.recipes.find((x) => x.arn === arn('image-recipe', 'ecs-node/1.0.10'))!;
    expect(recipe.parentImage).toBe(PARENT_NEW);
    expect(recipe.components).toEqual(old.components);
    expect(recipe.rest).toEqual(old.rest);
    expect(state.pipelines.find((p) => p.name === 'ecs-node')!.fields).toEqual({
      ...before,
      imageRecipeArn: recipe.arn,
    });
    expect(r.report.imageArn).toMatch(/image\/ecs-node\/1\.0\.11\/1$/);

    // The same parent again: nothing to move.
    const again = await pipeline({
      pipeline: arn('image-pipeline', 'ecs-node'),
      'parent-image': PARENT_NEW,
      wait: false,
    });
    expect(again.report.recipeArn).toBeUndefined();
    expect(again.lines).toContain(`The recipe ${recipe.arn} already builds on ${PARENT_NEW}.`);
    expect(sim.calls('CreateImageRecipe')).toHaveLength(1);
  });

  test('a recipe version collision says what happened, and nothing is started', async () => {
    sim.addFault({
      operation: 'CreateImageRecipe',
      kind: 'error',
      status: 400,
      type: 'ResourceAlreadyExistsException',
      message: 'exists',
      count: 1,
    });
    const r = await pipeline({ pipeline: 'ecs-node', 'parent-image': 'ami-0123456789abcdef0', wait: false });
    expect(r.error?.message).toMatch(
      /^Recipe ecs-node version 1\.0\.\d+ already exists: another run may have moved this recipe at the same moment/,
    );
    expect(sim.calls('StartImagePipelineExecution')).toHaveLength(0);
  });
});

describe('client tokens', () => {
  test('two parent images in one run attempt: two recipes, two builds, each on its own recipe', async () => {
    const env = runEnv();
    const a = await pipeline(
      { pipeline: 'twice', 'parent-image': 'ami-0123456789abcdef0', wait: false },
      { env },
    );
    const b = await pipeline(
      { pipeline: 'twice', 'parent-image': 'ami-0fedcba9876543210', wait: false },
      { env },
    );
    expect([a.error, b.error]).toEqual([undefined, undefined]);
    expect(a.report.recipeArn).toBe(arn('image-recipe', 'twice/1.0.1'));
    expect(b.report.recipeArn).toBe(arn('image-recipe', 'twice/1.0.2'));
    // The second start is not answered with the first build (on the first parent).
    expect(a.report.imageArn).toBe(arn('image', 'twice/1.0.1/1'));
    expect(b.report.imageArn).toBe(arn('image', 'twice/1.0.2/1'));
    expect(sim.calls('StartImagePipelineExecution', { ok: true })).toHaveLength(2);
  });

  test('two pipelines in one run attempt get tokens of their own; no token ever goes with other parameters', async () => {
    const env = runEnv();
    const node = await pipeline({ pipeline: 'ecs-node', wait: false }, { env });
    const other = await pipeline({ pipeline: 'ecs-broken', wait: false }, { env });
    const moved = await pipeline({ pipeline: 'twice', 'parent-image': PARENT_NEW, wait: false }, { env });
    expect([node.error, other.error, moved.error]).toEqual([undefined, undefined, undefined]);
    expect(node.report.imageArn).not.toBe(other.report.imageArn);
    const sent = tokensSent();
    expect(sent.size).toBe(5); // three starts, one recipe, one pipeline update
    for (const [key, parameters] of sent) expect([key, parameters.size]).toEqual([key, 1]);
    // AWS's API reference gives ClientToken 1 to 36 characters.
    for (const key of sent.keys()) expect(key.split(' ')[1]!.length).toBeLessThanOrEqual(36);
  });

  test('the same token given for another pipeline is refused by Image Builder, and said so in words', async () => {
    const env = runEnv();
    const first = await pipeline(
      { pipeline: 'ecs-node', wait: false, 'client-token': 'fixed-token' },
      { env },
    );
    expect(first.error).toBeUndefined();
    expect(sim.calls('StartImagePipelineExecution')[0]!.params['clientToken']).toBe('fixed-token');
    const r = await pipeline({ pipeline: 'ecs-broken', wait: false, 'client-token': 'fixed-token' }, { env });
    expect(r.error).toBeInstanceOf(UserError);
    expect(r.error?.message).toBe(
      `Image Builder refused the client token "fixed-token" for StartImagePipelineExecution (IdempotentParameterMismatchException): an earlier request sent the same token with other parameters, such as another pipeline. A client token stands for one request: give each pipeline its own 'client-token', or leave 'client-token' out to derive one from the run, its attempt, the pipeline and its recipe.`,
    );
  });

  test('a token given that Image Builder answers with a build on an older recipe is refused, not waited for', async () => {
    const first = await pipeline({
      pipeline: 'mine',
      'parent-image': 'ami-0123456789abcdef0',
      wait: false,
      'client-token': 'mine-1',
    });
    expect(first.report.imageArn).toBe(arn('image', 'mine/1.0.1/1'));
    sim.requests.length = 0;
    const r = await pipeline({
      pipeline: 'mine',
      'parent-image': 'ami-0fedcba9876543210',
      'client-token': 'mine-1',
    });
    expect(r.error?.message).toMatch(
      /^Image Builder answered the client token "mine-1" with the build it started for it before, .*mine\/1\.0\.1\/1, on recipe version 1\.0\.1; the pipeline now builds .*image-recipe\/mine\/1\.0\.2\. Give a new 'client-token'/,
    );
    expect(sim.calls('GetImage')).toHaveLength(0);
  });

  test('a mismatch on a derived token is explained too', async () => {
    sim.addFault({
      operation: 'StartImagePipelineExecution',
      kind: 'error',
      status: 400,
      type: 'IdempotentParameterMismatchException',
      message: 'You have specified a client token for an operation using parameter values that differ',
      count: 1,
    });
    const r = await pipeline({ pipeline: 'ecs-node', wait: false });
    expect(r.error?.message).toMatch(
      /^Image Builder refused the client token shipyard-[0-9a-f]{27} for StartImagePipelineExecution \(IdempotentParameterMismatchException\): .* re-run the job \(a new attempt derives new tokens\), or set 'client-token'\.$/,
    );
  });
});

describe('how a build ends', () => {
  test('FAILED: the reason, the console link and the log group; the report keeps the status', async () => {
    const r = await pipeline({ pipeline: arn('image-pipeline', 'ecs-broken') });
    expect(r.error?.message).toMatch(
      /^The image build arn:aws:imagebuilder:us-east-1:111122223333:image\/other\/2\.0\.0\/\d+ ended FAILED: Step ExecuteBash failed: yum could not reach the mirror\. Image: https:\/\/us-east-1\.console\.aws\.amazon\.com\/imagebuilder\/home\?region=us-east-1#\/images\/.*\/details — logs in the CloudWatch log group \/aws\/imagebuilder\/other \(us-east-1\)\.$/,
    );
    expect(r.report).toMatchObject({
      status: 'FAILED',
      outcome: 'failed',
      failure: {
        reason: 'Step ExecuteBash failed: yum could not reach the mirror',
        logGroup: '/aws/imagebuilder/other',
      },
    });
    expect(r.report.imageArn).toMatch(/image\/other\/2\.0\.0\/\d+$/);
  });

  test('a build that never finishes fails at the deadline with the last state seen; the build goes on', async () => {
    const r = await pipeline({ pipeline: arn('image-pipeline', 'ecs-stuck'), timeout: 90 * MIN });
    expect(r.error?.message).toMatch(
      /^Gave up waiting for image build after 1h ?30m; it was still BUILDING\. The build goes on in Image Builder: arn:.*Raise 'timeout'/,
    );
    expect(sim.calls('CancelImageCreation')).toHaveLength(0);
  });

  test('throttling while polling (CallRateLimitExceededException, 429) is retried and the wait goes on', async () => {
    sim.addFault({
      operation: 'GetImage',
      kind: 'error',
      status: 429,
      type: 'CallRateLimitExceededException',
      message: 'You have exceeded the permitted request rate for the specific operation.',
      count: 3,
    });
    const r = await pipeline({ pipeline: arn('image-pipeline', 'ecs-node') });
    expect(r.error).toBeUndefined();
    expect(r.report.status).toBe('AVAILABLE');
    expect(sim.calls('GetImage').filter((c) => c.status === 429)).toHaveLength(3);
  });

  test.each([
    ['with cancel-on-abort, the build is cancelled', true, 1, 'Cancelled the image build'],
    ['without it, the build goes on', false, 0, 'The image build goes on'],
  ])('cancelled while waiting: %s', async (_name, cancel, cancels, words) => {
    const controller = new AbortController();
    const capture = captureLog();
    const info = capture.log.info;
    capture.log.info = (m) => {
      info(m);
      if (m.startsWith('image build: BUILDING'))
        controller.abort(new Error('the job was cancelled (SIGTERM)'));
    };
    const r = await pipeline(
      { pipeline: arn('image-pipeline', 'ecs-stuck'), 'cancel-on-abort': cancel },
      { signal: controller.signal, capture },
    );
    expect(r.error?.message).toMatch(/^Stopped waiting for image build: the job was cancelled \(SIGTERM\)\./);
    expect(r.error?.message).toContain(words);
    expect(sim.calls('CancelImageCreation', { ok: true })).toHaveLength(cancels);
  });
});

describe('refused before anything is started', () => {
  test('a DISABLED pipeline', async () => {
    const r = await pipeline({ pipeline: 'ecs-disabled' });
    expect(r.error?.message).toMatch(/^The image pipeline arn:.*ecs-disabled is DISABLED\. Enable it/);
    expect(r.report.pipelineArn).toBe(arn('image-pipeline', 'ecs-disabled'));
    expect(sim.calls('StartImagePipelineExecution')).toHaveLength(0);
  });

  test('a pipeline that does not exist, by name and by ARN, names the region', async () => {
    const byName = await pipeline({ pipeline: 'nope' });
    expect(byName.error?.message).toBe(
      'There is no image pipeline named "nope" in us-east-1. Check the name, or give the pipeline\'s ARN (its region is part of it).',
    );
    const byArn = await pipeline({ pipeline: arn('image-pipeline', 'nope', 'eu-north-1') });
    expect(byArn.error?.message).toBe(
      `The image pipeline ${arn('image-pipeline', 'nope', 'eu-north-1')} does not exist in eu-north-1. Check the ARN, the account and the region.`,
    );
    expect(sim.calls('GetImagePipeline').map((c) => c.region)).toEqual(['eu-north-1']);
  });
});
