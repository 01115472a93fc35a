// resolve-ecs-image's core in process — plan and run against the simulator through the real SDK.
import { afterAll, beforeAll, beforeEach, describe, expect, test } from '@jest/globals';
import { ImagebuilderClient } from '@aws-sdk/client-imagebuilder';
import { SSMClient } from '@aws-sdk/client-ssm';
import { createClient } from '../../src/aws/client.js';
import { UserError } from '../../src/errors.js';
import { parseReference, type Reference } from '../../src/imagebuilder/references.js';
import { planResolve, type ResolveSettings } from '../../src/imagebuilder/resolve-plan.js';
import { type ResolveReport, runResolve } from '../../src/imagebuilder/resolve-run.js';
import { captureLog } from '../harness/core.js';
import { arnName, managedAmiId } from '../simulator/services/imagebuilder.js';
import { publicAmiId } from '../simulator/services/ssm.js';
import { type Simulator, simulatorEnv, startSimulator } from '../simulator/server.js';

const REGION = 'eu-west-1';
const ACCOUNT = '111122223333';
const AL2023 = 'Amazon Linux 2023 ECS Optimized x86';
// 30 date versions, listed oldest-first by string: two pages of ListImages, and 2025.10.x must beat 2025.9.x.
const versions = [...Array.from({ length: 28 }, (_, i) => `2025.9.${i + 1}`), '2025.10.2', '2025.2.1'];
const managed = (version: string) => `arn:aws:imagebuilder:${REGION}:aws:image/${arnName(AL2023)}/${version}`;

let sim: Simulator;
const saved = { ...process.env };

beforeAll(async () => {
  sim = await startSimulator({
    scenario: {
      account: ACCOUNT,
      ssm: { withhold: ['/aws/service/ecs/optimized-ami/amazon-linux-2/kernel-5.10/gpu'] },
      imagebuilder: {
        managedImages: [
          { name: AL2023, platform: 'Linux', osVersion: 'Amazon Linux 2023', versions },
          {
            name: 'Windows Server 2022 English Core ECS Optimized x86',
            platform: 'Windows',
            osVersion: 'Microsoft Windows Server 2022',
            versions: ['2025.10.15'],
          },
          {
            name: 'Windows Server 2022 English Core Base x86',
            platform: 'Windows',
            osVersion: 'Microsoft Windows Server 2022',
            versions: ['2025.11.1'],
          },
        ],
        recipes: [
          { name: 'ecs-node', version: '1.0.0', region: REGION, parentImage: managed('2025.9.28') },
          { name: 'ecs-node-current', version: '1.0.0', region: REGION, parentImage: managed('2025.10.2') },
          { name: 'ecs-node-follows', version: '1.0.0', region: REGION, parentImage: managed('x.x.x') },
        ],
        pipelines: [{ name: 'ecs-node', recipe: 'ecs-node/1.0.0', region: REGION }],
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

function settings(over: Partial<ResolveSettings> = {}): ResolveSettings {
  return {
    os: 'amazon-linux-2023',
    architecture: 'x86_64',
    variant: 'standard',
    source: 'auto',
    region: undefined,
    'compare-to': undefined,
    ...over,
  };
}

const reference = (text: string): Reference => {
  const r = parseReference(text);
  if ('problem' in r) throw new Error(r.problem);
  return r;
};

/** Plans and runs resolve-ecs-image as the action does; which clients were made is counted. */
async function resolve(
  over: Partial<ResolveSettings> = {},
): Promise<{ report: ResolveReport; lines: string[]; made: string[]; error?: Error }> {
  const { log, lines } = captureLog();
  const report: ResolveReport = {};
  const made: string[] = [];
  try {
    const plan = planResolve(settings(over));
    const region = plan.region ?? REGION;
    const options = { region, action: 'test', env: simulatorEnv(sim, region) };
    await runResolve(
      plan,
      {
        clients: {
          imagebuilder: async () => (made.push('imagebuilder'), createClient(ImagebuilderClient, options)),
          ssm: async () => (made.push('ssm'), createClient(SSMClient, options)),
        },
        region,
        log,
      },
      report,
    );
    return { report, lines, made };
  } catch (error) {
    return { report, lines, made, error: error as Error };
  }
}

describe('the plan', () => {
  test.each([
    [
      { os: 'windows-server-2022-full', variant: 'gpu' },
      /^Inputs 'os', 'architecture' and 'variant': there is no ECS-optimized windows-server-2022-full image for architecture x86_64 and variant gpu\. For windows-server-2022-full these exist \(architecture\/variant\): x86_64\/standard/,
    ],
    [
      { os: 'amazon-linux-2', architecture: 'arm64', variant: 'neuron' },
      /For amazon-linux-2 these exist \(architecture\/variant\): x86_64\/standard, arm64\/standard, x86_64\/gpu, x86_64\/neuron/,
    ],
    [
      { variant: 'gpu', source: 'image-builder' },
      /^Input 'source' is image-builder, but Amazon publishes no managed Image Builder image for amazon-linux-2023 x86_64 gpu; use source: ssm/,
    ],
    [
      { os: 'bottlerocket', source: 'image-builder' },
      /^Input 'source' is image-builder, but Bottlerocket is not offered as an Image Builder parent image/,
    ],
  ] as [Partial<ResolveSettings>, RegExp][])('refuses %j', (over, message) => {
    expect(() => planResolve(settings(over))).toThrow(message);
    expect(() => planResolve(settings(over))).toThrow(UserError);
  });

  test("a compare-to ARN's region decides; a disagreeing region input is refused with both named", () => {
    const recipe = reference(`arn:aws:imagebuilder:${REGION}:${ACCOUNT}:image-recipe/ecs-node/1.0.0`);
    expect(planResolve(settings({ 'compare-to': recipe })).region).toBe(REGION);
    expect(planResolve(settings({ 'compare-to': recipe, region: REGION })).region).toBe(REGION);
    expect(() => planResolve(settings({ 'compare-to': recipe, region: 'us-east-1' }))).toThrow(
      `Input 'compare-to' is an ARN in ${REGION}, but input 'region' is us-east-1: leave 'region' out, or give the compare-to of that region.`,
    );
    // An AMI ID has no region of its own.
    const ami = reference('ami-0123456789abcdef0');
    expect(planResolve(settings({ 'compare-to': ami, region: 'us-east-1' })).region).toBe('us-east-1');
    expect(planResolve(settings({ 'compare-to': ami })).region).toBeUndefined();
  });

  test('auto may fall back to SSM; a source asked for may not', () => {
    expect(planResolve(settings())).toMatchObject({ source: 'image-builder', fallBackToSsm: true });
    expect(planResolve(settings({ source: 'image-builder' }))).toMatchObject({ fallBackToSsm: false });
    expect(planResolve(settings({ variant: 'gpu' }))).toMatchObject({ source: 'ssm' });
  });
});

describe('Image Builder', () => {
  test('every page listed, versions compared as numbers, the AMI of this region; no SSM client made', async () => {
    const r = await resolve();
    expect(r.error).toBeUndefined();
    expect(r.report.resolved).toEqual({
      source: 'image-builder',
      version: '2025.10.2',
      imageName: AL2023,
      amiId: managedAmiId(AL2023, '2025.10.2', REGION),
      imageArn: `${managed('2025.10.2')}/1`,
      versionlessArn: managed('x.x.x'),
      parentImage: managed('2025.10.2'),
    });
    const lists = sim.calls('ListImages');
    expect(lists.filter((c) => c.params['nextToken'])).toHaveLength(1); // the second page was read
    expect(lists.every((c) => c.params['owner'] === 'Amazon')).toBe(true);
    expect(r.made).toEqual(['imagebuilder']);
    expect(r.lines).toContain(
      `Newest amazon-linux-2023 x86_64 standard in ${REGION} (image-builder): ${AL2023} 2025.10.2 → ${managedAmiId(AL2023, '2025.10.2', REGION)}`,
    );
  });

  test('Windows: the Image Builder name is found among Amazon images, not guessed', async () => {
    const r = await resolve({ os: 'windows-server-2022-core' });
    expect(r.report.resolved).toMatchObject({
      imageName: 'Windows Server 2022 English Core ECS Optimized x86',
      version: '2025.10.15',
    });
  });

  test('auto falls back to SSM where Amazon publishes no managed image; image-builder says what exists', async () => {
    const auto = await resolve({ os: 'windows-server-2019-full' });
    expect(auto.error).toBeUndefined();
    expect(auto.report.resolved).toMatchObject({ source: 'ssm', version: '2025.10.15' });
    expect(auto.made).toEqual(['imagebuilder', 'ssm']);
    expect(auto.lines[0]).toMatch(
      /^Amazon publishes no Image Builder image "Windows Server 2019 English Full ECS Optimized" in eu-west-1; reading the SSM parameter instead \(source: auto\)\.$/,
    );
    const strict = await resolve({ os: 'windows-server-2019-full', source: 'image-builder' });
    expect(strict.error?.message).toMatch(
      /no Image Builder image "Windows Server 2019 English Full ECS Optimized" in eu-west-1.*Windows Server 2022 English Core ECS Optimized x86/,
    );
    expect(strict.made).toEqual(['imagebuilder']);
  });

  test('throttled listing (CallRateLimitExceededException, HTTP 429) is retried', async () => {
    sim.addFault({
      service: 'imagebuilder',
      operation: 'ListImages',
      kind: 'error',
      status: 429,
      type: 'CallRateLimitExceededException',
      count: 2,
    });
    const r = await resolve();
    expect(r.error).toBeUndefined();
    expect(
      sim
        .calls('ListImages')
        .slice(0, 2)
        .map((c) => c.status),
    ).toEqual([429, 429]);
  });
});

describe('SSM', () => {
  test('the recommended document of the GPU variant, with the ECS agent version; no Image Builder client made', async () => {
    const r = await resolve({ variant: 'gpu' });
    const path = '/aws/service/ecs/optimized-ami/amazon-linux-2023/gpu/recommended';
    expect(r.report.resolved).toMatchObject({
      source: 'ssm',
      amiId: publicAmiId(path, REGION),
      ecsAgentVersion: '1.99.1',
      version: '2023.0.20251104',
      parameter: path,
      parentImage: publicAmiId(path, REGION),
    });
    expect(r.report.resolved?.imageArn).toBeUndefined();
    expect(sim.calls('GetParameter').map((c) => c.params['Name'])).toEqual([path]);
    expect(r.made).toEqual(['ssm']);
  });

  test('Bottlerocket: the image_id and image_version parameters', async () => {
    const r = await resolve({ os: 'bottlerocket', architecture: 'arm64' });
    expect(r.report.resolved).toMatchObject({
      source: 'ssm',
      version: '1.49.0-2ab7b5e1',
      amiId: publicAmiId('/aws/service/bottlerocket/aws-ecs-2/arm64/latest', REGION),
    });
  });

  test('ParameterNotFound names the path and the region', async () => {
    const r = await resolve({ os: 'amazon-linux-2-kernel-5.10', variant: 'gpu' });
    expect(r.error).toBeInstanceOf(UserError);
    expect(r.error?.message).toBe(
      'The public SSM parameter /aws/service/ecs/optimized-ami/amazon-linux-2/kernel-5.10/gpu/recommended does not exist in eu-west-1: this image is not published there.',
    );
  });
});

describe('compare-to', () => {
  const pipeline = `arn:aws:imagebuilder:${REGION}:${ACCOUNT}:image-pipeline/ecs-node`;
  const recipe = (name: string) => `arn:aws:imagebuilder:${REGION}:${ACCOUNT}:image-recipe/${name}/1.0.0`;

  test.each([
    ['a pipeline whose recipe is on an older parent', pipeline, managed('2025.9.28'), true],
    ['a recipe on the newest', recipe('ecs-node-current'), managed('2025.10.2'), false],
    [
      'a recipe on x.x.x (it follows the newest by itself)',
      recipe('ecs-node-follows'),
      managed('x.x.x'),
      false,
    ],
    [
      'the newest AMI',
      managedAmiId(AL2023, '2025.10.2', REGION),
      managedAmiId(AL2023, '2025.10.2', REGION),
      false,
    ],
    ['an older image ARN', managed('2025.9.1'), managed('2025.9.1'), true],
  ])('%s', async (_name, compareTo, current, changed) => {
    const r = await resolve({ 'compare-to': reference(compareTo) });
    expect(r.error).toBeUndefined();
    expect(r.report).toMatchObject({ current, changed });
    expect(r.lines.at(-1)).toBe(
      changed
        ? `Changed: ${current} is not ${managed('2025.10.2')}.`
        : `Unchanged: ${current} already builds on it.`,
    );
  });

  test('an AMI ID with the SSM source compares AMIs; no Image Builder client made', async () => {
    const path = '/aws/service/ecs/optimized-ami/amazon-linux-2023/recommended';
    const r = await resolve({ source: 'ssm', 'compare-to': reference(publicAmiId(path, REGION)) });
    expect(r.report).toMatchObject({ changed: false });
    expect(r.made).toEqual(['ssm']);
  });
});
