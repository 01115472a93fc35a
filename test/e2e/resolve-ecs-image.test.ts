import { afterAll, beforeAll, beforeEach, describe, expect, test } from '@jest/globals';
import { runAction } from '../harness/runner.js';
import { arnName, managedAmiId } from '../simulator/services/imagebuilder.js';
import { publicAmiId } from '../simulator/services/ssm.js';
import { type Simulator, simulatorEnv, startSimulator } from '../simulator/server.js';

const REGION = 'eu-west-1';
const AL2023 = 'Amazon Linux 2023 ECS Optimized x86';
// 30 date versions, listed oldest-first by string: two pages of ListImages, and 2025.10.x must beat 2025.9.x.
const versions = [...Array.from({ length: 28 }, (_, i) => `2025.9.${i + 1}`), '2025.10.2', '2025.2.1'];

let sim: Simulator;
beforeAll(async () => {
  sim = await startSimulator({
    scenario: {
      account: '111122223333',
      ssm: { withhold: ['/aws/service/ecs/optimized-ami/amazon-linux-2/kernel-5.10/gpu'] },
      imagebuilder: {
        managedImages: [{ name: AL2023, platform: 'Linux', osVersion: 'Amazon Linux 2023', versions }],
        recipes: [
          {
            name: 'ecs-node',
            version: '1.0.0',
            region: REGION,
            parentImage: `arn:aws:imagebuilder:${REGION}:aws:image/${arnName(AL2023)}/2025.9.28`,
          },
        ],
        pipelines: [{ name: 'ecs-node', recipe: 'ecs-node/1.0.0', region: REGION }],
      },
    },
  });
});
afterAll(() => sim.close());
beforeEach(() => {
  sim.requests.length = 0;
  sim.clearFaults();
});

const env = (extra: Record<string, string> = {}) => ({ ...simulatorEnv(sim, REGION), ...extra });

describe('resolve-ecs-image, run from dist', () => {
  test('Image Builder: every page listed, versions compared as numbers, the AMI of this region', async () => {
    const r = await runAction('resolve-ecs-image', { env: env() });
    expect(r.errors).toEqual([]);
    expect(r.outputs).toMatchObject({
      source: 'image-builder',
      version: '2025.10.2',
      'image-name': AL2023,
      'ami-id': managedAmiId(AL2023, '2025.10.2', REGION),
      'image-arn': `arn:aws:imagebuilder:${REGION}:aws:image/amazon-linux-2023-ecs-optimized-x86/2025.10.2/1`,
      'versionless-arn': `arn:aws:imagebuilder:${REGION}:aws:image/amazon-linux-2023-ecs-optimized-x86/x.x.x`,
      'parent-image': `arn:aws:imagebuilder:${REGION}:aws:image/amazon-linux-2023-ecs-optimized-x86/2025.10.2`,
    });
    const lists = sim.calls('ListImages');
    expect(lists.filter((c) => c.params['nextToken'])).toHaveLength(1); // the second page was read
    expect(lists.every((c) => c.params['owner'] === 'Amazon')).toBe(true);
    expect(r.summary).toContain('2025.10.2');
  });

  test('SSM: the recommended document of the GPU variant, with the ECS agent version', async () => {
    const r = await runAction('resolve-ecs-image', { inputs: { variant: 'gpu' }, env: env() });
    expect(r.errors).toEqual([]);
    const path = '/aws/service/ecs/optimized-ami/amazon-linux-2023/gpu/recommended';
    expect(r.outputs).toMatchObject({
      source: 'ssm',
      'ami-id': publicAmiId(path, REGION),
      'ecs-agent-version': '1.99.1',
      version: '2023.0.20251104',
    });
    expect(r.outputs['image-arn']).toBeUndefined();
    expect(sim.calls('GetParameter').map((c) => c.params['Name'])).toEqual([path]);
  });

  test('compare-to: a pipeline whose recipe is on an older parent is changed', async () => {
    const r = await runAction('resolve-ecs-image', {
      inputs: { 'compare-to': `arn:aws:imagebuilder:${REGION}:111122223333:image-pipeline/ecs-node` },
      env: env(),
    });
    expect(r.errors).toEqual([]);
    expect(r.outputs).toMatchObject({ changed: 'true', source: 'image-builder' });
    expect(r.summary).toContain('does not build on this image yet');
  });

  test('ParameterNotFound names the path and the region', async () => {
    const r = await runAction('resolve-ecs-image', {
      inputs: { os: 'amazon-linux-2-kernel-5.10', variant: 'gpu' },
      env: env(),
    });
    expect(r.exitCode).toBe(1);
    expect(r.errors[0]).toBe(
      'The public SSM parameter /aws/service/ecs/optimized-ami/amazon-linux-2/kernel-5.10/gpu/recommended does not exist in eu-west-1: this image is not published there.',
    );
  });
});

describe('resolve-ecs-image refuses bad input before any AWS call', () => {
  test.each([
    [
      { os: 'ubuntu' },
      /Input 'os' has the value "ubuntu", which is not accepted: one of amazon-linux-2023, amazon-linux-2,/,
    ],
    [
      { architecture: 'aarch64' },
      /Input 'architecture' has the value "aarch64", which is not accepted: one of x86_64, arm64/,
    ],
    [{ variant: 'GPU' }, /did you mean 'gpu'\?/],
    [
      { os: 'windows-server-2022-full', variant: 'gpu' },
      /there is no ECS-optimized windows-server-2022-full image for architecture x86_64 and variant gpu. For windows-server-2022-full these exist \(architecture\/variant\): x86_64\/standard/,
    ],
    [
      { os: 'amazon-linux-2', architecture: 'arm64', variant: 'neuron' },
      /For amazon-linux-2 these exist \(architecture\/variant\): x86_64\/standard, arm64\/standard, x86_64\/gpu, x86_64\/neuron/,
    ],
    [
      { os: 'amazon-linux-2023', variant: 'gpu', source: 'image-builder' },
      /Amazon publishes no managed Image Builder image for amazon-linux-2023 x86_64 gpu; use source: ssm/,
    ],
    [
      {
        region: 'us-east-1',
        'compare-to': `arn:aws:imagebuilder:${REGION}:111122223333:image-pipeline/ecs-node`,
      },
      /^Input 'compare-to' is an ARN in eu-west-1, but input 'region' is us-east-1/,
    ],
    [
      { 'compare-to': 'ecs-node' },
      /Input 'compare-to' has the value "ecs-node", which is not accepted: expected an AMI ID/,
    ],
  ] as [Record<string, string>, RegExp][])('%j', async (inputs, message) => {
    const r = await runAction('resolve-ecs-image', { inputs, env: env() });
    expect(r.exitCode).toBe(1);
    expect(r.errors).toHaveLength(1);
    expect(r.errors[0]).toMatch(message);
    expect(sim.requests).toEqual([]);
  });
});
