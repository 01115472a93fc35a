// Image Builder and SSM in the simulator through the real SDK clients, and the image wait on a virtual clock.
import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import {
  GetImageCommand,
  ImagebuilderClient,
  ListImageBuildVersionsCommand,
  ListImagesCommand,
} from '@aws-sdk/client-imagebuilder';
import { paginateGetParametersByPath, SSMClient } from '@aws-sdk/client-ssm';
import type { Clock } from '../../src/aws/poller.js';
import { startBuild, waitForImage } from '../../src/imagebuilder/pipeline.js';
import { ImageBuildFailed } from '../../src/imagebuilder/build-failed.js';
import { type Simulator, simulatorEnv, startSimulator } from '../simulator/server.js';

const MIN = 60_000;
let now = Date.UTC(2026, 10, 21);
const clock: Clock = { now: () => now, sleep: async (ms) => void (now += ms) };
let sim: Simulator;
const saved = { ...process.env };

beforeAll(async () => {
  sim = await startSimulator({
    clock: () => now,
    scenario: {
      imagebuilder: {
        recipes: [{ name: 'app', version: '1.0.0', parentImage: 'ami-0123456789abcdef0' }],
        pipelines: [
          // An approval step in a workflow shows a state this code has never heard of.
          {
            name: 'app',
            recipe: 'app/1.0.0',
            build: {
              phases: [
                ['BUILDING', 20 * MIN],
                ['AWAITING_APPROVAL', 10 * MIN],
                ['DISTRIBUTING', 5 * MIN],
              ],
            },
          },
          {
            name: 'gone',
            recipe: 'app/1.0.0',
            build: { phases: [['BUILDING', 5 * MIN]], outcome: { failed: 'Distribution failed: AMI quota' } },
          },
        ],
      },
    },
  });
  Object.assign(process.env, simulatorEnv(sim));
});
afterAll(async () => {
  process.env = saved;
  await sim.close();
});

const ib = () => new ImagebuilderClient({ region: 'us-east-1', maxAttempts: 1 });
const pipeline = (name: string) => `arn:aws:imagebuilder:us-east-1:111122223333:image-pipeline/${name}`;

describe('the image wait on a virtual clock', () => {
  test('an unknown state is waited through and logged once', async () => {
    const lines: string[] = [];
    const arn = await startBuild(ib(), pipeline('app'), 'token-1');
    const { image, elapsedMs } = await waitForImage(ib(), arn, {
      timeoutMs: 2 * 60 * MIN,
      maxIntervalMs: 30_000,
      clock,
      log: { info: (m) => lines.push(m), warning: () => {}, debug: () => {} },
    });
    expect(image.state?.status).toBe('AVAILABLE');
    expect(elapsedMs).toBeGreaterThanOrEqual(35 * MIN);
    expect(elapsedMs).toBeLessThanOrEqual(35 * MIN + 30_000);
    expect(lines.map((l) => l.replace(/ \[.*| after.*/, ''))).toEqual([
      'image build: BUILDING',
      'image build: AWAITING_APPROVAL',
      'image build: DISTRIBUTING',
      'image build: done',
    ]);
  });

  test('FAILED carries the reason', async () => {
    const arn = await startBuild(ib(), pipeline('gone'), 'token-2');
    await expect(
      waitForImage(ib(), arn, { timeoutMs: 60 * MIN, maxIntervalMs: 30_000, clock }),
    ).rejects.toMatchObject({
      constructor: ImageBuildFailed,
      status: 'FAILED',
      reason: 'Distribution failed: AMI quota',
    });
  });
});

describe('Image Builder reads', () => {
  test('GetImage with a wildcard version picks the newest matching one', async () => {
    const out = await ib().send(
      new GetImageCommand({
        imageBuildVersionArn:
          'arn:aws:imagebuilder:us-east-1:aws:image/amazon-linux-2023-ecs-optimized-x86/2025.10.x',
      }),
    );
    expect(out.image?.arn).toBe(
      'arn:aws:imagebuilder:us-east-1:aws:image/amazon-linux-2023-ecs-optimized-x86/2025.10.3/1',
    );
  });

  test('ListImageBuildVersions lists the builds of a version with their state', async () => {
    const out = await ib().send(
      new ListImageBuildVersionsCommand({
        imageVersionArn: 'arn:aws:imagebuilder:us-east-1:111122223333:image/app/1.0.0',
      }),
    );
    expect(out.imageSummaryList?.map((i) => [i.arn, i.state?.status])).toEqual([
      ['arn:aws:imagebuilder:us-east-1:111122223333:image/app/1.0.0/1', 'AVAILABLE'],
      ['arn:aws:imagebuilder:us-east-1:111122223333:image/app/1.0.0/2', 'FAILED'],
    ]);
  });

  test('ListImages refuses byName with a version filter, unknown filters and 26 results a page, as AWS does', async () => {
    await expect(
      ib().send(
        new ListImagesCommand({
          owner: 'Amazon',
          byName: true,
          filters: [{ name: 'version', values: ['1.0.0'] }],
        }),
      ),
    ).rejects.toMatchObject({ name: 'InvalidRequestException' });
    await expect(
      ib().send(
        new ListImagesCommand({ owner: 'Amazon', filters: [{ name: 'buildType', values: ['SCHEDULED'] }] }),
      ),
    ).rejects.toMatchObject({
      name: 'InvalidRequestException',
    });
    await expect(ib().send(new ListImagesCommand({ owner: 'Amazon', maxResults: 26 }))).rejects.toMatchObject(
      { name: 'ValidationException' },
    );
  });
});

test('SSM GetParametersByPath pages through the public Bottlerocket parameters', async () => {
  const names: string[] = [];
  for await (const page of paginateGetParametersByPath(
    { client: new SSMClient({ region: 'eu-central-1' }), pageSize: 3 },
    { Path: '/aws/service/bottlerocket/aws-ecs-2', Recursive: true },
  )) {
    names.push(...(page.Parameters ?? []).map((p) => p.Name!));
  }
  expect(names.sort()).toEqual([
    '/aws/service/bottlerocket/aws-ecs-2/arm64/latest/image_id',
    '/aws/service/bottlerocket/aws-ecs-2/arm64/latest/image_version',
    '/aws/service/bottlerocket/aws-ecs-2/x86_64/latest/image_id',
    '/aws/service/bottlerocket/aws-ecs-2/x86_64/latest/image_version',
  ]);
});
