// ecr-login's core in process: the plan (pure; docker lookup injected), and the run against the simulator
// through the real SDK clients, with the docker command faked at its interface (a CommandRunner).
import { existsSync } from 'node:fs';
import { mkdtemp, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, test } from '@jest/globals';
import { ECRClient } from '@aws-sdk/client-ecr';
import { ECRPUBLICClient } from '@aws-sdk/client-ecr-public';
import { createClient } from '../../src/aws/client.js';
import { getPrivateCredentials, type RegistryCredentials } from '../../src/ecr/auth.js';
import { type EcrLoginPlan, type EcrLoginSettings, planEcrLogin } from '../../src/ecr/login-plan.js';
import { type LoginRecord, newReport, runEcrLogin, runEcrLogout } from '../../src/ecr/login-run.js';
import { getPublicCredentials } from '../../src/ecr/public-auth.js';
import { parseRegistryRef, type RegistryRef } from '../../src/ecr/registry.js';
import type { CommandRunner } from '../../src/exec.js';
import { captureLog } from '../harness/core.js';
import { type Simulator, simulatorEnv, startSimulator } from '../simulator/server.js';
import { registryPassword } from '../simulator/services/ecr.js';

const ACCOUNT = '111122223333';
const OTHER = '444455556666';
const HERE = `${ACCOUNT}.dkr.ecr.us-east-1.amazonaws.com`;
const THERE = `${OTHER}.dkr.ecr.us-east-1.amazonaws.com`;
const WEST = `${OTHER}.dkr.ecr.eu-west-1.amazonaws.com`;

let sim: Simulator;
const saved = { ...process.env };

beforeAll(async () => {
  sim = await startSimulator({ scenario: { account: ACCOUNT } });
  // The SDK reads endpoints and credentials from process.env.
  Object.assign(process.env, { ...simulatorEnv(sim, 'us-east-1'), AWS_MAX_ATTEMPTS: '2' });
});
afterAll(async () => {
  process.env = saved;
  await sim.close();
});
beforeEach(() => {
  sim.requests.length = 0;
  sim.clearFaults();
});

const refs = (...items: string[]): RegistryRef[] =>
  items.map((i) => {
    const r = parseRegistryRef(i);
    if ('problem' in r) throw new Error(r.problem);
    return r;
  });

function settings(over: Partial<EcrLoginSettings> = {}): EcrLoginSettings {
  return {
    registries: [],
    'registry-type': 'private',
    region: undefined,
    'login-mode': 'auto',
    'mask-password': true,
    'skip-logout': false,
    ...over,
  };
}

const ENV = { AWS_REGION: 'us-east-1', HOME: '/home/runner' };
const noDocker = async () => undefined;
const docker = async () => '/usr/bin/docker';

describe('plan', () => {
  test('account IDs are asked in the step region, URIs in their own; the order given is kept', async () => {
    const { log } = captureLog();
    const plan = await planEcrLogin(
      settings({ registries: refs(ACCOUNT, WEST, OTHER), region: 'us-east-2' }),
      ENV,
      log,
      noDocker,
    );
    expect(plan.region).toBe('us-east-2');
    expect(plan.registries.map((r) => r.accountId)).toEqual([ACCOUNT, OTHER, OTHER]);
    expect([...plan.requests].map(([region, rs]) => [region, rs.map((r) => r.accountId)])).toEqual([
      ['us-east-2', [ACCOUNT, OTHER]],
      ['eu-west-1', [OTHER]],
    ]);
    expect(plan.configPath).toBe('/home/runner/.docker/config.json');
    expect(plan.docker).toBeUndefined();
  });

  test('no registries: the default registry, asked in AWS_REGION', async () => {
    const plan = await planEcrLogin(settings(), { AWS_REGION: 'eu-central-1' }, captureLog().log, noDocker);
    expect([...plan.requests]).toEqual([['eu-central-1', []]]);
  });

  test('ECR Public is asked in us-east-1 whatever the region, and needs no region at all', async () => {
    const { log, lines } = captureLog();
    const plan = await planEcrLogin(
      settings({ 'registry-type': 'public', region: 'eu-central-1' }),
      {},
      log,
      noDocker,
    );
    expect(plan.region).toBe('us-east-1');
    expect([...plan.requests.keys()]).toEqual(['us-east-1']);
    expect(lines.join()).toContain("asking there (input 'region' is eu-central-1)");
    await expect(
      planEcrLogin(settings({ 'registry-type': 'public' }), {}, log, noDocker),
    ).resolves.toBeTruthy();
  });

  test('config-file mode does not look for docker; docker and auto do', async () => {
    const looked: string[] = [];
    const find = async () => {
      looked.push('docker');
      return '/usr/bin/docker';
    };
    const log = captureLog().log;
    expect((await planEcrLogin(settings({ 'login-mode': 'config-file' }), ENV, log, find)).docker).toBe(
      undefined,
    );
    expect(looked).toEqual([]);
    expect((await planEcrLogin(settings({ 'login-mode': 'auto' }), ENV, log, find)).docker).toBe(
      '/usr/bin/docker',
    );
    expect((await planEcrLogin(settings({ 'login-mode': 'docker' }), ENV, log, find)).docker).toBe(
      '/usr/bin/docker',
    );
  });

  test.each<[string, Partial<EcrLoginSettings>, Record<string, string>, RegExp]>([
    [
      'private registries with registry-type public',
      { 'registry-type': 'public', registries: refs(ACCOUNT, WEST) },
      ENV,
      /'registry-type' is public.*lists private registries \(111122223333, 444455556666.dkr.ecr.eu-west-1.amazonaws.com\)/,
    ],
    [
      'public.ecr.aws with registry-type private',
      { registries: refs('public.ecr.aws') },
      ENV,
      /lists public.ecr.aws, which is ECR Public/,
    ],
    ['no region anywhere', {}, {}, /No AWS region is set/],
    ['a malformed AWS_REGION', {}, { AWS_REGION: 'Frankfurt' }, /AWS_REGION is "Frankfurt"/],
    [
      'login-mode docker with no docker on PATH',
      { 'login-mode': 'docker' },
      ENV,
      /'login-mode' is docker, but no docker command is on PATH/,
    ],
  ])('refuses %s', async (_name, over, env, message) => {
    await expect(planEcrLogin(settings(over), env, captureLog().log, noDocker)).rejects.toThrow(message);
  });
});

/** A docker command faked at its interface: records each call; fails the logins it is told to. */
function fakeDocker(fail: { registries?: string[]; noDaemon?: boolean } = {}) {
  const calls: { args: readonly string[]; input: string | undefined }[] = [];
  const runner: CommandRunner = {
    run: async (_command, args, options = {}) => {
      calls.push({ args, input: options.input });
      const registry = args[args.length - 1]!;
      if (args[0] === 'login' && fail.noDaemon)
        return {
          code: 1,
          stdout: '',
          stderr: 'Cannot connect to the Docker daemon at unix:///var/run/docker.sock.',
        };
      if (args[0] === 'login' && fail.registries?.includes(registry))
        return {
          code: 1,
          stdout: '',
          stderr: `login attempt to https://${registry}/v2/ failed: 401 Unauthorized`,
        };
      return { code: 0, stdout: args[0] === 'login' ? 'Login Succeeded\n' : '', stderr: '' };
    },
  };
  return { runner, calls };
}

async function privatePlan(registries: string[], over: Partial<EcrLoginSettings> = {}) {
  const home = await mkdtemp(join(tmpdir(), 'shipyard-ecr-login-'));
  const plan = await planEcrLogin(
    settings({ registries: refs(...registries), ...over }),
    { ...ENV, HOME: home },
    captureLog().log,
    docker,
  );
  return plan;
}

const clientFor = (region: string) =>
  createClient(ECRClient, { region, action: 'test', env: simulatorEnv(sim, region) });

/** The run's deps, with every callback's calls recorded in one timeline next to the docker calls. */
function deps(plan: EcrLoginPlan, runner: CommandRunner, timeline: string[]) {
  const { log, lines, warnings } = captureLog();
  const saves: LoginRecord[][] = [];
  const masked: string[] = [];
  return {
    lines,
    warnings,
    saves,
    masked,
    deps: {
      getCredentials: () => getPrivateCredentials(plan.registries, plan.region, clientFor),
      runner: {
        run: (command: string, args: readonly string[], options?: { input?: string }) => {
          timeline.push(`docker ${args[0]}`);
          return runner.run(command, args, options);
        },
      },
      env: {},
      log,
      onCredentials(cs: readonly RegistryCredentials[]) {
        timeline.push('credentials');
        masked.push(...cs.map((c) => c.password));
      },
      onLogin(logins: readonly LoginRecord[]) {
        timeline.push(`saved ${logins.length}`);
        saves.push([...logins]);
      },
    },
  };
}

describe('run', () => {
  test('docker: credentials first (to be masked), then each login, saved as soon as it is made', async () => {
    const plan = await privatePlan([ACCOUNT, OTHER], { 'login-mode': 'docker' });
    const fake = fakeDocker();
    const timeline: string[] = [];
    const d = deps(plan, fake.runner, timeline);
    const report = await runEcrLogin(plan, d.deps);
    expect(timeline).toEqual(['credentials', 'docker login', 'saved 1', 'docker login', 'saved 2']);
    expect(d.masked).toEqual([
      registryPassword(sim, ACCOUNT, 'us-east-1'),
      registryPassword(sim, OTHER, 'us-east-1'),
    ]);
    expect(fake.calls[0]).toEqual({
      args: ['login', '--username', 'AWS', '--password-stdin', HERE],
      input: registryPassword(sim, ACCOUNT, 'us-east-1'),
    });
    expect(report.logins).toEqual([
      { registry: HERE, mode: 'docker' },
      { registry: THERE, mode: 'docker' },
    ]);
    expect(report.credentials.map((c) => c.registry)).toEqual([HERE, THERE]);
    expect(sim.calls('GetAuthorizationToken')).toHaveLength(1);
  });

  test('the second docker login fails: the first is reported and saved, and logging out undoes only it', async () => {
    const plan = await privatePlan([ACCOUNT, OTHER], { 'login-mode': 'docker' });
    const fake = fakeDocker({ registries: [THERE] });
    const timeline: string[] = [];
    const d = deps(plan, fake.runner, timeline);
    const report = newReport();
    await expect(runEcrLogin(plan, d.deps, report)).rejects.toThrow(`docker login to ${THERE} failed`);
    expect(report.logins).toEqual([{ registry: HERE, mode: 'docker' }]);
    expect(d.saves.at(-1)).toEqual([{ registry: HERE, mode: 'docker' }]);

    const out = fakeDocker();
    const { log, lines } = captureLog();
    await runEcrLogout(d.saves.at(-1)!, { runner: out.runner, docker: '/usr/bin/docker', env: {}, log });
    expect(out.calls.map((c) => c.args)).toEqual([['logout', HERE]]);
    expect(lines).toEqual([`Logged out of ${HERE}.`]);
  });

  test('auto mode, no daemon: the config file, written once, saved once; logging out removes the entries', async () => {
    const plan = await privatePlan([ACCOUNT, WEST]);
    const timeline: string[] = [];
    const d = deps(plan, fakeDocker({ noDaemon: true }).runner, timeline);
    const report = await runEcrLogin(plan, d.deps);
    expect(timeline).toEqual(['credentials', 'docker login', 'saved 2']);
    expect(d.lines).toContain(
      'The Docker CLI is here but no Docker daemon answers; writing the Docker config file instead.',
    );
    expect(report.logins.map((l) => [l.registry, l.mode, l.configPath])).toEqual([
      [HERE, 'config-file', plan.configPath],
      [WEST, 'config-file', plan.configPath],
    ]);
    const config = JSON.parse(await readFile(plan.configPath, 'utf8'));
    expect(Object.keys(config.auths)).toEqual([HERE, WEST]);
    expect(
      sim
        .calls('GetAuthorizationToken')
        .map((c) => c.region)
        .sort(),
    ).toEqual(['eu-west-1', 'us-east-1']);

    const { log } = captureLog();
    await runEcrLogout(report.logins, { runner: fakeDocker().runner, docker: 'docker', env: {}, log });
    expect(JSON.parse(await readFile(plan.configPath, 'utf8')).auths).toEqual({});
  });

  test("a refused token (the second region's) fails the run before any credential is handed out or login made", async () => {
    sim.addFault({
      service: 'ecr',
      operation: 'GetAuthorizationToken',
      kind: 'error',
      status: 400,
      type: 'InvalidParameterException',
      message: 'Invalid parameter at registryIds',
      after: 1,
    });
    const plan = await privatePlan([ACCOUNT, WEST], { 'login-mode': 'config-file' });
    const timeline: string[] = [];
    const report = newReport();
    await expect(runEcrLogin(plan, deps(plan, fakeDocker().runner, timeline).deps, report)).rejects.toThrow(
      'Invalid parameter at registryIds',
    );
    expect(timeline).toEqual([]);
    expect(report).toEqual(newReport());
    expect(existsSync(plan.configPath)).toBe(false);
  });

  test('ECR Public through its own client in us-east-1', async () => {
    const plan = await planEcrLogin(
      settings({ 'registry-type': 'public', 'login-mode': 'config-file' }),
      { HOME: await mkdtemp(join(tmpdir(), 'shipyard-ecr-login-')) },
      captureLog().log,
    );
    const timeline: string[] = [];
    const d = deps(plan, fakeDocker().runner, timeline);
    const client = createClient(ECRPUBLICClient, { region: plan.region, action: 'test', env: {} });
    const report = await runEcrLogin(plan, {
      ...d.deps,
      getCredentials: async () => [await getPublicCredentials(client)],
    });
    expect(report.logins.map((l) => l.registry)).toEqual(['public.ecr.aws']);
    expect(d.masked).toEqual([registryPassword(sim, 'public', 'us-east-1')]);
    expect(sim.calls('GetAuthorizationToken').map((c) => [c.service, c.region])).toEqual([
      ['ecr-public', 'us-east-1'],
    ]);
  });

  test('an aborted job stops before the next login', async () => {
    const plan = await privatePlan([ACCOUNT, OTHER], { 'login-mode': 'docker' });
    const controller = new AbortController();
    const timeline: string[] = [];
    const d = deps(plan, fakeDocker().runner, timeline);
    const report = newReport();
    const run = runEcrLogin(
      plan,
      {
        ...d.deps,
        signal: controller.signal,
        onLogin(logins) {
          d.deps.onLogin(logins);
          controller.abort(new Error('the job was cancelled (SIGINT)'));
        },
      },
      report,
    );
    await expect(run).rejects.toThrow('the job was cancelled');
    expect(report.logins.map((l) => l.registry)).toEqual([HERE]);
    expect(timeline).toEqual(['credentials', 'docker login', 'saved 1']);
  });
});
