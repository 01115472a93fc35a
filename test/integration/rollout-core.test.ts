// rollout-ecs-ami's core in process — plan and run against the simulator through the real EC2, Auto
// Scaling and ECS clients, on a virtual clock shared by both, so that refreshes take no wall time.
import { afterAll, beforeAll, beforeEach, describe, expect, test } from '@jest/globals';
import {
  CreateLaunchTemplateVersionCommand,
  DescribeLaunchTemplateVersionsCommand,
} from '@aws-sdk/client-ec2';
import { inputs } from '../../src/actions/rollout-ecs-ami/action.js';
import { planRollout } from '../../src/rollout/plan.js';
import { newRolloutReport, type RolloutReport, runRollout } from '../../src/rollout/run.js';
import { templateToken } from '../../src/rollout/templates.js';
import { captureLog, fleetClients, settingsOf, virtualClock } from '../harness/core.js';
import type { Scenario } from '../simulator/scenario.js';
import { fleetState } from '../simulator/services/fleet.js';
import { type Simulator, startSimulator } from '../simulator/server.js';

const OLD = 'ami-0aaaaaaaaaaaaaaaa';
const NEW = 'ami-0bbbbbbbbbbbbbbbb';
const AWS_PICKED = 'ami-0dddddddddddddddd';
const quick = { pendingMs: 1000, batchMs: 60_000 };
const time = virtualClock();

const names = ['num', 'latest', 'dflt', 'busy', 'token', 'again', 'ec2', 'mixed', 'shared'];
const scenario: Scenario = {
  ec2: {
    images: [{ imageId: NEW }],
    launchTemplates: [
      ...names.map((n) => ({ name: `${n}-lt`, imageId: OLD })),
      // Already on the new AMI, with a refresh still baking (a wait: false run an hour ago).
      { name: 'baked-lt', imageId: NEW },
    ],
  },
  autoscaling: {
    groups: [
      { name: 'num-asg', launchTemplate: 'num-lt', version: '1', instances: 2, refreshes: [quick] },
      { name: 'latest-asg', launchTemplate: 'latest-lt', version: '$Latest', instances: 2 },
      { name: 'dflt-asg', launchTemplate: 'dflt-lt', version: '$Default', instances: 2 },
      {
        name: 'busy-asg',
        launchTemplate: 'busy-lt',
        version: '1',
        instances: 2,
        running: { batchMs: 3_600_000, startedMsAgo: 0 },
      },
      { name: 'token-asg', launchTemplate: 'token-lt', version: '1', instances: 1 },
      { name: 'again-asg', launchTemplate: 'again-lt', version: '1', instances: 1 },
      { name: 'ec2-asg', launchTemplate: 'ec2-lt', version: '1', instances: 2, refreshes: [quick] },
      {
        name: 'baked-asg',
        launchTemplate: 'baked-lt',
        version: '1',
        instances: 2,
        running: { batchMs: 3_600_000, startedMsAgo: 0 },
      },
      // One template, two groups: one pinned to version 1, one on $Latest (version 2, another type).
      { name: 'pin-asg', launchTemplate: 'shared-lt', version: '1', instances: 1, refreshes: [quick] },
      { name: 'lat-asg', launchTemplate: 'shared-lt', version: '$Latest', instances: 1, refreshes: [quick] },
    ],
  },
  ecs: {
    clusters: [{ name: 'mixed', capacityProviders: ['ec2-cp', 'mi-cp', 'FARGATE'] }],
    capacityProviders: [
      { name: 'ec2-cp', autoScalingGroup: 'ec2-asg' },
      { name: 'mi-cp', type: 'MANAGED_INSTANCES', managedInstances: { imageId: AWS_PICKED, count: 2 } },
    ],
  },
};

let sim: Simulator;
beforeAll(async () => {
  sim = await startSimulator({ scenario, clock: time.now });
});
afterAll(() => sim.close());
beforeEach(() => {
  sim.requests.length = 0;
  sim.clearFaults();
});

const RUN = { GITHUB_REPOSITORY: 'acme/platform', GITHUB_RUN_ID: '4242' };

async function rollout(raw: Record<string, string>, env: Record<string, string> = RUN) {
  const captured = captureLog();
  const report: RolloutReport = newRolloutReport('us-east-1');
  let error: Error | undefined;
  try {
    const plan = planRollout(
      settingsOf(inputs, { ami: NEW, 'poll-interval': '30s', ...raw }),
      env,
      captured.log,
    );
    await runRollout(
      plan,
      { clients: fleetClients(sim), region: 'us-east-1', log: captured.log, clock: time.clock },
      report,
    );
  } catch (e) {
    error = e as Error;
  }
  return { report, error, ...captured };
}

const changes = () =>
  sim.requests.filter((r) =>
    ['CreateLaunchTemplateVersion', 'ModifyLaunchTemplate', 'StartInstanceRefresh'].includes(r.operation),
  );

describe('refused before anything changes', () => {
  test('a refresh already running, with if-refresh-running: fail: no launch template is touched', async () => {
    const r = await rollout({ 'auto-scaling-groups': 'busy-asg', 'if-refresh-running': 'fail' });
    expect(r.error?.message).toMatch(
      /^An instance refresh [0-9a-f-]+ of busy-asg \((Pending|InProgress) .*\) is still running, and 'if-refresh-running' is fail\..* Nothing was changed\.$/,
    );
    expect(changes()).toEqual([]);
    expect(r.report.templates).toBeUndefined();
  });

  test('a cluster ARN in one region with a region input of another', () => {
    const captured = captureLog();
    expect(() =>
      planRollout(
        settingsOf(inputs, {
          ami: NEW,
          cluster: 'arn:aws:ecs:eu-west-1:111122223333:cluster/mixed',
          region: 'us-east-1',
        }),
        {},
        captured.log,
      ),
    ).toThrow("Input 'cluster' is an ARN in eu-west-1, but input 'region' is us-east-1");
  });

  test("a cluster ARN's region is the one the plan works in", () => {
    const plan = planRollout(
      settingsOf(inputs, { ami: NEW, cluster: 'arn:aws:ecs:eu-west-1:111122223333:cluster/mixed' }),
      {},
      captureLog().log,
    );
    expect(plan.region).toBe('eu-west-1');
    expect(plan.cluster).toEqual({ ref: 'arn:aws:ecs:eu-west-1:111122223333:cluster/mixed', name: 'mixed' });
  });

  test('an ECS Managed Instances capacity provider named is refused: AWS patches it', async () => {
    const r = await rollout({ cluster: 'mixed', 'capacity-providers': 'mi-cp' });
    expect(r.error?.message).toMatch(
      /^Input 'capacity-providers' names mi-cp: ECS Managed Instances capacity providers, whose instances AWS launches from an AMI it chooses and patches itself/,
    );
    expect(changes()).toEqual([]);
  });
});

test('a cluster target leaves its Managed Instances provider out, with one line, and checks only the rest', async () => {
  const r = await rollout({ cluster: 'mixed' });
  expect(r.error).toBeUndefined();
  expect(r.lines).toContain(
    'Leaving out the capacity provider mi-cp (ECS Managed Instances: AWS chooses and patches the AMI of its instances itself).',
  );
  expect(r.report.groups?.map((g) => g.group)).toEqual(['ec2-asg']);
  expect(r.report.status).toBe('Successful');
  // The two Managed Instances container instances run AWS's AMI and are not stragglers.
  expect(r.report.verified).toMatchObject({ ok: true, stragglers: [] });
  expect(r.report.leftOut).toHaveLength(1);
});

describe('refresh: false tells what really launches new instances', () => {
  test('a numbered version keeps launching the old AMI; $Latest and $Default move; the fleet check is skipped', async () => {
    const r = await rollout({
      'auto-scaling-groups': 'num-asg, latest-asg, dflt-asg',
      refresh: 'false',
    });
    expect(r.error).toBeUndefined();
    expect(r.report.status).toBe('Skipped');
    const by = Object.fromEntries(r.report.groups!.map((g) => [g.group, g.newInstances]));
    expect(by).toEqual({ 'num-asg': 'previous-ami', 'latest-asg': 'new-ami', 'dflt-asg': 'new-ami' });
    const line = r.lines.find((l) => l.startsWith('Not refreshing'))!;
    expect(line).toContain(`New instances of latest-asg ($Latest), dflt-asg ($Default) launch with ${NEW}.`);
    expect(line).toContain(`New instances of num-asg (version 1, ${OLD}) still launch with the previous AMI`);
    expect(line).not.toContain('instances launched from now on use the new version');
    expect(r.warnings.join('\n')).toMatch(/num-asg launch a numbered launch template version/);
    expect(sim.calls('StartInstanceRefresh')).toHaveLength(0);
  });

  test('with a cluster, it says the fleet check was skipped', async () => {
    const r = await rollout({ cluster: 'mixed', refresh: 'false' });
    expect(r.error).toBeUndefined();
    expect(r.lines.find((l) => l.startsWith('Not refreshing'))).toContain(
      'The fleet check was skipped: nothing was replaced.',
    );
    expect(r.report.verified).toBeUndefined();
  });
});

describe('the client token of CreateLaunchTemplateVersion holds across runs', () => {
  const tokens = () => sim.calls('CreateLaunchTemplateVersion').map((c) => c.params['ClientToken']);

  test('a re-run of the same run gets the version already made; another run makes its own, without a mismatch', async () => {
    const first = await rollout({ 'auto-scaling-groups': 'token-asg', refresh: 'false' });
    const rerun = await rollout({ 'auto-scaling-groups': 'token-asg', refresh: 'false' });
    const other = await rollout(
      { 'auto-scaling-groups': 'token-asg', refresh: 'false' },
      { ...RUN, GITHUB_RUN_ID: '4343' },
    );
    for (const r of [first, rerun, other]) expect(r.error).toBeUndefined();
    expect(first.report.templates![0]!.version).toBe(2);
    expect(rerun.report.templates![0]!.version).toBe(2);
    expect(other.report.templates![0]!.version).toBe(3);
    const [a, b, c] = tokens();
    expect(a).toBe(b);
    expect(c).not.toBe(a);
    expect(sim.calls('CreateLaunchTemplateVersion', { ok: false })).toEqual([]);
    expect(sim.calls('CreateLaunchTemplateVersion')[2]!.params['VersionDescription']).toBe(
      `ecs-shipyard: ${NEW} (https://github.com/acme/platform/actions/runs/4343)`,
    );
  });

  test('IdempotentParameterMismatch (the token used before with other parameters) is handled: a new token', async () => {
    const description = `ecs-shipyard: ${NEW} (https://github.com/acme/platform/actions/runs/4242)`;
    const template = fleetState(sim).templates.find((t) => t.name === 'again-lt');
    expect(template).toBeDefined();
    // An earlier request with the token this run will compute, but another description.
    await fleetClients(sim).ec2.send(
      new CreateLaunchTemplateVersionCommand({
        LaunchTemplateId: template!.id,
        SourceVersion: '1',
        LaunchTemplateData: { ImageId: NEW },
        VersionDescription: 'made by hand',
        ClientToken: templateToken(template!.id, 1, NEW, description),
      }),
    );
    sim.requests.length = 0;
    const r = await rollout({ 'auto-scaling-groups': 'again-asg', refresh: 'false' });
    expect(r.error).toBeUndefined();
    const calls = sim.calls('CreateLaunchTemplateVersion');
    expect(calls.map((c) => c.error ?? 'ok')).toEqual(['IdempotentParameterMismatch', 'ok']);
    expect(calls[1]!.params['ClientToken']).not.toBe(calls[0]!.params['ClientToken']);
    expect(r.lines.join('\n')).toMatch(/IdempotentParameterMismatch\); making the version with a new token/);
    expect(r.report.templates![0]!.version).toBe(3);
  });
});

test('a numbered group is refreshed to the new version and followed to Successful on the virtual clock', async () => {
  const r = await rollout({ 'auto-scaling-groups': 'num-asg' });
  expect(r.error).toBeUndefined();
  expect(r.report).toMatchObject({ status: 'Successful', ami: NEW });
  expect(r.report.groups![0]).toMatchObject({ group: 'num-asg', status: 'Successful', instancesReplaced: 2 });
  expect(sim.calls('StartInstanceRefresh')[0]!.params).toMatchObject({ AutoScalingGroupName: 'num-asg' });
});

test('a group already on the AMI is not held up by a refresh still running on it', async () => {
  const r = await rollout({ 'auto-scaling-groups': 'baked-asg', 'if-refresh-running': 'fail' });
  expect(r.error).toBeUndefined();
  expect(r.report.groups![0]).toMatchObject({
    status: 'Successful',
    reason: 'every instance already runs version 1',
  });
  expect(changes()).toEqual([]);
});

test('one template at two versions: the $Latest group is copied from what it ran, not from the pinned one', async () => {
  const ec2 = fleetClients(sim).ec2;
  const template = fleetState(sim).templates.find((t) => t.name === 'shared-lt')!;
  await ec2.send(
    new CreateLaunchTemplateVersionCommand({
      LaunchTemplateId: template.id,
      SourceVersion: '1',
      LaunchTemplateData: { InstanceType: 'm5.large' },
    }),
  );
  sim.requests.length = 0;
  const r = await rollout({ 'auto-scaling-groups': 'pin-asg, lat-asg', wait: 'false' });
  expect(r.error).toBeUndefined();
  const sources = sim.calls('CreateLaunchTemplateVersion').map((c) => c.params['SourceVersion']);
  expect(sources.sort()).toEqual(['1', '2']);
  const latest = await ec2.send(
    new DescribeLaunchTemplateVersionsCommand({ LaunchTemplateId: template.id, Versions: ['$Latest'] }),
  );
  expect(latest.LaunchTemplateVersions?.[0]?.LaunchTemplateData).toMatchObject({
    ImageId: NEW,
    InstanceType: 'm5.large',
  });
  const lat = r.report.groups!.find((g) => g.group === 'lat-asg')!;
  expect(lat).toMatchObject({ fromVersion: 2, toVersion: latest.LaunchTemplateVersions?.[0]?.VersionNumber });
});
