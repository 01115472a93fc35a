import { describe, expect, test } from '@jest/globals';
import {
  parseImageArn,
  parsePipelineArn,
  parseRecipeArn,
  versionlessArn,
} from '../../src/imagebuilder/arn.js';
import { CATALOG, chooseSource, lookup } from '../../src/imagebuilder/catalog.js';
import { parentMatches, parseParentImage, parseReference } from '../../src/imagebuilder/references.js';
import type { ResolvedImage } from '../../src/imagebuilder/resolved.js';
import { compareVersions, newest, nextPatch, parseVersion } from '../../src/imagebuilder/version.js';
import { clientToken } from '../../src/imagebuilder/pipeline.js';

describe('versions compare as numbers', () => {
  test('dates', () => {
    expect(newest(['2025.9.28', '2025.10.3', '2025.2.1', '2024.12.31'])).toBe('2025.10.3');
    expect(newest(['1.0.9', '1.0.10', 'x.x.x', 'garbage'])).toBe('1.0.10');
    expect(newest([])).toBeUndefined();
  });
  test('builds', () => {
    expect(compareVersions(parseVersion('1.0.0/10')!, parseVersion('1.0.0/9')!)).toBeGreaterThan(0);
    expect(parseVersion('1.2.3/4')).toEqual({ major: 1, minor: 2, patch: 3, build: 4 });
    expect(parseVersion('1.2')).toBeUndefined();
  });
  test('the next recipe version follows the highest, not the last listed', () => {
    expect(nextPatch(['1.0.10', '1.0.9', '0.9.99'])).toBe('1.0.11');
    expect(nextPatch([])).toBe('1.0.0');
  });
});

describe('ARNs', () => {
  test('image ARNs of every form', () => {
    expect(
      parseImageArn(
        'arn:aws:imagebuilder:eu-west-1:aws:image/amazon-linux-2023-ecs-optimized-x86/2025.10.3/1',
      ),
    ).toEqual({
      partition: 'aws',
      region: 'eu-west-1',
      owner: 'aws',
      name: 'amazon-linux-2023-ecs-optimized-x86',
      version: '2025.10.3',
      build: 1,
    });
    expect(parseImageArn('arn:aws-cn:imagebuilder:cn-north-1:123456789012:image/app/x.x.x')?.version).toBe(
      'x.x.x',
    );
    expect(parseImageArn('arn:aws:imagebuilder:eu-west-1:aws:image/name')?.version).toBeUndefined();
    expect(parseImageArn('arn:aws:imagebuilder:eu-west-1:aws:image-recipe/name/1.0.0')).toBeUndefined();
    expect(versionlessArn('arn:aws:imagebuilder:eu-west-1:aws:image/n/2025.1.2/3')).toBe(
      'arn:aws:imagebuilder:eu-west-1:aws:image/n/x.x.x',
    );
  });
  test('pipelines and recipes', () => {
    expect(parsePipelineArn('arn:aws:imagebuilder:us-east-1:123456789012:image-pipeline/ecs-node')).toEqual({
      region: 'us-east-1',
      account: '123456789012',
      name: 'ecs-node',
    });
    expect(
      parseRecipeArn('arn:aws:imagebuilder:us-east-1:123456789012:image-recipe/ecs-node/1.0.10')?.version,
    ).toBe('1.0.10');
  });
});

describe('the catalog', () => {
  test('every entry is unique and Bottlerocket never has an Image Builder source', () => {
    const keys = CATALOG.map((e) => `${e.os}/${e.architecture}/${e.variant}`);
    expect(new Set(keys).size).toBe(keys.length);
    expect(CATALOG.filter((e) => e.os === 'bottlerocket' && e.imageBuilder)).toEqual([]);
    expect(CATALOG.filter((e) => e.os.startsWith('windows') && e.architecture === 'arm64')).toEqual([]);
  });
  test('Bottlerocket shorthands', () => {
    expect(lookup('bottlerocket', 'arm64', 'standard')).toMatchObject({ variant: 'aws-ecs-2' });
    expect(lookup('bottlerocket', 'x86_64', 'nvidia')).toMatchObject({ variant: 'aws-ecs-2-nvidia' });
  });
  test('what does not exist says what does', () => {
    expect(lookup('windows-server-2016-full', 'x86_64', 'gpu')).toEqual({
      problem:
        'there is no ECS-optimized windows-server-2016-full image for architecture x86_64 and variant gpu. For windows-server-2016-full these exist (architecture/variant): x86_64/standard',
    });
  });
  test('auto prefers the managed image, and falls to SSM where there is none', () => {
    const al2023 = lookup('amazon-linux-2023', 'x86_64', 'standard');
    const gpu = lookup('amazon-linux-2023', 'x86_64', 'gpu');
    if ('problem' in al2023 || 'problem' in gpu) throw new Error('catalog');
    expect(chooseSource(al2023, 'auto')).toBe('image-builder');
    expect(chooseSource(gpu, 'auto')).toBe('ssm');
    expect(chooseSource(gpu, 'image-builder')).toHaveProperty('problem');
  });
});

describe('references', () => {
  const resolved: ResolvedImage = {
    source: 'image-builder',
    amiId: 'ami-0123456789abcdef0',
    imageName: 'n',
    version: '2025.10.3',
    imageArn: 'arn:aws:imagebuilder:eu-west-1:aws:image/al/2025.10.3/1',
    parentImage: 'arn:aws:imagebuilder:eu-west-1:aws:image/al/2025.10.3',
  };
  test.each([
    ['arn:aws:imagebuilder:eu-west-1:aws:image/al/2025.10.3', true],
    ['arn:aws:imagebuilder:eu-west-1:aws:image/al/2025.10.3/1', true],
    ['arn:aws:imagebuilder:eu-west-1:aws:image/al/2025.9.28', false],
    ['arn:aws:imagebuilder:eu-west-1:aws:image/al/x.x.x', true],
    ['arn:aws:imagebuilder:eu-west-1:aws:image/other/2025.10.3', false],
    ['ami-0123456789abcdef0', true],
    ['ami-0fffffffffffffff0', false],
  ])('a recipe on %s matches: %s', (parent, matches) => {
    expect(parentMatches(parent, resolved)).toBe(matches);
  });
  test('parse', () => {
    expect(parseReference('ami-01234567')).toEqual({ kind: 'ami', id: 'ami-01234567' });
    expect(parseReference('arn:aws:imagebuilder:us-east-1:123456789012:image-pipeline/x')).toMatchObject({
      kind: 'pipeline',
    });
    expect(parseReference('arn:aws:imagebuilder:us-east-1:123456789012:image-recipe/x/1.0.0')).toMatchObject({
      kind: 'recipe',
    });
    expect(parseReference('ecs')).toHaveProperty('problem');
    expect(
      parseParentImage('ssm:/aws/service/ecs/optimized-ami/amazon-linux-2023/recommended/image_id'),
    ).toMatch(/^ssm:/);
    expect(parseParentImage('ssm:')).toHaveProperty('problem');
  });
  test('client tokens fit in 36 characters and repeat for the same parts', () => {
    const a = clientToken('gh-1-1', 'start', 'arn');
    // AWS's API reference gives Image Builder's ClientToken 1 to 36 characters (the SDK model says 64).
    expect(a.length).toBeLessThanOrEqual(36);
    expect(clientToken('gh-1-1', 'start', 'arn')).toBe(a);
    expect(clientToken('gh-1-2', 'start', 'arn')).not.toBe(a);
  });
});
