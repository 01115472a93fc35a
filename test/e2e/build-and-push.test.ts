// build-and-push runs for real: its run: steps through bash with the runner's files, the ecr-repository
// and ecr-login bundles against the simulator, and `docker` as a stand-in (no Docker engine here) that
// records what buildx was asked and, where Debian's registry and skopeo are installed, pushes a real image
// with the credentials the login left, so that the digest output is checked against a real registry.
import { spawnSync } from 'node:child_process';
import { mkdir, mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { createHash } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { runComposite } from '../harness/composite.js';
import { makeFakeDocker, type FakeDocker } from '../harness/fake-docker.js';
import { writeOciImage } from '../harness/oci.js';
import { type Registry, requireTools, startRegistry } from '../harness/tools.js';
import { type Simulator, simulatorEnv, startSimulator } from '../simulator/server.js';
import { ecrState, registryPassword } from '../simulator/services/ecr.js';

const ACCOUNT = '111122223333';
let sim: Simulator;
let workspace: string;

beforeAll(async () => {
  sim = await startSimulator({
    scenario: {
      account: ACCOUNT,
      ecr: { repositories: [{ name: 'api', imageTagMutability: 'IMMUTABLE', scanOnPush: true }] },
    },
  });
  // The caller's checkout: a Dockerfile in app/.
  workspace = await mkdtemp(join(tmpdir(), 'workspace-'));
  await mkdir(join(workspace, 'app'));
  await writeFile(join(workspace, 'app', 'Dockerfile'), 'FROM scratch\nCOPY hello.txt /\n');
});
afterAll(() => sim.close());

async function dockerCalls(docker: FakeDocker): Promise<string[][]> {
  const text = await readFile(docker.logFile, 'utf8').catch(() => '');
  return text
    .split('\n')
    .filter(Boolean)
    .map((l) => (JSON.parse(l) as { args: string[] }).args);
}

async function run(inputs: Record<string, string>, extraEnv: Record<string, string> = {}) {
  const docker = await makeFakeDocker();
  const result = await runComposite('build-and-push', {
    inputs,
    workspace,
    dir: docker.dir,
    env: {
      ...simulatorEnv(sim),
      PATH: `${docker.binDir}:${dirname(process.execPath)}:/usr/bin:/bin`,
      FAKE_DOCKER_STORE: 'config',
      ...extraEnv,
    },
  });
  return { result, docker, calls: await dockerCalls(docker) };
}

test('an existing repository with immutable tags: checks, logs in, builds with the asked flags, outputs the image by digest, logs out', async () => {
  sim.requests.length = 0;
  const { result, calls, docker } = await run({
    repository: 'api',
    tags: 'v1.2.3, latest',
    context: 'app',
    platforms: 'linux/amd64\nlinux/arm64',
    'build-args': 'VERSION=1.2.3\nNOTE=a, b and c',
    labels: 'org.opencontainers.image.source=https://github.com/octo-org/octo-app',
  });
  expect(result.errors).toEqual([]);
  expect(result.exitCode).toBe(0);
  const uri = `${ACCOUNT}.dkr.ecr.us-east-1.amazonaws.com/api`;
  expect(result.outputs['repository-uri']).toBe(uri);
  expect(result.outputs['created']).toBe('false');
  expect(result.outputs['image']).toMatch(new RegExp(`^${uri.replace(/\./g, '\\.')}@sha256:[0-9a-f]{64}$`));
  expect(result.outputs['image']).toBe(`${uri}@${result.outputs['digest']}`);
  expect(JSON.parse(result.outputs['tags']!)).toEqual([`${uri}:v1.2.3`, `${uri}:latest`]);

  const build = calls.find((c) => c[0] === 'buildx' && c[1] === 'build')!;
  const flag = (name: string) => build.flatMap((a, i) => (a === name ? [build[i + 1]] : []));
  expect(flag('--tag')).toEqual([`${uri}:v1.2.3`, `${uri}:latest`]);
  expect(flag('--platform')).toEqual(['linux/amd64,linux/arm64']);
  expect(flag('--build-arg')).toEqual(['VERSION=1.2.3', 'NOTE=a, b and c']);
  expect(flag('--label')).toEqual(['org.opencontainers.image.source=https://github.com/octo-org/octo-app']);
  expect(build).toContain('--push');
  expect(build).toContain('--provenance=false');
  expect(build.at(-1)).toBe('app');
  // Tags are immutable and the cache tag is not exempt: the cache is read, not written, and the user is told.
  expect(flag('--cache-from')).toEqual([`type=registry,ref=${uri}:buildcache`]);
  expect(flag('--cache-to')).toEqual([]);
  expect(result.warnings.join('\n')).toMatch(/IMMUTABLE and buildcache is not exempt/);

  // Logged in before the build, out after it.
  const order = calls.map((c) => (c[0] === 'buildx' ? `buildx ${c[1]}` : c[0]));
  expect(order.indexOf('login')).toBeLessThan(order.indexOf('buildx build'));
  expect(order.at(-1)).toBe('logout');
  const config = JSON.parse(await readFile(join(docker.dir, '.docker', 'config.json'), 'utf8'));
  expect(config.auths).toEqual({});
  // The AWS calls: the repository looked up, one token; nothing created.
  expect(sim.requests.map((r) => r.operation)).toEqual(['DescribeRepositories', 'GetAuthorizationToken']);
});

test('a missing repository is created with scanning on push, immutable tags and the cache tag exempt, and the cache is written', async () => {
  const { result, calls } = await run({
    repository: 'team/web',
    'create-repository': 'true',
    context: 'app',
  });
  expect(result.errors).toEqual([]);
  expect(result.outputs['created']).toBe('true');
  const repo = ecrState(sim).repositories.find((r) => r.name === 'team/web')!;
  expect(repo).toMatchObject({
    scanOnPush: true,
    imageTagMutability: 'IMMUTABLE_WITH_EXCLUSION',
    exclusions: ['buildcache'],
  });
  const build = calls.find((c) => c[1] === 'build')!;
  const uri = `${ACCOUNT}.dkr.ecr.us-east-1.amazonaws.com/team/web`;
  // The default tag is the commit SHA.
  expect(build).toContain(`${uri}:0123456789abcdef0123456789abcdef01234567`);
  expect(build).toContain(
    `type=registry,ref=${uri}:buildcache,mode=max,image-manifest=true,oci-mediatypes=true`,
  );
  expect(result.warnings).toEqual([]);
});

test.each([
  [{ tags: 'v1, bad tag!' }, /Input 'tags' has the value "bad tag!", which is not accepted: Docker tags/],
  [{ platforms: 'amd64' }, /Input 'platforms' has the value "amd64".*linux\/amd64/],
  [{ 'build-args': 'VERSION' }, /Input 'build-args' has the value "VERSION".*NAME=value/],
  [{ cache: 'yes' }, /Input 'cache' has the value "yes".*true or false/],
  [{ context: 'missing' }, /Input 'context' has the value "missing".*folder of the workspace/],
  [
    { file: 'app/Containerfile' },
    /Input 'file' has the value "app\/Containerfile".*looked for app\/Containerfile/,
  ],
  [{ tags: 'v1,buildcache' }, /also the cache-tag/],
  [{ builder: 'nope' }, /Input 'builder' has the value "nope".*docker buildx ls/],
  [{ repository: 'Web' }, /Input 'repository' has the value "Web".*lower case/],
  [{ labels: 'no-value' }, /Input 'labels' has the value "no-value".*name=value/],
  [{ 'cache-tag': 'bad tag' }, /Input 'cache-tag' has the value "bad tag"/],
  [{ provenance: 'maybe' }, /Input 'provenance' has the value "maybe".*true or false/],
  [{ logout: 'no' }, /Input 'logout' has the value "no".*true or false/],
  [{ 'create-repository': 'yes' }, /Input 'create-repository' has the value "yes"/],
  [{ target: '-x' }, /Input 'target' has the value "-x".*build stage name/],
  [{ 'scan-on-push': 'on' }, /Input 'scan-on-push' has the value "on"/],
  [{ 'tag-mutability': 'FROZEN' }, /Input 'tag-mutability' has the value "FROZEN"/],
  [{ registry: '12345' }, /Input 'registry' has the value "12345"/],
  [{ region: 'mars-1' }, /Input 'region' has the value "mars-1"/],
] as [Record<string, string>, RegExp][])(
  'bad input %j fails before any AWS call or build',
  async (bad, message) => {
    sim.requests.length = 0;
    const { result, calls } = await run({ repository: 'api', context: 'app', ...bad });
    expect(result.exitCode).toBe(1);
    expect(result.errors).toHaveLength(1);
    expect(result.errors[0]).toMatch(message);
    expect(sim.requests).toEqual([]);
    expect(calls.some((c) => c[1] === 'build' || c[0] === 'login')).toBe(false);
  },
);

test('no buildx: said up front, with what to add', async () => {
  const { result } = await run({ repository: 'api', context: 'app' }, { FAKE_DOCKER_MODE: 'no-buildx' });
  expect(result.errors[0]).toMatch(/docker buildx is not available: add docker\/setup-buildx-action/);
});

test('a repository that does not exist, without create-repository: one clear message, no login, no build', async () => {
  const { result, calls } = await run({ repository: 'nothere', context: 'app' });
  expect(result.exitCode).toBe(1);
  expect(result.errors).toEqual([
    expect.stringMatching(/The ECR repository 'nothere' does not exist .* create-repository: true/),
  ]);
  expect(calls.some((c) => c[0] === 'login' || c[1] === 'build')).toBe(false);
});

test('a failed build fails the step, and the registry login is still taken away', async () => {
  const { result, calls, docker } = await run(
    { repository: 'api', context: 'app' },
    { FAKE_DOCKER_MODE: 'build-fail' },
  );
  expect(result.exitCode).toBe(1);
  expect(result.stdout).toContain('failed to solve');
  expect(calls.at(-1)?.[0]).toBe('logout');
  const config = JSON.parse(await readFile(join(docker.dir, '.docker', 'config.json'), 'utf8'));
  expect(config.auths).toEqual({});
});

const ready = requireTools(
  ['docker-registry', 'skopeo', 'htpasswd'],
  'build-and-push against a real registry',
);
(ready ? describe : describe.skip)('with a real registry', () => {
  let registry: Registry;
  let realSim: Simulator;
  beforeAll(async () => {
    const work = await mkdtemp(join(tmpdir(), 'build-push-registry-'));
    realSim = await startSimulator({ scenario: { account: ACCOUNT } });
    const password = registryPassword(realSim, ACCOUNT, 'us-east-1');
    registry = await startRegistry(work, 'AWS', password);
    realSim.scenario.ecr = { registries: { [ACCOUNT]: { endpoint: `http://${registry.host}`, password } } };
  });
  afterAll(async () => {
    await registry?.stop();
    await realSim?.close();
  });

  test('the image is pushed with the login the composite made, and the digest output is the one the registry serves', async () => {
    const image = await writeOciImage(join(workspace, 'oci'), 'latest', 'built by the test\n');
    const docker = await makeFakeDocker();
    const result = await runComposite('build-and-push', {
      inputs: { repository: 'web', 'create-repository': 'true', context: 'app', tags: 'v1' },
      workspace,
      dir: docker.dir,
      env: {
        ...simulatorEnv(realSim),
        PATH: `${docker.binDir}:${dirname(process.execPath)}:/usr/bin:/bin`,
        FAKE_DOCKER_STORE: 'config',
        FAKE_BUILDX_OCI: `${image.dir}:${image.tag}`,
      },
    });
    expect(result.errors).toEqual([]);
    expect(result.outputs['image']).toBe(`${registry.host}/web@${image.manifestDigest}`);
    const password = registryPassword(realSim, ACCOUNT, 'us-east-1');
    const inspect = spawnSync(
      'skopeo',
      [
        'inspect',
        '--raw',
        '--tls-verify=false',
        '--creds',
        `AWS:${password}`,
        `docker://${result.outputs['image']}`,
      ],
      { encoding: 'utf8', env: { ...process.env, HOME: docker.dir } },
    );
    expect(inspect.status).toBe(0);
    expect(`sha256:${createHash('sha256').update(inspect.stdout).digest('hex')}`).toBe(
      result.outputs['digest'],
    );
  });
});
if (!ready)
  test('build-and-push against a real registry needs docker-registry, skopeo and htpasswd (skipped here)', () => {});
