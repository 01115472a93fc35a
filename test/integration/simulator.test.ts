// The simulator's protocol layer, through the real SDK clients over HTTP on 127.0.0.1.

import {
  DescribeRepositoriesCommand,
  ECRClient,
  GetAuthorizationTokenCommand,
  paginateDescribeRepositories,
} from '@aws-sdk/client-ecr';
import {
  AutoScalingClient,
  CancelInstanceRefreshCommand,
  type CancelInstanceRefreshCommandInput,
  StartInstanceRefreshCommand,
} from '@aws-sdk/client-auto-scaling';
import {
  CreateLaunchTemplateVersionCommand,
  type CreateLaunchTemplateVersionCommandInput,
  DescribeImagesCommand,
  EC2Client,
} from '@aws-sdk/client-ec2';
import {
  GetImageCommand,
  ImagebuilderClient,
  ListTagsForResourceCommand,
} from '@aws-sdk/client-imagebuilder';
import { afterAll, beforeAll, beforeEach, describe, expect, test } from '@jest/globals';
import { type RestJsonService, type Simulator, simulatorEnv, startSimulator } from '../simulator/server.js';
import { str, struct } from '../simulator/shapes.js';

const echoImageBuilder: RestJsonService = {
  protocol: 'restJson1',
  name: 'imagebuilder',
  iamPrefix: 'imagebuilder',
  signingName: 'imagebuilder',
  routes: [
    {
      method: 'GET',
      path: '/GetImage',
      operation: 'GetImage',
      input: struct(
        {
          imageBuildVersionArn: str({
            pattern:
              '^arn:aws[^:]*:imagebuilder:[^:]+:(?:[0-9]{12}|aws):image/[a-z0-9-_]+/[0-9]+\\.[0-9]+\\.[0-9]+/[0-9]+$',
          }),
        },
        ['imageBuildVersionArn'],
      ),
      handler: (input, ctx) => ({
        requestId: 'r',
        image: { arn: input['imageBuildVersionArn'], name: `seen in ${ctx.region}` },
      }),
    },
    {
      method: 'GET',
      path: '/tags/{resourceArn}',
      operation: 'ListTagsForResource',
      input: struct({ resourceArn: str({ pattern: '^arn:aws[^:]*:imagebuilder:.+$' }) }, ['resourceArn']),
      handler: (input) => ({ tags: { seen: String(input['resourceArn']) } }),
    },
  ],
};

let sim: Simulator;
const saved = { ...process.env };
const repositories = Array.from({ length: 7 }, (_, i) => ({ name: `team/app-${i}` }));

beforeAll(async () => {
  sim = await startSimulator({
    scenario: {
      ecr: { repositories },
      ec2: { launchTemplates: [{ name: 'web', imageId: 'ami-0aaaaaaaaaaaaaaaa' }] },
      autoscaling: { groups: [{ name: 'web', launchTemplate: 'web', instances: 2 }] },
    },
    services: [echoImageBuilder],
  });
  Object.assign(process.env, simulatorEnv(sim));
});
afterAll(async () => {
  process.env = saved;
  await sim.close();
});
beforeEach(() => {
  sim.requests.length = 0;
  sim.clearFaults();
});

const ecr = () => new ECRClient({ region: 'us-east-1', maxAttempts: 1 });

describe('awsJson1_1', () => {
  test('pages through repositories with the SDK paginator', async () => {
    const names: string[] = [];
    for await (const page of paginateDescribeRepositories({ client: ecr(), pageSize: 3 }, {})) {
      names.push(...(page.repositories ?? []).map((r) => r.repositoryName!));
    }
    expect(names).toEqual(repositories.map((r) => r.name));
    expect(sim.calls('DescribeRepositories')).toHaveLength(3);
    expect(sim.calls('DescribeRepositories')[1]!.params['nextToken']).toEqual(expect.any(String));
  });

  test('checks requests against the model: AWS error type, status and wording', async () => {
    const error = await ecr()
      .send(new DescribeRepositoriesCommand({ repositoryNames: ['A'], registryId: '12' }))
      .then(
        () => undefined,
        (e: unknown) => e as { name: string; message: string; $metadata: { httpStatusCode: number } },
      );
    if (!error) throw new Error('expected a ValidationException');
    expect(error.name).toBe('ValidationException');
    expect(error.$metadata.httpStatusCode).toBe(400);
    expect(error.message).toBe(
      "2 validation errors detected: Value '12' at 'registryId' failed to satisfy constraint: Member must satisfy regular expression pattern: [0-9]{12}; " +
        "Value 'A' at 'repositoryNames.1.member' failed to satisfy constraint: Member must have length greater than or equal to 2, Member must satisfy regular expression pattern: [a-z0-9]+((\\.|_|__|-+)[a-z0-9]+)*(\\/[a-z0-9]+((\\.|_|__|-+)[a-z0-9]+)*)*",
    );
  });

  test('a missing repository is RepositoryNotFoundException', async () => {
    await expect(
      ecr().send(new DescribeRepositoriesCommand({ repositoryNames: ['nope'] })),
    ).rejects.toMatchObject({
      name: 'RepositoryNotFoundException',
      message: "The repository with name 'nope' does not exist in the registry with id '111122223333'",
    });
  });

  test('a bad nextToken is InvalidParameterException', async () => {
    await expect(ecr().send(new DescribeRepositoriesCommand({ nextToken: 'garbage' }))).rejects.toMatchObject(
      {
        name: 'InvalidParameterException',
      },
    );
  });

  test('the region comes from the SigV4 scope; the log records it', async () => {
    await new ECRClient({ region: 'ap-southeast-2' }).send(new GetAuthorizationTokenCommand({}));
    expect(sim.requests[0]).toMatchObject({
      service: 'ecr',
      operation: 'GetAuthorizationToken',
      region: 'ap-southeast-2',
      status: 200,
    });
  });

  test('faults: 5xx then success with SDK retries; latency', async () => {
    sim.addFault({
      operation: 'GetAuthorizationToken',
      kind: 'error',
      status: 503,
      type: 'ServiceUnavailableException',
      count: 1,
    });
    sim.addFault({ operation: 'DescribeRepositories', kind: 'latency', ms: 300, count: 1 });
    await new ECRClient({ region: 'us-east-1', maxAttempts: 3 }).send(new GetAuthorizationTokenCommand({}));
    expect(sim.calls('GetAuthorizationToken').map((c) => c.status)).toEqual([503, 200]);
    const started = Date.now();
    await ecr().send(new DescribeRepositoriesCommand({}));
    expect(Date.now() - started).toBeGreaterThanOrEqual(250);
    expect(sim.calls('DescribeRepositories')[0]!.fault).toBe('latency');
  });

  test('an unsigned request is refused', async () => {
    const res = await fetch(sim.endpoint, {
      method: 'POST',
      headers: {
        'x-amz-target': 'AmazonEC2ContainerRegistry_V20150921.GetAuthorizationToken',
        'content-type': 'application/x-amz-json-1.1',
      },
      body: '{}',
    });
    expect(res.status).toBe(403);
    expect(await res.json()).toEqual({
      __type: 'MissingAuthenticationTokenException',
      message: 'Missing Authentication Token',
    });
  });

  test('an unknown operation is refused', async () => {
    const res = await fetch(sim.endpoint, {
      method: 'POST',
      headers: { 'x-amz-target': 'AmazonEC2ContainerRegistry_V20150921.DeleteEverything' },
      body: '{}',
    });
    expect(res.status).toBe(400);
    expect(((await res.json()) as { __type: string }).__type).toBe('UnknownOperationException');
  });
});

describe('restJson1', () => {
  const arn = 'arn:aws:imagebuilder:eu-west-1:aws:image/amazon-linux-2023-ecs-optimized-x86/2025.1.1/1';
  test('routes by method and path, reads the query string, answers JSON', async () => {
    const out = await new ImagebuilderClient({ region: 'eu-west-1' }).send(
      new GetImageCommand({ imageBuildVersionArn: arn }),
    );
    expect(out.image).toMatchObject({ arn, name: 'seen in eu-west-1' });
    expect(sim.requests[0]).toMatchObject({
      service: 'imagebuilder',
      operation: 'GetImage',
      params: { imageBuildVersionArn: arn },
    });
  });

  test('constraint errors come back as the SDK expects them', async () => {
    await expect(
      new ImagebuilderClient({ region: 'eu-west-1' }).send(
        new GetImageCommand({ imageBuildVersionArn: 'nope' }),
      ),
    ).rejects.toMatchObject({ name: 'ValidationException', $metadata: { httpStatusCode: 400 } });
  });

  test("members sent in the path come from the route's {labels}, decoded", async () => {
    const pipeline = 'arn:aws:imagebuilder:eu-west-1:111122223333:image-pipeline/web';
    const out = await new ImagebuilderClient({ region: 'eu-west-1' }).send(
      new ListTagsForResourceCommand({ resourceArn: pipeline }),
    );
    expect(out.tags).toEqual({ seen: pipeline });
    expect(sim.requests[0]).toMatchObject({
      operation: 'ListTagsForResource',
      params: { resourceArn: pipeline },
    });
  });
});

type Refusal = { name: string; message: string; $metadata: { httpStatusCode: number } };
const refusal = (p: Promise<unknown>) =>
  p.then(
    () => {
      throw new Error('expected the simulator to refuse the request');
    },
    (e: unknown) => e as Refusal,
  );

describe("query protocols: requests checked against the operation's shape", () => {
  const ec2 = () => new EC2Client({ region: 'us-east-1', maxAttempts: 1 });
  const asg = () => new AutoScalingClient({ region: 'us-east-1', maxAttempts: 1 });

  test("EC2: a missing required parameter is MissingParameter in EC2's words", async () => {
    const error = await refusal(
      ec2().send(
        // The SDK does not check required members: what the service answers is the check.
        new CreateLaunchTemplateVersionCommand({
          LaunchTemplateName: 'web',
        } as CreateLaunchTemplateVersionCommandInput),
      ),
    );
    expect(error).toMatchObject({
      name: 'MissingParameter',
      message: 'The request must contain the parameter LaunchTemplateData',
      $metadata: { httpStatusCode: 400 },
    });
    expect(sim.calls('CreateLaunchTemplateVersion')[0]).toMatchObject({
      status: 400,
      error: 'MissingParameter',
    });
  });

  test('Auto Scaling: a missing required parameter is ValidationError in the Coral wording', async () => {
    const error = await refusal(
      asg().send(new CancelInstanceRefreshCommand({} as CancelInstanceRefreshCommandInput)),
    );
    expect(error).toMatchObject({
      name: 'ValidationError',
      message:
        "1 validation error detected: Value null at 'autoScalingGroupName' failed to satisfy constraint: Member must not be null",
      $metadata: { httpStatusCode: 400 },
    });
  });

  test('Auto Scaling: ranges and enums of nested members, every problem listed, lower-camel paths', async () => {
    const error = await refusal(
      asg().send(
        new StartInstanceRefreshCommand({
          AutoScalingGroupName: 'web',
          Preferences: {
            MinHealthyPercentage: 150,
            CheckpointPercentages: [50, 0],
            ScaleInProtectedInstances: 'Sometimes' as 'Wait',
          },
        }),
      ),
    );
    expect(error.name).toBe('ValidationError');
    expect(error.message).toBe(
      '3 validation errors detected: ' +
        "Value '150' at 'preferences.minHealthyPercentage' failed to satisfy constraint: Member must have value less than or equal to 100; " +
        "Value '0' at 'preferences.checkpointPercentages.2.member' failed to satisfy constraint: Member must have value greater than or equal to 1; " +
        "Value 'Sometimes' at 'preferences.scaleInProtectedInstances' failed to satisfy constraint: Member must satisfy enum value set: [Refresh, Ignore, Wait]",
    );
    expect(sim.calls('StartInstanceRefresh', { ok: true })).toHaveLength(0);
  });

  test('a well-formed request reaches the handler with the form as strings', async () => {
    const out = await ec2().send(
      new DescribeImagesCommand({ ImageIds: ['ami-0aaaaaaaaaaaaaaaa'], DryRun: false }),
    );
    expect(out.Images?.map((i) => i.ImageId)).toEqual(['ami-0aaaaaaaaaaaaaaaa']);
    expect(sim.calls('DescribeImages')[0]!.params).toEqual({
      ImageId: ['ami-0aaaaaaaaaaaaaaaa'],
      DryRun: 'false',
    });
  });

  test("EC2: a value that is not of its type is InvalidParameterValue, answered in EC2's XML", async () => {
    const res = await fetch(sim.endpoint, {
      method: 'POST',
      headers: {
        'content-type': 'application/x-www-form-urlencoded; charset=utf-8',
        authorization: `AWS4-HMAC-SHA256 Credential=AKIASIMULATOR/20260101/us-east-1/ec2/aws4_request, SignedHeaders=host, Signature=${'0'.repeat(64)}`,
      },
      body: 'Action=DescribeImages&Version=2016-11-15&MaxResults=many',
    });
    expect(res.status).toBe(400);
    expect(res.headers.get('content-type')).toBe('text/xml');
    expect(await res.text()).toMatch(
      /^<\?xml version="1.0" encoding="UTF-8"\?>\n<Response><Errors><Error><Code>InvalidParameterValue<\/Code><Message>Value \(many\) for parameter MaxResults is invalid\. Expected an integer\.<\/Message><\/Error><\/Errors><RequestID>[0-9a-f-]{36}<\/RequestID><\/Response>$/,
    );
  });
});

describe('stand-alone mode', () => {
  test('npm run simulator -- --scenario FILE prints its endpoint and serves the scenario', async () => {
    const { spawn } = await import('node:child_process');
    const { join } = await import('node:path');
    const { ROOT } = await import('../harness/runner.js');
    const child = spawn(
      process.execPath,
      [
        join(ROOT, 'node_modules', 'tsx', 'dist', 'cli.mjs'),
        join(ROOT, 'test', 'simulator', 'main.ts'),
        '--scenario',
        join(ROOT, 'test', 'simulator', 'scenarios', 'demo.json'),
        '--quiet',
      ],
      { stdio: ['ignore', 'pipe', 'pipe'] },
    );
    try {
      const endpoint = await new Promise<string>((resolve, reject) => {
        let out = '';
        child.stdout.on('data', (d: Buffer) => {
          out += d.toString();
          const m = /listening on (http:\/\/127\.0\.0\.1:\d+)/.exec(out);
          if (m) resolve(m[1]!);
        });
        child.on('exit', (code) => reject(new Error(`simulator exited with ${code}: ${out}`)));
      });
      const client = new ECRClient({ region: 'us-east-1', endpoint, maxAttempts: 1 });
      const out = await client.send(new DescribeRepositoriesCommand({}));
      expect(out.repositories?.map((r) => r.repositoryName)).toEqual(['web', 'worker']);
    } finally {
      child.kill('SIGTERM');
    }
  }, 30_000);
});
