import { existsSync } from 'node:fs';
import { mkdir, readFile, stat, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, test } from '@jest/globals';
import { makeFakeDocker } from '../harness/fake-docker.js';
import { type RunResult, runAction, visibleText } from '../harness/runner.js';
import { type Simulator, simulatorEnv, startSimulator } from '../simulator/server.js';
import { registryPassword } from '../simulator/services/ecr.js';

const ACCOUNT = '111122223333';
const OTHER = '444455556666';
const LEADING_ZERO = '012345678901';
// PATH with node but without any docker command, for config-file logins.
const NO_DOCKER_PATH = dirname(process.execPath);

let sim: Simulator;

beforeAll(async () => {
  sim = await startSimulator({
    scenario: {
      account: ACCOUNT,
      principals: {
        AKIADENIED: {
          arn: 'arn:aws:sts::111122223333:assumed-role/readonly/ci',
          deny: ['ecr:GetAuthorizationToken'],
        },
        AKIADENIEDPUBLIC: { deny: ['sts:GetServiceBearerToken'] },
        AKIAEXPIRED: { expired: true },
      },
    },
  });
});
afterAll(() => sim.close());
beforeEach(() => {
  sim.requests.length = 0;
  sim.clearFaults();
});

function env(extra: Record<string, string | undefined> = {}) {
  return { ...simulatorEnv(sim, 'us-east-1'), PATH: NO_DOCKER_PATH, ...extra };
}

async function dockerConfig(result: RunResult) {
  return JSON.parse(await readFile(join(result.dir, '.docker', 'config.json'), 'utf8')) as {
    auths: Record<string, { auth: string }>;
  };
}

const authOf = (password: string) => Buffer.from(`AWS:${password}`).toString('base64');

describe('ecr-login, run from dist as the runner runs it', () => {
  test('logs in to the default registry through the config file; the post step removes it again', async () => {
    const result = await runAction('ecr-login', { env: env(), post: false });
    expect(result.errors).toEqual([]);
    expect(result.exitCode).toBe(0);
    const registry = `${ACCOUNT}.dkr.ecr.us-east-1.amazonaws.com`;
    const password = registryPassword(sim, ACCOUNT, 'us-east-1');
    expect(result.outputs['registry']).toBe(registry);
    expect(JSON.parse(result.outputs['registries']!)).toEqual([registry]);
    expect(result.outputs['docker_username_111122223333_dkr_ecr_us_east_1_amazonaws_com']).toBe('AWS');
    expect(result.outputs['docker_password_111122223333_dkr_ecr_us_east_1_amazonaws_com']).toBe(password);
    expect(Date.parse(result.outputs['token-expires-at']!)).toBeGreaterThan(Date.now() + 11 * 3600_000);
    expect((await dockerConfig(result)).auths[registry]).toEqual({ auth: authOf(password) });
    expect((await stat(join(result.dir, '.docker', 'config.json'))).mode & 0o777).toBe(0o600);
    expect(result.summary).toContain(registry);
    expect(result.summary).not.toContain(password);

    // The post step, as the runner calls it at the end of the job.
    const post = await runAction('ecr-login', { env: env(), dir: result.dir, post: true });
    expect(post.post?.exitCode).toBe(0);
    // The second run logged in again and its own post removed its entry; nothing is left behind.
    expect((await dockerConfig(post)).auths).toEqual({});
  });

  test('registries in two regions and two accounts: one call per region, each asked in its own region', async () => {
    const west = `${OTHER}.dkr.ecr.eu-west-1.amazonaws.com`;
    const result = await runAction('ecr-login', {
      inputs: { registries: `${ACCOUNT}, ${LEADING_ZERO}\nhttps://${west}/` },
      env: env(),
      post: false,
    });
    expect(result.errors).toEqual([]);
    const calls = sim.calls('GetAuthorizationToken');
    expect(calls.map((c) => [c.region, c.params['registryIds']]).sort()).toEqual([
      ['eu-west-1', [OTHER]],
      ['us-east-1', [ACCOUNT, LEADING_ZERO]],
    ]);
    const expected = [
      `${ACCOUNT}.dkr.ecr.us-east-1.amazonaws.com`,
      `${LEADING_ZERO}.dkr.ecr.us-east-1.amazonaws.com`,
      west,
    ];
    expect(JSON.parse(result.outputs['registries']!)).toEqual(expected);
    expect(result.outputs['registry']).toBeUndefined();
    expect(Object.keys((await dockerConfig(result)).auths).sort()).toEqual([...expected].sort());
    expect(result.outputs[`docker_password_${OTHER}_dkr_ecr_eu_west_1_amazonaws_com`]).toBe(
      registryPassword(sim, OTHER, 'eu-west-1'),
    );
  });

  test('Docker CLI: the password goes on standard input, never on the command line; post logs out', async () => {
    const docker = await makeFakeDocker();
    const result = await runAction('ecr-login', {
      inputs: { 'login-mode': 'docker' },
      env: env({ PATH: `${docker.binDir}:${NO_DOCKER_PATH}` }),
      dir: docker.dir,
    });
    expect(result.errors).toEqual([]);
    const password = registryPassword(sim, ACCOUNT, 'us-east-1');
    const calls = (await readFile(docker.logFile, 'utf8'))
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as { args: string[]; stdin: string });
    const registry = `${ACCOUNT}.dkr.ecr.us-east-1.amazonaws.com`;
    expect(calls[0]).toEqual({
      args: ['login', '--username', 'AWS', '--password-stdin', registry],
      stdin: password,
    });
    expect(calls.flatMap((c) => c.args).join(' ')).not.toContain(password);
    expect(result.post?.exitCode).toBe(0);
    expect(calls[1]?.args).toEqual(['logout', registry]);
  });

  test('auto mode falls back to the config file when the Docker daemon does not answer', async () => {
    const docker = await makeFakeDocker();
    const result = await runAction('ecr-login', {
      env: env({ PATH: `${docker.binDir}:${NO_DOCKER_PATH}`, FAKE_DOCKER_MODE: 'no-daemon' }),
      dir: docker.dir,
      post: false,
    });
    expect(result.exitCode).toBe(0);
    expect(result.stdout).toContain('no Docker daemon answers');
    expect(Object.keys((await dockerConfig(result)).auths)).toEqual([
      `${ACCOUNT}.dkr.ecr.us-east-1.amazonaws.com`,
    ]);
  });

  test('a failing docker login shows its stderr but not the password', async () => {
    const docker = await makeFakeDocker();
    const result = await runAction('ecr-login', {
      inputs: { 'login-mode': 'docker', 'mask-password': 'false' },
      env: env({ PATH: `${docker.binDir}:${NO_DOCKER_PATH}`, FAKE_DOCKER_MODE: 'fail' }),
      dir: docker.dir,
    });
    expect(result.exitCode).toBe(1);
    expect(result.errors.join('\n')).toContain('401 Unauthorized');
    expect(visibleText(result)).not.toContain(registryPassword(sim, ACCOUNT, 'us-east-1'));
  });

  test('ECR Public: asked in us-east-1 whatever the region, registry public.ecr.aws', async () => {
    const result = await runAction('ecr-login', {
      inputs: { 'registry-type': 'public', region: 'eu-central-1' },
      env: env(),
      post: false,
    });
    expect(result.errors).toEqual([]);
    expect(result.outputs['registry']).toBe('public.ecr.aws');
    expect(result.outputs['docker_password_public_ecr_aws']).toBe(
      registryPassword(sim, 'public', 'us-east-1'),
    );
    expect(sim.calls('GetAuthorizationToken').map((c) => [c.service, c.region])).toEqual([
      ['ecr-public', 'us-east-1'],
    ]);
  });

  test('merges into an existing Docker config ($DOCKER_CONFIG) and keeps what was there', async () => {
    const { dir } = await makeFakeDocker();
    const configPath = join(dir, 'docker-config', 'config.json');
    await mkdir(dirname(configPath), { recursive: true });
    const existing = {
      auths: { 'ghcr.io': { auth: 'Z2hjcjp0b2tlbg==' } },
      proxies: { default: { httpProxy: 'http://proxy:3128' } },
    };
    await writeFile(configPath, JSON.stringify(existing));
    const result = await runAction('ecr-login', {
      inputs: { registries: `${ACCOUNT}\n${OTHER}` },
      env: env({ DOCKER_CONFIG: dirname(configPath) }),
      dir,
      post: false,
    });
    expect(result.exitCode).toBe(0);
    const merged = JSON.parse(await readFile(configPath, 'utf8'));
    expect(merged.proxies).toEqual(existing.proxies);
    expect(Object.keys(merged.auths).sort()).toEqual(
      [
        'ghcr.io',
        `${ACCOUNT}.dkr.ecr.us-east-1.amazonaws.com`,
        `${OTHER}.dkr.ecr.us-east-1.amazonaws.com`,
      ].sort(),
    );
    expect((await stat(configPath)).mode & 0o777).toBe(0o600);
  });

  test('the post step removes only unchanged entries it wrote', async () => {
    const result = await runAction('ecr-login', {
      inputs: { registries: `${ACCOUNT}\n${OTHER}` },
      env: env(),
      post: false,
    });
    const configPath = join(result.dir, '.docker', 'config.json');
    const config = JSON.parse(await readFile(configPath, 'utf8'));
    const changed = `${OTHER}.dkr.ecr.us-east-1.amazonaws.com`;
    config.auths[changed] = { auth: 'c29tZW9uZTplbHNl' };
    config.auths['docker.io'] = { auth: 'dXNlcjpwYXNz' };
    await writeFile(configPath, JSON.stringify(config));
    const { runPostOnly } = await import('../harness/post.js');
    const post = await runPostOnly('ecr-login', result);
    expect(post.exitCode).toBe(0);
    const after = JSON.parse(await readFile(configPath, 'utf8'));
    expect(Object.keys(after.auths).sort()).toEqual(['docker.io', changed].sort());
    expect(post.stdout).toContain(`Left ${changed}`);
  });

  test('a login fails after an earlier one succeeded: the post step still logs out of the earlier one', async () => {
    const docker = await makeFakeDocker();
    const first = `${ACCOUNT}.dkr.ecr.us-east-1.amazonaws.com`;
    const second = `${OTHER}.dkr.ecr.us-east-1.amazonaws.com`;
    const result = await runAction('ecr-login', {
      inputs: { registries: `${ACCOUNT}\n${OTHER}`, 'login-mode': 'docker' },
      // This fake docker keeps its logins in the config file, so what is left behind can be read there.
      env: env({
        PATH: `${docker.binDir}:${NO_DOCKER_PATH}`,
        FAKE_DOCKER_STORE: 'config',
        FAKE_DOCKER_FAIL_LOGIN: second,
      }),
      dir: docker.dir,
      post: false,
    });
    expect(result.exitCode).toBe(1);
    expect(result.errors.join('\n')).toContain(`docker login to ${second} failed`);
    expect(Object.keys((await dockerConfig(result)).auths)).toEqual([first]);

    const { runPostOnly } = await import('../harness/post.js');
    const post = await runPostOnly('ecr-login', result);
    expect(post.exitCode).toBe(0);
    expect(post.stdout).toContain(`Logged out of ${first}.`);
    expect((await dockerConfig(result)).auths).toEqual({});
    const logouts = (await readFile(docker.logFile, 'utf8'))
      .trim()
      .split('\n')
      .map((l) => (JSON.parse(l) as { args: string[] }).args)
      .filter((a) => a[0] === 'logout');
    expect(logouts).toEqual([['logout', first]]);
  });

  test("the second region's token request fails: no login is made, and none is left after the post step", async () => {
    const west = `${OTHER}.dkr.ecr.eu-west-1.amazonaws.com`;
    sim.addFault({
      service: 'ecr',
      operation: 'GetAuthorizationToken',
      kind: 'error',
      status: 400,
      type: 'InvalidParameterException',
      message: 'Invalid parameter at registryIds',
      after: 1,
    });
    const result = await runAction('ecr-login', {
      inputs: { registries: `${ACCOUNT}\n${west}`, 'login-mode': 'config-file' },
      env: env(),
      post: false,
    });
    expect(result.exitCode).toBe(1);
    expect(result.errors[0]).toContain('InvalidParameterException');
    expect(sim.calls('GetAuthorizationToken').map((c) => c.status)).toEqual([200, 400]);
    // Every token is asked for before the first login, so a refused one leaves nothing to undo.
    const configPath = join(result.dir, '.docker', 'config.json');
    const authsNow = async () =>
      existsSync(configPath) ? Object.keys((await dockerConfig(result)).auths ?? {}) : [];
    expect(await authsNow()).toEqual([]);
    const { runPostOnly } = await import('../harness/post.js');
    const post = await runPostOnly('ecr-login', result);
    expect(post.exitCode).toBe(0);
    expect(await authsNow()).toEqual([]);
  });

  test('skip-logout: the post step leaves the logins in place', async () => {
    const result = await runAction('ecr-login', { inputs: { 'skip-logout': 'true' }, env: env() });
    expect(result.post?.exitCode).toBe(0);
    expect(Object.keys((await dockerConfig(result)).auths)).toEqual([
      `${ACCOUNT}.dkr.ecr.us-east-1.amazonaws.com`,
    ]);
  });

  test('passwords are masked before anything prints them, and appear nowhere visible', async () => {
    const docker = await makeFakeDocker();
    const result = await runAction('ecr-login', {
      inputs: { registries: `${ACCOUNT},${OTHER}`, 'login-mode': 'docker' },
      env: env({ PATH: `${docker.binDir}:${NO_DOCKER_PATH}`, ACTIONS_STEP_DEBUG: 'true', RUNNER_DEBUG: '1' }),
      dir: docker.dir,
    });
    expect(result.exitCode).toBe(0);
    const passwords = [
      registryPassword(sim, ACCOUNT, 'us-east-1'),
      registryPassword(sim, OTHER, 'us-east-1'),
    ];
    for (const p of passwords) {
      expect(result.masks).toContain(p);
      expect(result.masks).toContain(authOf(p));
      expect(visibleText(result)).not.toContain(p);
    }
    // Masks come first: the first line that is not a mask command follows them all.
    const lines = result.stdout.split('\n').filter((l) => l.trim());
    const firstMask = lines.findIndex((l) => l.startsWith('::add-mask::'));
    const firstLogin = lines.findIndex((l) => l.includes('Logged in to'));
    expect(firstMask).toBeGreaterThanOrEqual(0);
    expect(firstMask).toBeLessThan(firstLogin);
  });

  test('mask-password: false masks nothing and says so', async () => {
    const result = await runAction('ecr-login', {
      inputs: { 'mask-password': 'false' },
      env: env(),
      post: false,
    });
    expect(result.exitCode).toBe(0);
    expect(result.masks).toEqual([]);
    expect(result.warnings.join()).toContain('not masked');
  });

  test('the AWS calls carry the ecs-shipyard user agent', async () => {
    await runAction('ecr-login', { env: env(), post: false });
    expect(sim.calls('GetAuthorizationToken')[0]?.userAgent).toMatch(/ecs-shipyard\/\d+\.\d+\.\d+/);
  });
});

describe('ecr-login refuses bad input before any AWS call', () => {
  const cases: [string, Record<string, string>, Record<string, string | undefined>, RegExp][] = [
    [
      'no region anywhere',
      {},
      { AWS_REGION: undefined, AWS_DEFAULT_REGION: undefined },
      /No AWS region is set: give the 'region' input, or set AWS_REGION/,
    ],
    [
      'a malformed region',
      { region: 'US East' },
      {},
      /Input 'region' has the value "US East", which is not accepted: an AWS region code/,
    ],
    [
      'an account ID with letters',
      { registries: '1234abcd9012' },
      {},
      /Input 'registries' item 1 "1234abcd9012" is not accepted: expected AWS account IDs/,
    ],
    [
      'an account ID that lost its leading zero to YAML',
      { registries: '12345678901' },
      {},
      /11.*quote it in YAML \('012345678901'\)/,
    ],
    [
      'a registry URI with a typo',
      { registries: '111122223333.dkr.ecr.us-east-1.amazonaws.co' },
      {},
      /item 1 "111122223333.dkr.ecr.us-east-1.amazonaws.co" is not accepted: expected AWS account IDs \(123456789012\) or ECR registry URIs/,
    ],
    [
      'a repository instead of a registry',
      { registries: '111122223333.dkr.ecr.us-east-1.amazonaws.com/web' },
      {},
      /give the registry, not a repository: use "111122223333.dkr.ecr.us-east-1.amazonaws.com"/,
    ],
    [
      'registry-type public with private registries',
      { 'registry-type': 'public', registries: ACCOUNT },
      {},
      /'registry-type' is public, which logs in to public.ecr.aws only, but input 'registries' lists private registries \(111122223333\)/,
    ],
    [
      'public.ecr.aws with registry-type private',
      { registries: 'public.ecr.aws' },
      {},
      /lists public.ecr.aws, which is ECR Public: set registry-type: public/,
    ],
    [
      'mask-password: yes please',
      { 'mask-password': 'yes please' },
      {},
      /Input 'mask-password' has the value "yes please", which is not accepted: true or false \(YAML 1.2 booleans/,
    ],
    ['skip-logout: yes', { 'skip-logout': 'yes' }, {}, /Input 'skip-logout' has the value "yes"/],
    [
      'registry-type: Public',
      { 'registry-type': 'Public' },
      {},
      /one of private, public \(did you mean 'public'\? values are case-sensitive\)/,
    ],
    [
      'login-mode: podman',
      { 'login-mode': 'podman' },
      {},
      /Input 'login-mode' has the value "podman", which is not accepted: one of auto, docker, config-file/,
    ],
    [
      'login-mode: docker with no docker command',
      { 'login-mode': 'docker' },
      {},
      /'login-mode' is docker, but no docker command is on PATH/,
    ],
  ];
  test.each(cases)('%s', async (_name, inputs, extraEnv, message) => {
    const result = await runAction('ecr-login', { inputs, env: env(extraEnv) });
    expect(result.exitCode).toBe(1);
    expect(result.errors).toHaveLength(1);
    expect(result.errors[0]).toMatch(message);
    expect(sim.requests).toEqual([]);
    expect(result.post?.exitCode).toBe(0);
  });
});

describe('ecr-login explains AWS failures', () => {
  test('AccessDenied names the IAM action to grant', async () => {
    const result = await runAction('ecr-login', { env: env({ AWS_ACCESS_KEY_ID: 'AKIADENIED' }) });
    expect(result.exitCode).toBe(1);
    expect(result.errors[0]).toMatch(
      /AWS denied ecr:GetAuthorizationToken in us-east-1.*Grant 'ecr:GetAuthorizationToken' to the role/,
    );
    expect(result.errors[0]).toContain('arn:aws:sts::111122223333:assumed-role/readonly/ci');
  });

  test('ECR Public also needs sts:GetServiceBearerToken, and says so', async () => {
    const result = await runAction('ecr-login', {
      inputs: { 'registry-type': 'public' },
      env: env({ AWS_ACCESS_KEY_ID: 'AKIADENIEDPUBLIC' }),
    });
    expect(result.errors[0]).toMatch(
      /Grant 'ecr-public:GetAuthorizationToken' and 'sts:GetServiceBearerToken'/,
    );
  });

  test('expired credentials say how to refresh them', async () => {
    const result = await runAction('ecr-login', { env: env({ AWS_ACCESS_KEY_ID: 'AKIAEXPIRED' }) });
    expect(result.errors[0]).toMatch(/have expired/);
  });

  test('throttled on the first 3 calls: retried, then logged in; the retries are in the request log', async () => {
    sim.addFault({ service: 'ecr', operation: 'GetAuthorizationToken', kind: 'throttle', count: 3 });
    const result = await runAction('ecr-login', { env: env(), post: false });
    expect(result.errors).toEqual([]);
    expect(sim.calls('GetAuthorizationToken').map((c) => c.error ?? c.status)).toEqual([
      'ThrottlingException',
      'ThrottlingException',
      'ThrottlingException',
      200,
    ]);
  });

  test('throttled on every attempt: says it retried, and what to do', async () => {
    sim.addFault({ service: 'ecr', operation: 'GetAuthorizationToken', kind: 'throttle' });
    const result = await runAction('ecr-login', { env: env({ AWS_MAX_ATTEMPTS: '2' }) });
    expect(result.exitCode).toBe(1);
    expect(result.errors[0]).toMatch(
      /AWS kept throttling ecr:GetAuthorizationToken in us-east-1 after 2 attempts/,
    );
    expect(sim.calls('GetAuthorizationToken')).toHaveLength(2);
  });

  test('a dropped connection is retried', async () => {
    sim.addFault({ service: 'ecr', operation: 'GetAuthorizationToken', kind: 'drop', count: 1 });
    const result = await runAction('ecr-login', { env: env(), post: false });
    expect(result.errors).toEqual([]);
    expect(sim.calls('GetAuthorizationToken').map((c) => c.status)).toEqual([-1, 200]);
  });

  test('a server error on every attempt is explained as passing', async () => {
    sim.addFault({
      service: 'ecr',
      operation: 'GetAuthorizationToken',
      kind: 'error',
      status: 500,
      type: 'ServerException',
    });
    const result = await runAction('ecr-login', { env: env({ AWS_MAX_ATTEMPTS: '2' }) });
    expect(result.errors[0]).toMatch(
      /server error \(HTTP 500, ServerException\) after 2 attempts.*re-run the job/,
    );
  });

  test('no credentials at all says how to configure them', async () => {
    const result = await runAction('ecr-login', {
      env: env({
        AWS_ACCESS_KEY_ID: undefined,
        AWS_SECRET_ACCESS_KEY: undefined,
        AWS_CONFIG_FILE: '/nonexistent',
        AWS_SHARED_CREDENTIALS_FILE: '/nonexistent',
      }),
    });
    expect(result.exitCode).toBe(1);
    expect(result.errors[0]).toMatch(/No AWS credentials were found.*aws-actions\/configure-aws-credentials/);
    expect(sim.requests).toEqual([]);
  });
});

test('docs/ecr-login.md grants every IAM action the action calls (checked against the request log)', async () => {
  const { readFile } = await import('node:fs/promises');
  const { ROOT } = await import('../harness/runner.js');
  const docs = await readFile(join(ROOT, 'docs', 'ecr-login.md'), 'utf8');
  sim.requests.length = 0;
  await runAction('ecr-login', {
    inputs: { registries: `${ACCOUNT},${OTHER}.dkr.ecr.eu-west-1.amazonaws.com` },
    env: env(),
  });
  await runAction('ecr-login', { inputs: { 'registry-type': 'public' }, env: env() });
  const called = new Set(sim.requests.map((r) => `${r.service}:${r.operation}`));
  expect([...called].sort()).toEqual(['ecr-public:GetAuthorizationToken', 'ecr:GetAuthorizationToken']);
  for (const action of [...called, 'sts:GetServiceBearerToken']) expect(docs).toContain(`"${action}"`);
});
