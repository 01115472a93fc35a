// What verify-task-definition reads, in the simulator, through the real SDK clients over HTTP on
// 127.0.0.1: ECR images (manifests, indexes, layer downloads, pull through cache rules), ELBv2 target
// groups, EC2 subnets and security groups, EFS file systems and access points, ECS service placement.
import { createHash } from 'node:crypto';
import { DescribeSecurityGroupsCommand, DescribeSubnetsCommand, EC2Client } from '@aws-sdk/client-ec2';
import {
  BatchGetImageCommand,
  DescribeImagesCommand,
  DescribePullThroughCacheRulesCommand,
  ECRClient,
  GetDownloadUrlForLayerCommand,
  paginateDescribeImages,
} from '@aws-sdk/client-ecr';
import { DescribeServicesCommand, ECSClient } from '@aws-sdk/client-ecs';
import { DescribeAccessPointsCommand, DescribeFileSystemsCommand, EFSClient } from '@aws-sdk/client-efs';
import {
  DescribeTargetGroupsCommand,
  ElasticLoadBalancingV2Client,
  paginateDescribeTargetGroups,
} from '@aws-sdk/client-elastic-load-balancing-v2';
import { afterAll, afterEach, beforeAll, describe, expect, test } from '@jest/globals';
import { fargateTaskDefinition } from '../harness/fixtures.js';
import { type Simulator, simulatorEnv, startSimulator } from '../simulator/server.js';
import { imageDigest } from '../simulator/services/ecr.js';
import { targetGroupArn } from '../simulator/services/elbv2.js';

let now = Date.UTC(2026, 11, 1, 12);
let sim: Simulator;
const saved = { ...process.env };
const LB = 'arn:aws:elasticloadbalancing:us-east-1:111122223333:loadbalancer/app/web/50dc6c495c0c9188';

beforeAll(async () => {
  sim = await startSimulator({
    clock: () => now,
    scenario: {
      principals: {
        AKIADENIED: {
          deny: [
            'ecr:BatchGetImage',
            'elasticloadbalancing:DescribeTargetGroups',
            'ec2:DescribeSubnets',
            'elasticfilesystem:DescribeFileSystems',
          ],
        },
      },
      ecr: {
        repositories: [
          {
            name: 'web',
            images: [
              { tags: ['v1'] },
              { tags: ['multi', 'latest'], platforms: ['linux/amd64', 'linux/arm64/v8'] },
              { tags: ['oci'], format: 'oci' },
              { tags: ['arm-only'], platforms: ['linux/arm64/v8', 'windows/amd64'], format: 'oci' },
            ],
          },
          { name: 'empty' },
        ],
        pullThroughCacheRules: [
          { prefix: 'ecr-public', upstreamRegistryUrl: 'public.ecr.aws' },
          { prefix: 'quay', upstreamRegistryUrl: 'quay.io' },
          { prefix: 'docker-hub', upstreamRegistryUrl: 'registry-1.docker.io' },
        ],
      },
      elbv2: {
        targetGroups: [
          { name: 'web', targetType: 'ip', port: 8080, vpcId: 'vpc-0a1b2c3d', loadBalancerArns: [LB] },
          { name: 'api', targetType: 'ip', healthCheckPath: '/health' },
          { name: 'grpc', protocol: 'TCP', port: 50051 },
        ],
      },
      ec2: {
        subnets: [
          { id: 'subnet-0a1b2c3d', vpcId: 'vpc-0a1b2c3d' },
          { id: 'subnet-1a1b2c3d', vpcId: 'vpc-0a1b2c3d', availabilityZone: 'us-east-1c' },
          { id: 'subnet-2a1b2c3d', vpcId: 'vpc-9f8e7d6c' },
        ],
        securityGroups: [
          { id: 'sg-0a1b2c3d', vpcId: 'vpc-0a1b2c3d', name: 'web' },
          { id: 'sg-1a1b2c3d', vpcId: 'vpc-9f8e7d6c' },
        ],
      },
      efs: {
        fileSystems: [
          { id: 'fs-0a1b2c3d', encrypted: true },
          { id: 'fs-1a1b2c3d' },
          { id: 'fs-2a1b2c3d', lifeCycleState: 'deleting' },
        ],
        accessPoints: [
          { id: 'fsap-0a1b2c3d4e5f60718', fileSystemId: 'fs-0a1b2c3d' },
          { id: 'fsap-1a1b2c3d4e5f60718', fileSystemId: 'fs-0a1b2c3d' },
          { id: 'fsap-2a1b2c3d4e5f60718', fileSystemId: 'fs-1a1b2c3d' },
        ],
      },
      ecs: {
        clusters: [{ name: 'prod' }],
        taskDefinitions: [fargateTaskDefinition('web'), fargateTaskDefinition('batch')],
        services: [
          {
            cluster: 'prod',
            name: 'web',
            taskDefinition: 'web:1',
            networkConfiguration: {
              awsvpcConfiguration: { subnets: ['subnet-0a1b2c3d'], securityGroups: ['sg-0a1b2c3d'] },
            },
            loadBalancers: [
              { targetGroupArn: 'arn:aws:elasticloadbalancing:tg', containerName: 'app', containerPort: 80 },
            ],
          },
          {
            cluster: 'prod',
            name: 'spot',
            taskDefinition: 'web:1',
            platformVersion: '1.4.0',
            capacityProviderStrategy: [
              { capacityProvider: 'FARGATE_SPOT', weight: 3 },
              { capacityProvider: 'FARGATE', weight: 1, base: 1 },
            ],
          },
          { cluster: 'prod', name: 'batch', taskDefinition: 'batch:1', launchType: 'EC2' },
        ],
      },
    },
  });
  Object.assign(process.env, simulatorEnv(sim));
});
afterEach(() => sim.clearFaults());
afterAll(async () => {
  process.env = saved;
  await sim.close();
});

const denied = { accessKeyId: 'AKIADENIED', secretAccessKey: 'simulator-secret-key' };
const ecr = (credentials?: typeof denied) =>
  new ECRClient({ region: 'us-east-1', maxAttempts: 1, ...(credentials ? { credentials } : {}) });
const elb = (credentials?: typeof denied) =>
  new ElasticLoadBalancingV2Client({
    region: 'us-east-1',
    maxAttempts: 1,
    ...(credentials ? { credentials } : {}),
  });
const ec2 = (credentials?: typeof denied) =>
  new EC2Client({ region: 'us-east-1', maxAttempts: 1, ...(credentials ? { credentials } : {}) });
const efs = (credentials?: typeof denied) =>
  new EFSClient({ region: 'us-east-1', maxAttempts: 1, ...(credentials ? { credentials } : {}) });

const ALL_TYPES = [
  'application/vnd.docker.distribution.manifest.v2+json',
  'application/vnd.docker.distribution.manifest.list.v2+json',
  'application/vnd.oci.image.manifest.v1+json',
  'application/vnd.oci.image.index.v1+json',
];
const sha256 = (bytes: Buffer | string) => `sha256:${createHash('sha256').update(bytes).digest('hex')}`;

describe('ECR images', () => {
  test('BatchGetImage serves a real image manifest whose digest is sha256 over the bytes', async () => {
    const out = await ecr().send(
      new BatchGetImageCommand({
        repositoryName: 'web',
        imageIds: [{ imageTag: 'v1' }],
        acceptedMediaTypes: ALL_TYPES,
      }),
    );
    expect(out.failures).toEqual([]);
    const image = out.images![0]!;
    expect(image.imageId).toEqual({
      imageTag: 'v1',
      imageDigest: imageDigest(sim, { repository: 'web', tag: 'v1' }),
    });
    expect(image.imageManifestMediaType).toBe('application/vnd.docker.distribution.manifest.v2+json');
    expect(sha256(image.imageManifest!)).toBe(image.imageId!.imageDigest);
    const manifest = JSON.parse(image.imageManifest!) as {
      schemaVersion: number;
      mediaType: string;
      config: { mediaType: string; digest: string; size: number };
      layers: { mediaType: string; digest: string }[];
    };
    expect(manifest.schemaVersion).toBe(2);
    expect(manifest.mediaType).toBe(image.imageManifestMediaType);
    expect(manifest.config.mediaType).toBe('application/vnd.docker.container.image.v1+json');
    expect(manifest.layers.map((l) => l.mediaType)).toEqual([
      'application/vnd.docker.image.rootfs.diff.tar.gzip',
      'application/vnd.docker.image.rootfs.diff.tar.gzip',
    ]);

    // The config blob, downloaded as a client does: GetDownloadUrlForLayer, then a plain GET.
    const { downloadUrl, layerDigest } = await ecr().send(
      new GetDownloadUrlForLayerCommand({ repositoryName: 'web', layerDigest: manifest.config.digest }),
    );
    expect(layerDigest).toBe(manifest.config.digest);
    expect(downloadUrl).toMatch(new RegExp(`^${sim.endpoint}/__ecr-blobs/.*X-Amz-Signature=[0-9a-f]{64}`));
    const response = await fetch(downloadUrl!);
    expect(response.status).toBe(200);
    const bytes = Buffer.from(await response.arrayBuffer());
    expect(bytes.length).toBe(manifest.config.size);
    expect(sha256(bytes)).toBe(manifest.config.digest);
    expect(JSON.parse(bytes.toString('utf8'))).toMatchObject({
      architecture: 'amd64',
      os: 'linux',
      rootfs: { type: 'layers' },
    });
    expect(sim.calls('GetObject', { ok: true })).toHaveLength(1);
  });

  test('a multi-platform image is an index; each child manifest is there by digest, not by tag', async () => {
    const out = await ecr().send(
      new BatchGetImageCommand({
        repositoryName: 'web',
        imageIds: [{ imageTag: 'multi' }],
        acceptedMediaTypes: ALL_TYPES,
      }),
    );
    const index = out.images![0]!;
    expect(index.imageManifestMediaType).toBe('application/vnd.docker.distribution.manifest.list.v2+json');
    expect(sha256(index.imageManifest!)).toBe(index.imageId!.imageDigest);
    const list = JSON.parse(index.imageManifest!) as {
      manifests: { mediaType: string; digest: string; size: number; platform: Record<string, string> }[];
    };
    expect(list.manifests.map((m) => m.platform)).toEqual([
      { os: 'linux', architecture: 'amd64' },
      { os: 'linux', architecture: 'arm64', variant: 'v8' },
    ]);
    const arm = list.manifests[1]!;
    const child = await ecr().send(
      new BatchGetImageCommand({
        repositoryName: 'web',
        imageIds: [{ imageDigest: arm.digest }],
        acceptedMediaTypes: ALL_TYPES,
      }),
    );
    expect(child.images![0]!.imageManifestMediaType).toBe(arm.mediaType);
    expect(Buffer.byteLength(child.images![0]!.imageManifest!)).toBe(arm.size);
    expect(sha256(child.images![0]!.imageManifest!)).toBe(arm.digest);
    // ECR lists the children as untagged images of their own.
    const untagged = await ecr().send(
      new DescribeImagesCommand({ repositoryName: 'web', filter: { tagStatus: 'UNTAGGED' } }),
    );
    expect(untagged.imageDetails!.map((d) => d.imageDigest)).toContain(arm.digest);
  });

  test('an OCI image has OCI media types; an index the caller cannot read falls back to linux/amd64, or fails', async () => {
    const oci = await ecr().send(
      new BatchGetImageCommand({
        repositoryName: 'web',
        imageIds: [{ imageTag: 'oci' }],
        acceptedMediaTypes: ['application/vnd.oci.image.manifest.v1+json'],
      }),
    );
    expect(oci.images![0]!.imageManifestMediaType).toBe('application/vnd.oci.image.manifest.v1+json');
    const config = (JSON.parse(oci.images![0]!.imageManifest!) as { config: { mediaType: string } }).config;
    expect(config.mediaType).toBe('application/vnd.oci.image.config.v1+json');

    // No media types named: the index is not among the defaults, so its linux/amd64 manifest comes back.
    const fallback = await ecr().send(
      new BatchGetImageCommand({ repositoryName: 'web', imageIds: [{ imageTag: 'multi' }] }),
    );
    expect(fallback.images![0]!.imageManifestMediaType).toBe(
      'application/vnd.docker.distribution.manifest.v2+json',
    );
    expect(fallback.images![0]!.imageId!.imageDigest).not.toBe(
      imageDigest(sim, { repository: 'web', tag: 'multi' }),
    );
    const none = await ecr().send(
      new BatchGetImageCommand({ repositoryName: 'web', imageIds: [{ imageTag: 'arm-only' }] }),
    );
    expect(none.images).toEqual([]);
    expect(none.failures).toEqual([
      {
        imageId: { imageTag: 'arm-only' },
        failureCode: 'ImageNotFound',
        failureReason: 'Requested image not found',
      },
    ]);
  });

  test("BatchGetImage's failures: not found, tag and digest that disagree, malformed digest, neither", async () => {
    const v1 = imageDigest(sim, { repository: 'web', tag: 'v1' });
    const out = await ecr().send(
      new BatchGetImageCommand({
        repositoryName: 'web',
        imageIds: [
          { imageTag: 'v1' },
          { imageTag: 'v9' },
          { imageTag: 'oci', imageDigest: v1 },
          { imageDigest: 'not-a-digest' },
          {},
        ],
        acceptedMediaTypes: ALL_TYPES,
      }),
    );
    expect(out.images!.map((i) => i.imageId!.imageTag)).toEqual(['v1']);
    expect(out.failures!.map((f) => [f.imageId, f.failureCode])).toEqual([
      [{ imageTag: 'v9' }, 'ImageNotFound'],
      [{ imageTag: 'oci', imageDigest: v1 }, 'ImageTagDoesNotMatchDigest'],
      [{ imageDigest: 'not-a-digest' }, 'InvalidImageDigest'],
      [{}, 'MissingDigestAndTag'],
    ]);
    expect(out.failures![0]!.failureReason).toBe('Requested image not found');
  });

  test('refusals: the shape, an unknown repository, an unknown image, an unknown layer', async () => {
    await expect(
      ecr().send(
        new BatchGetImageCommand({ repositoryName: 'web', imageIds: [], acceptedMediaTypes: ALL_TYPES }),
      ),
    ).rejects.toMatchObject({
      name: 'ValidationException',
      message:
        "1 validation error detected: Value '[]' at 'imageIds' failed to satisfy constraint: Member must have length greater than or equal to 1",
    });
    await expect(
      ecr().send(new BatchGetImageCommand({ repositoryName: 'nope', imageIds: [{ imageTag: 'v1' }] })),
    ).rejects.toMatchObject({
      name: 'RepositoryNotFoundException',
      message: "The repository with name 'nope' does not exist in the registry with id '111122223333'",
    });
    await expect(
      ecr().send(
        new DescribeImagesCommand({
          repositoryName: 'web',
          imageIds: [{ imageTag: 'v1' }, { imageTag: 'v9' }],
        }),
      ),
    ).rejects.toMatchObject({
      name: 'ImageNotFoundException',
      message:
        "The image with imageId {imageDigest:'null', imageTag:'v9'} does not exist within the repository with name 'web' in the registry with id '111122223333'",
    });
    const manifestDigest = imageDigest(sim, { repository: 'web', tag: 'v1' });
    // A manifest is not a layer: GetDownloadUrlForLayer knows configs and layers only.
    await expect(
      ecr().send(new GetDownloadUrlForLayerCommand({ repositoryName: 'web', layerDigest: manifestDigest })),
    ).rejects.toMatchObject({ name: 'LayersNotFoundException' });
  });

  test('DescribeImages: details, paging with nextToken, tagged images only', async () => {
    const v1 = (
      await ecr().send(new DescribeImagesCommand({ repositoryName: 'web', imageIds: [{ imageTag: 'v1' }] }))
    ).imageDetails![0]!;
    expect(v1).toMatchObject({
      registryId: '111122223333',
      repositoryName: 'web',
      imageDigest: imageDigest(sim, { repository: 'web', tag: 'v1' }),
      imageTags: ['v1'],
      imageManifestMediaType: 'application/vnd.docker.distribution.manifest.v2+json',
      artifactMediaType: 'application/vnd.docker.container.image.v1+json',
    });
    expect(v1.imagePushedAt).toBeInstanceOf(Date);
    expect(v1.imageSizeInBytes).toBeGreaterThan(0);

    const pages: number[] = [];
    const digests: string[] = [];
    for await (const page of paginateDescribeImages(
      { client: ecr(), pageSize: 3 },
      { repositoryName: 'web' },
    )) {
      pages.push(page.imageDetails!.length);
      digests.push(...page.imageDetails!.map((d) => d.imageDigest!));
    }
    // v1, 2 children + index, oci, 2 children + index.
    expect(pages).toEqual([3, 3, 2]);
    expect(new Set(digests).size).toBe(8);
    const tagged = await ecr().send(
      new DescribeImagesCommand({ repositoryName: 'web', filter: { tagStatus: 'TAGGED' } }),
    );
    expect(tagged.imageDetails!.map((d) => d.imageTags)).toEqual([
      ['v1'],
      ['multi', 'latest'],
      ['oci'],
      ['arm-only'],
    ]);
    const empty = await ecr().send(new DescribeImagesCommand({ repositoryName: 'empty' }));
    expect(empty.imageDetails).toEqual([]);
  });

  test('a download URL is good only as handed out and only until it expires', async () => {
    const manifest = JSON.parse(
      (
        await ecr().send(
          new BatchGetImageCommand({
            repositoryName: 'web',
            imageIds: [{ imageTag: 'oci' }],
            acceptedMediaTypes: ALL_TYPES,
          }),
        )
      ).images![0]!.imageManifest!,
    ) as { layers: { digest: string; size: number }[] };
    const layer = manifest.layers[1]!;
    const { downloadUrl } = await ecr().send(
      new GetDownloadUrlForLayerCommand({ repositoryName: 'web', layerDigest: layer.digest }),
    );
    const ok = await fetch(downloadUrl!);
    expect(sha256(Buffer.from(await ok.arrayBuffer()))).toBe(layer.digest);
    const tampered = await fetch(downloadUrl!.replace(/X-Amz-Signature=[0-9a-f]/, 'X-Amz-Signature=g'));
    expect(tampered.status).toBe(403);
    expect(await tampered.text()).toContain('<Code>SignatureDoesNotMatch</Code>');
    now += 3601_000;
    const expired = await fetch(downloadUrl!);
    expect(expired.status).toBe(403);
    expect(await expired.text()).toContain('<Message>Request has expired</Message>');
  });

  test('DescribePullThroughCacheRules: all, by prefix, paged, and a prefix without a rule', async () => {
    const all = await ecr().send(new DescribePullThroughCacheRulesCommand({}));
    expect(all.pullThroughCacheRules!.map((r) => [r.ecrRepositoryPrefix, r.upstreamRegistry])).toEqual([
      ['ecr-public', 'ecr-public'],
      ['quay', 'quay'],
      ['docker-hub', 'docker-hub'],
    ]);
    expect(all.pullThroughCacheRules![0]).toMatchObject({
      upstreamRegistryUrl: 'public.ecr.aws',
      registryId: '111122223333',
    });
    expect(all.pullThroughCacheRules![0]!.createdAt).toBeInstanceOf(Date);
    const page = await ecr().send(new DescribePullThroughCacheRulesCommand({ maxResults: 2 }));
    expect(page.pullThroughCacheRules).toHaveLength(2);
    const rest = await ecr().send(
      new DescribePullThroughCacheRulesCommand({ maxResults: 2, nextToken: page.nextToken }),
    );
    expect(rest.pullThroughCacheRules!.map((r) => r.ecrRepositoryPrefix)).toEqual(['docker-hub']);
    expect(rest.nextToken).toBeUndefined();
    await expect(
      ecr().send(new DescribePullThroughCacheRulesCommand({ ecrRepositoryPrefixes: ['quay', 'ghcr'] })),
    ).rejects.toMatchObject({ name: 'PullThroughCacheRuleNotFoundException' });
  });

  test('denied by IAM, and throttled', async () => {
    await expect(
      ecr(denied).send(new BatchGetImageCommand({ repositoryName: 'web', imageIds: [{ imageTag: 'v1' }] })),
    ).rejects.toMatchObject({
      name: 'AccessDeniedException',
      message: expect.stringContaining('is not authorized to perform: ecr:BatchGetImage'),
    });
    sim.addFault({ service: 'ecr', operation: 'DescribeImages', kind: 'throttle', count: 1 });
    await expect(ecr().send(new DescribeImagesCommand({ repositoryName: 'web' }))).rejects.toMatchObject({
      name: 'ThrottlingException',
    });
  });
});

describe('ELBv2 target groups', () => {
  test('DescribeTargetGroups by ARN and by name, with the defaults AWS gives', async () => {
    const web = targetGroupArn(sim, 'web');
    expect(web).toMatch(
      /^arn:aws:elasticloadbalancing:us-east-1:111122223333:targetgroup\/web\/[0-9a-f]{16}$/,
    );
    const byArn = await elb().send(new DescribeTargetGroupsCommand({ TargetGroupArns: [web] }));
    expect(byArn.TargetGroups).toEqual([
      {
        TargetGroupArn: web,
        TargetGroupName: 'web',
        Protocol: 'HTTP',
        Port: 8080,
        VpcId: 'vpc-0a1b2c3d',
        HealthCheckProtocol: 'HTTP',
        HealthCheckPort: 'traffic-port',
        HealthCheckEnabled: true,
        HealthCheckIntervalSeconds: 30,
        HealthCheckTimeoutSeconds: 5,
        HealthyThresholdCount: 5,
        UnhealthyThresholdCount: 2,
        HealthCheckPath: '/',
        Matcher: { HttpCode: '200' },
        LoadBalancerArns: [LB],
        TargetType: 'ip',
        ProtocolVersion: 'HTTP1',
        IpAddressType: 'ipv4',
      },
    ]);
    const byName = await elb().send(new DescribeTargetGroupsCommand({ Names: ['api', 'grpc'] }));
    expect(
      byName.TargetGroups!.map((t) => [t.TargetGroupName, t.HealthCheckPath, t.HealthCheckProtocol]),
    ).toEqual([
      ['api', '/health', 'HTTP'],
      ['grpc', undefined, 'TCP'],
    ]);
    const byLb = await elb().send(new DescribeTargetGroupsCommand({ LoadBalancerArn: LB }));
    expect(byLb.TargetGroups!.map((t) => t.TargetGroupName)).toEqual(['web']);
  });

  test('one unknown ARN among known ones fails the whole call', async () => {
    const missing = 'arn:aws:elasticloadbalancing:us-east-1:111122223333:targetgroup/gone/0123456789abcdef';
    const error = await elb()
      .send(new DescribeTargetGroupsCommand({ TargetGroupArns: [targetGroupArn(sim, 'web'), missing] }))
      .catch((e: unknown) => e);
    expect(error).toMatchObject({
      name: 'TargetGroupNotFoundException',
      message: 'One or more target groups not found',
      $metadata: { httpStatusCode: 400 },
    });
    await expect(elb().send(new DescribeTargetGroupsCommand({ Names: ['gone'] }))).rejects.toMatchObject({
      name: 'TargetGroupNotFoundException',
    });
  });

  test('paging with PageSize and NextMarker; PageSize beyond 400 refused', async () => {
    const pages: string[][] = [];
    for await (const page of paginateDescribeTargetGroups({ client: elb() }, { PageSize: 2 })) {
      pages.push(page.TargetGroups!.map((t) => t.TargetGroupName!));
    }
    expect(pages).toEqual([['web', 'api'], ['grpc']]);
    await expect(elb().send(new DescribeTargetGroupsCommand({ PageSize: 401 }))).rejects.toMatchObject({
      name: 'ValidationError',
      message:
        "1 validation error detected: Value '401' at 'pageSize' failed to satisfy constraint: Member must have value less than or equal to 400",
    });
  });

  test('denied by IAM, and throttled', async () => {
    await expect(elb(denied).send(new DescribeTargetGroupsCommand({}))).rejects.toMatchObject({
      name: 'AccessDenied',
      $metadata: { httpStatusCode: 403 },
    });
    sim.addFault({ operation: 'DescribeTargetGroups', kind: 'throttle', count: 1 });
    await expect(elb().send(new DescribeTargetGroupsCommand({}))).rejects.toMatchObject({
      name: 'Throttling',
    });
  });
});

describe('EC2 subnets and security groups', () => {
  test('DescribeSubnets by ID and by filter', async () => {
    const out = await ec2().send(new DescribeSubnetsCommand({ SubnetIds: ['subnet-1a1b2c3d'] }));
    expect(out.Subnets).toEqual([
      expect.objectContaining({
        SubnetId: 'subnet-1a1b2c3d',
        VpcId: 'vpc-0a1b2c3d',
        AvailabilityZone: 'us-east-1c',
        State: 'available',
        OwnerId: '111122223333',
        SubnetArn: 'arn:aws:ec2:us-east-1:111122223333:subnet/subnet-1a1b2c3d',
        CidrBlock: expect.stringMatching(/^10\.0\.\d+\.0\/24$/),
      }),
    ]);
    const inVpc = await ec2().send(
      new DescribeSubnetsCommand({ Filters: [{ Name: 'vpc-id', Values: ['vpc-0a1b2c3d'] }] }),
    );
    expect(inVpc.Subnets!.map((s) => s.SubnetId)).toEqual(['subnet-0a1b2c3d', 'subnet-1a1b2c3d']);
    // With a filter, a subnet that does not exist is simply not there.
    const filtered = await ec2().send(
      new DescribeSubnetsCommand({
        Filters: [{ Name: 'subnet-id', Values: ['subnet-0a1b2c3d', 'subnet-0fffffff'] }],
      }),
    );
    expect(filtered.Subnets!.map((s) => s.SubnetId)).toEqual(['subnet-0a1b2c3d']);
  });

  test("EC2's refusals: missing and malformed IDs, an unknown filter, MaxResults out of range", async () => {
    await expect(
      ec2().send(new DescribeSubnetsCommand({ SubnetIds: ['subnet-0a1b2c3d', 'subnet-0fffffff'] })),
    ).rejects.toMatchObject({
      name: 'InvalidSubnetID.NotFound',
      message: "The subnet ID 'subnet-0fffffff' does not exist",
    });
    await expect(ec2().send(new DescribeSubnetsCommand({ SubnetIds: ['my-subnet'] }))).rejects.toMatchObject({
      name: 'InvalidSubnetID.Malformed',
    });
    await expect(
      ec2().send(new DescribeSecurityGroupsCommand({ GroupIds: ['sg-0fffffff'] })),
    ).rejects.toMatchObject({
      name: 'InvalidGroup.NotFound',
      message: "The security group 'sg-0fffffff' does not exist",
    });
    await expect(ec2().send(new DescribeSecurityGroupsCommand({ GroupIds: ['web'] }))).rejects.toMatchObject({
      name: 'InvalidGroupId.Malformed',
      message: 'Invalid id: "web" (expecting "sg-...")',
    });
    await expect(
      ec2().send(new DescribeSubnetsCommand({ Filters: [{ Name: 'colour', Values: ['red'] }] })),
    ).rejects.toMatchObject({ name: 'InvalidParameterValue', message: "The filter 'colour' is invalid" });
    await expect(ec2().send(new DescribeSubnetsCommand({ MaxResults: 2 }))).rejects.toMatchObject({
      name: 'InvalidParameterValue',
    });
  });

  test('DescribeSecurityGroups by ID, by name and by filter, paged', async () => {
    const out = await ec2().send(new DescribeSecurityGroupsCommand({ GroupIds: ['sg-0a1b2c3d'] }));
    expect(out.SecurityGroups).toEqual([
      expect.objectContaining({
        GroupId: 'sg-0a1b2c3d',
        GroupName: 'web',
        VpcId: 'vpc-0a1b2c3d',
        OwnerId: '111122223333',
        IpPermissions: [],
        IpPermissionsEgress: [
          expect.objectContaining({ IpProtocol: '-1', IpRanges: [{ CidrIp: '0.0.0.0/0' }] }),
        ],
      }),
    ]);
    expect(out.SecurityGroups![0]!.Description).toEqual(expect.any(String));
    const byName = await ec2().send(new DescribeSecurityGroupsCommand({ GroupNames: ['web'] }));
    expect(byName.SecurityGroups!.map((g) => g.GroupId)).toEqual(['sg-0a1b2c3d']);
    const inVpc = await ec2().send(
      new DescribeSecurityGroupsCommand({ Filters: [{ Name: 'vpc-id', Values: ['vpc-9f8e7d6c'] }] }),
    );
    expect(inVpc.SecurityGroups!.map((g) => g.GroupId)).toEqual(['sg-1a1b2c3d']);
    const first = await ec2().send(new DescribeSecurityGroupsCommand({ MaxResults: 5 }));
    expect(first.SecurityGroups).toHaveLength(2);
    expect(first.NextToken).toBeUndefined();
  });

  test('DescribeSubnets pages with MaxResults and NextToken', async () => {
    sim.state.delete('ec2-network');
    const saved = sim.scenario.ec2!.subnets!;
    sim.scenario.ec2!.subnets = Array.from({ length: 7 }, (_, i) => ({
      id: `subnet-${String(i).padStart(8, '0')}`,
      vpcId: 'vpc-0a1b2c3d',
    }));
    try {
      const first = await ec2().send(new DescribeSubnetsCommand({ MaxResults: 5 }));
      expect(first.Subnets).toHaveLength(5);
      const second = await ec2().send(
        new DescribeSubnetsCommand({ MaxResults: 5, NextToken: first.NextToken }),
      );
      expect(second.Subnets!.map((s) => s.SubnetId)).toEqual(['subnet-00000005', 'subnet-00000006']);
      expect(second.NextToken).toBeUndefined();
    } finally {
      sim.scenario.ec2!.subnets = saved;
      sim.state.delete('ec2-network');
    }
  });

  test('denied by IAM, and throttled', async () => {
    await expect(ec2(denied).send(new DescribeSubnetsCommand({}))).rejects.toMatchObject({
      name: 'UnauthorizedOperation',
    });
    sim.addFault({ service: 'ec2', operation: 'DescribeSecurityGroups', kind: 'throttle', count: 1 });
    await expect(ec2().send(new DescribeSecurityGroupsCommand({}))).rejects.toMatchObject({
      name: 'RequestLimitExceeded',
    });
  });
});

describe('EFS file systems and access points', () => {
  test('DescribeFileSystems: one by ID, all, paged with Marker', async () => {
    const one = await efs().send(new DescribeFileSystemsCommand({ FileSystemId: 'fs-0a1b2c3d' }));
    expect(one.FileSystems).toEqual([
      expect.objectContaining({
        OwnerId: '111122223333',
        FileSystemId: 'fs-0a1b2c3d',
        FileSystemArn: 'arn:aws:elasticfilesystem:us-east-1:111122223333:file-system/fs-0a1b2c3d',
        LifeCycleState: 'available',
        Encrypted: true,
        PerformanceMode: 'generalPurpose',
        ThroughputMode: 'bursting',
        SizeInBytes: expect.objectContaining({ Value: expect.any(Number) }),
        Tags: [],
      }),
    ]);
    expect(one.FileSystems![0]!.CreationTime).toBeInstanceOf(Date);
    const first = await efs().send(new DescribeFileSystemsCommand({ MaxItems: 2 }));
    expect(first.FileSystems!.map((f) => f.FileSystemId)).toEqual(['fs-0a1b2c3d', 'fs-1a1b2c3d']);
    const second = await efs().send(
      new DescribeFileSystemsCommand({ MaxItems: 2, Marker: first.NextMarker }),
    );
    expect(second.FileSystems!.map((f) => [f.FileSystemId, f.LifeCycleState, f.Encrypted])).toEqual([
      ['fs-2a1b2c3d', 'deleting', false],
    ]);
    expect(second.NextMarker).toBeUndefined();
  });

  test('DescribeAccessPoints: by file system, by ID, paged with NextToken', async () => {
    const first = await efs().send(
      new DescribeAccessPointsCommand({ FileSystemId: 'fs-0a1b2c3d', MaxResults: 1 }),
    );
    expect(first.AccessPoints!.map((a) => a.AccessPointId)).toEqual(['fsap-0a1b2c3d4e5f60718']);
    const second = await efs().send(
      new DescribeAccessPointsCommand({
        FileSystemId: 'fs-0a1b2c3d',
        MaxResults: 1,
        NextToken: first.NextToken,
      }),
    );
    expect(second.AccessPoints!.map((a) => a.AccessPointId)).toEqual(['fsap-1a1b2c3d4e5f60718']);
    expect(second.NextToken).toBeUndefined();
    const one = await efs().send(
      new DescribeAccessPointsCommand({ AccessPointId: 'fsap-2a1b2c3d4e5f60718' }),
    );
    expect(one.AccessPoints).toEqual([
      expect.objectContaining({
        AccessPointId: 'fsap-2a1b2c3d4e5f60718',
        AccessPointArn:
          'arn:aws:elasticfilesystem:us-east-1:111122223333:access-point/fsap-2a1b2c3d4e5f60718',
        FileSystemId: 'fs-1a1b2c3d',
        LifeCycleState: 'available',
        OwnerId: '111122223333',
      }),
    ]);
  });

  test("EFS's errors: 404s with ErrorCode, and BadRequest for the shape", async () => {
    const error = await efs()
      .send(new DescribeFileSystemsCommand({ FileSystemId: 'fs-0fffffff' }))
      .catch((e: unknown) => e);
    expect(error).toMatchObject({
      name: 'FileSystemNotFound',
      ErrorCode: 'FileSystemNotFound',
      message: "File system 'fs-0fffffff' does not exist.",
      $metadata: { httpStatusCode: 404 },
    });
    await expect(
      efs().send(new DescribeAccessPointsCommand({ AccessPointId: 'fsap-0fffffffffffffff0' })),
    ).rejects.toMatchObject({ name: 'AccessPointNotFound', $metadata: { httpStatusCode: 404 } });
    await expect(
      efs().send(new DescribeAccessPointsCommand({ FileSystemId: 'fs-0fffffff' })),
    ).rejects.toMatchObject({ name: 'FileSystemNotFound' });
    await expect(efs().send(new DescribeFileSystemsCommand({ MaxItems: 0 }))).rejects.toMatchObject({
      name: 'BadRequest',
      ErrorCode: 'BadRequest',
      $metadata: { httpStatusCode: 400 },
    });
    await expect(
      efs().send(
        new DescribeAccessPointsCommand({
          AccessPointId: 'fsap-0a1b2c3d4e5f60718',
          FileSystemId: 'fs-0a1b2c3d',
        }),
      ),
    ).rejects.toMatchObject({ name: 'BadRequest' });
  });

  test('denied by IAM, and throttled with 429', async () => {
    await expect(efs(denied).send(new DescribeFileSystemsCommand({}))).rejects.toMatchObject({
      name: 'AccessDeniedException',
      message: expect.stringContaining('elasticfilesystem:DescribeFileSystems'),
    });
    sim.addFault({ service: 'efs', operation: 'DescribeAccessPoints', kind: 'throttle', count: 1 });
    await expect(efs().send(new DescribeAccessPointsCommand({}))).rejects.toMatchObject({
      name: 'ThrottlingException',
      $metadata: { httpStatusCode: 429 },
    });
  });
});

describe('ECS DescribeServices placement fields', () => {
  const describeServices = async () => {
    const ecs = new ECSClient({ region: 'us-east-1', maxAttempts: 1 });
    const out = await ecs.send(
      new DescribeServicesCommand({ cluster: 'prod', services: ['web', 'spot', 'batch'] }),
    );
    return Object.fromEntries(out.services!.map((s) => [s.serviceName!, s]));
  };

  test('a Fargate service: launchType, LATEST (resolved in its deployment), Linux, network as given, load balancers', async () => {
    const { web } = await describeServices();
    expect(web).toMatchObject({
      launchType: 'FARGATE',
      platformVersion: 'LATEST',
      platformFamily: 'Linux',
      taskDefinition: 'arn:aws:ecs:us-east-1:111122223333:task-definition/web:1',
      networkConfiguration: {
        awsvpcConfiguration: {
          subnets: ['subnet-0a1b2c3d'],
          securityGroups: ['sg-0a1b2c3d'],
        },
      },
      loadBalancers: [
        { targetGroupArn: 'arn:aws:elasticloadbalancing:tg', containerName: 'app', containerPort: 80 },
      ],
    });
    expect(web!.capacityProviderStrategy).toBeUndefined();
    expect(web!.deployments![0]).toMatchObject({
      launchType: 'FARGATE',
      platformVersion: '1.4.0',
      platformFamily: 'Linux',
    });
  });

  test('a capacity provider strategy replaces launchType; EC2 services have no platform version', async () => {
    const { spot, batch } = await describeServices();
    expect(spot!.launchType).toBeUndefined();
    expect(spot!.capacityProviderStrategy).toEqual([
      { capacityProvider: 'FARGATE_SPOT', weight: 3, base: 0 },
      { capacityProvider: 'FARGATE', weight: 1, base: 1 },
    ]);
    expect(spot!.platformVersion).toBe('1.4.0');
    expect(spot!.deployments![0]!.launchType).toBeUndefined();
    expect(spot!.deployments![0]!.capacityProviderStrategy).toEqual(spot!.capacityProviderStrategy);
    expect(batch).toMatchObject({ launchType: 'EC2' });
    expect(batch!.platformVersion).toBeUndefined();
    expect(batch!.platformFamily).toBeUndefined();
  });
});
