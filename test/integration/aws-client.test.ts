// The client factory against the simulator: region, endpoint settings, proxy, retries, error tagging.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { connect } from 'node:net';
import { DescribeImagesCommand, EC2Client } from '@aws-sdk/client-ec2';
import { ECRClient, GetAuthorizationTokenCommand } from '@aws-sdk/client-ecr';
import { afterAll, beforeAll, beforeEach, describe, expect, test } from '@jest/globals';
import { createClient, resolveRegion } from '../../src/aws/client.js';
import { explainError } from '../../src/aws/errors.js';
import { type Simulator, simulatorEnv, startSimulator } from '../simulator/server.js';

let sim: Simulator;
let proxy: Server;
let tunnels: string[] = [];
const saved = { ...process.env };

beforeAll(async () => {
  sim = await startSimulator({ scenario: { principals: { AKIANO: { deny: ['*'] } } } });
  // A CONNECT proxy on loopback that records where it tunnels to.
  proxy = createServer();
  proxy.on('connect', (req, socket, head) => {
    tunnels.push(req.url ?? '');
    const [host, port] = (req.url ?? '').split(':');
    const upstream = connect(Number(port), host, () => {
      socket.write('HTTP/1.1 200 Connection Established\r\n\r\n');
      upstream.write(head);
      upstream.pipe(socket);
      socket.pipe(upstream);
    });
    upstream.on('error', () => socket.destroy());
    socket.on('error', () => upstream.destroy());
  });
  await new Promise<void>((r) => proxy.listen(0, '127.0.0.1', r));
});
afterAll(async () => {
  process.env = saved;
  await sim.close();
  proxy.closeAllConnections();
  await new Promise((r) => proxy.close(r));
});
beforeEach(() => {
  process.env = { ...saved, ...simulatorEnv(sim) };
  sim.requests.length = 0;
  sim.clearFaults();
  tunnels = [];
});

describe('resolveRegion', () => {
  test('input first, then AWS_REGION, then AWS_DEFAULT_REGION', () => {
    expect(resolveRegion('eu-west-1', { AWS_REGION: 'us-east-1' })).toBe('eu-west-1');
    expect(resolveRegion(undefined, { AWS_REGION: 'us-east-2', AWS_DEFAULT_REGION: 'us-west-1' })).toBe(
      'us-east-2',
    );
    expect(resolveRegion(undefined, { AWS_DEFAULT_REGION: 'us-west-1' })).toBe('us-west-1');
  });
  test('none, or a malformed one, is a clear error', () => {
    expect(() => resolveRegion(undefined, {})).toThrow(
      "No AWS region is set: give the 'region' input, or set AWS_REGION",
    );
    expect(() => resolveRegion(undefined, { AWS_REGION: 'Frankfurt' })).toThrow(
      'The environment variable AWS_REGION is "Frankfurt", which is not an AWS region code',
    );
  });
});

describe('createClient', () => {
  test('sends the ecs-shipyard user agent and reaches the endpoint from AWS_ENDPOINT_URL', async () => {
    const client = createClient(ECRClient, { region: 'eu-north-1', action: 'ecr-login', env: process.env });
    await client.send(new GetAuthorizationTokenCommand({}));
    expect(sim.requests[0]).toMatchObject({ region: 'eu-north-1', status: 200 });
    expect(sim.requests[0]!.userAgent).toMatch(/ecs-shipyard\/\d+\.\d+\.\d+/);
    expect(sim.requests[0]!.userAgent).toContain('ecr-login');
  });

  test('the service-specific AWS_ENDPOINT_URL_ECR wins over AWS_ENDPOINT_URL', async () => {
    process.env['AWS_ENDPOINT_URL'] = 'http://127.0.0.1:9'; // nothing listens there
    process.env['AWS_ENDPOINT_URL_ECR'] = sim.endpoint;
    const client = createClient(ECRClient, { region: 'us-east-1', action: 't', env: process.env });
    await client.send(new GetAuthorizationTokenCommand({}));
    expect(sim.requests).toHaveLength(1);
  });

  test('max attempts come from the options, then AWS_MAX_ATTEMPTS; throttling is retried that many times', async () => {
    sim.addFault({ operation: 'GetAuthorizationToken', kind: 'throttle' });
    const client = createClient(ECRClient, {
      region: 'us-east-1',
      action: 't',
      env: { AWS_MAX_ATTEMPTS: '2' },
    });
    const error = await client.send(new GetAuthorizationTokenCommand({})).catch((e: unknown) => e);
    expect(sim.requests).toHaveLength(2);
    expect(explainError(error)).toMatch(
      /kept throttling ecr:GetAuthorizationToken in us-east-1 after 2 attempts/,
    );
  });

  describe('an answer that is not from AWS', () => {
    const explained = async (
      client: { send(c: unknown): Promise<unknown> },
      command: unknown,
    ): Promise<string> => explainError(await client.send(command).catch((e: unknown) => e));

    test.each([
      [
        'awsJson1_1 (ECR)',
        () => createClient(ECRClient, { region: 'us-east-1', action: 't', env: { AWS_MAX_ATTEMPTS: '2' } }),
        () => new GetAuthorizationTokenCommand({}),
      ],
      [
        'ec2 query (EC2)',
        () => createClient(EC2Client, { region: 'us-east-1', action: 't', env: { AWS_MAX_ATTEMPTS: '2' } }),
        () => new DescribeImagesCommand({ ImageIds: ['ami-12345678'] }),
      ],
    ] as [string, () => unknown, () => unknown][])(
      "a proxy's HTML 502 through %s: said as such, without the SDK's $response hint",
      async (_name, make, command) => {
        sim.addFault({ operation: '*', kind: 'html', status: 502 });
        const message = await explained(make() as never, command());
        expect(message).toMatch(
          / was answered with HTTP 502 and a text\/html body( \("502 Bad Gateway"\))?, which is not an answer from AWS after 2 attempts[^:]*: a proxy or load balancer between the runner and AWS answered instead/,
        );
        expect(message).not.toMatch(/\$response|Deserialization error|usually passing/);
      },
    );

    test('an HTML 404 (no such API at that endpoint) is not called passing', async () => {
      sim.addFault({ operation: '*', kind: 'html', status: 404 });
      const client = createClient(ECRClient, { region: 'us-east-1', action: 't', env: {} });
      const message = await explained(client as never, new GetAuthorizationTokenCommand({}));
      expect(message).toMatch(
        /was answered with HTTP 404 and a text\/html body, which is not an answer from AWS: whatever answered does not speak this service's API/,
      );
      expect(message).not.toMatch(/re-run|passing/);
    });

    test('a JSON 501 from AWS is not called passing; a JSON 503 is', async () => {
      const client = createClient(ECRClient, {
        region: 'us-east-1',
        action: 't',
        env: { AWS_MAX_ATTEMPTS: '1' },
      });
      sim.addFault({
        operation: '*',
        kind: 'error',
        status: 501,
        type: 'NotImplemented',
        message: 'Not implemented',
        count: 1,
      });
      expect(await explained(client as never, new GetAuthorizationTokenCommand({}))).toMatch(
        /HTTP 501, NotImplemented\)\. This does not pass by itself/,
      );
      sim.addFault({
        operation: '*',
        kind: 'error',
        status: 503,
        type: 'ServiceUnavailableException',
        message: 'Slow down',
        count: 1,
      });
      expect(await explained(client as never, new GetAuthorizationTokenCommand({}))).toMatch(
        /HTTP 503, ServiceUnavailableException\)\. This is usually passing: re-run the job\./,
      );
    });
  });

  test('errors carry the IAM action and region', async () => {
    process.env['AWS_ACCESS_KEY_ID'] = 'AKIANO';
    const client = createClient(ECRClient, { region: 'sa-east-1', action: 't', env: process.env });
    const error = await client.send(new GetAuthorizationTokenCommand({})).catch((e: unknown) => e);
    expect(explainError(error)).toMatch(/^AWS denied ecr:GetAuthorizationToken in sa-east-1/);
  });

  test('HTTP_PROXY routes calls through the proxy; NO_PROXY bypasses it', async () => {
    const env = { HTTP_PROXY: `http://127.0.0.1:${(proxy.address() as AddressInfo).port}` };
    await createClient(ECRClient, { region: 'us-east-1', action: 't', env }).send(
      new GetAuthorizationTokenCommand({}),
    );
    expect(tunnels).toEqual([`127.0.0.1:${sim.port}`]);
    expect(sim.requests).toHaveLength(1);

    await createClient(ECRClient, {
      region: 'us-east-1',
      action: 't',
      env: { ...env, NO_PROXY: 'localhost,127.0.0.1' },
    }).send(new GetAuthorizationTokenCommand({}));
    expect(tunnels).toHaveLength(1);
    expect(sim.requests).toHaveLength(2);
  });
});
