// rollout-ecs-ami run from dist against the simulator: launch templates, instance refreshes and the
// ECS container instances they show up in, through the real EC2, Auto Scaling and ECS clients.
import { afterAll, beforeAll, beforeEach, describe, expect, test } from '@jest/globals';
import { AutoScalingClient, StartInstanceRefreshCommand } from '@aws-sdk/client-auto-scaling';
import { runAction, startAction } from '../harness/runner.js';
import type { Scenario } from '../simulator/scenario.js';
import { type Simulator, simulatorEnv, startSimulator } from '../simulator/server.js';

const REGION = 'us-east-1';
const OLD = 'ami-0aaaaaaaaaaaaaaaa';
const NEW = 'ami-0bbbbbbbbbbbbbbbb';
const WEST = 'ami-0cccccccccccccccc';
const quick = { pendingMs: 100, batchMs: 300 };

const template = (name: string) => ({ name, imageId: OLD });
const scenario: Scenario = {
  ec2: {
    images: [{ imageId: NEW }, { imageId: WEST, region: 'us-west-2' }],
    launchTemplates: [
      'web-lt',
      'spot-lt',
      'latest-lt',
      'fail-lt',
      'fail2-lt',
      'busy-lt',
      'busy2-lt',
      'slow-lt',
      'legacy-lt',
      'spare-lt',
      'race-lt',
      'throttle-lt',
    ].map(template),
  },
  autoscaling: {
    groups: [
      {
        name: 'web-asg',
        launchTemplate: 'web-lt',
        version: '1',
        instances: 4,
        protectedFromScaleIn: true,
        refreshes: [quick],
      },
      { name: 'spot-asg', launchTemplate: 'spot-lt', mixedInstances: true, instances: 2, refreshes: [quick] },
      {
        name: 'latest-asg',
        launchTemplate: 'latest-lt',
        version: '$Latest',
        instances: 2,
        refreshes: [quick],
      },
      {
        name: 'fail-asg',
        launchTemplate: 'fail-lt',
        version: '1',
        instances: 3,
        refreshes: [{ ...quick, failAfterInstances: 1, reason: 'Instance i-0f00 failed ELB health checks.' }],
      },
      {
        name: 'fail2-asg',
        launchTemplate: 'fail2-lt',
        version: '1',
        instances: 1,
        refreshes: [{ ...quick, failAfterInstances: 0, reason: 'Instance i-0f01 failed ELB health checks.' }],
      },
      {
        name: 'busy-asg',
        launchTemplate: 'busy-lt',
        version: '1',
        instances: 2,
        // The first refresh is someone else's, started by the test.
        refreshes: [{ ...quick, batchMs: 1500 }, quick],
      },
      {
        name: 'busy2-asg',
        launchTemplate: 'busy2-lt',
        version: '1',
        instances: 2,
        running: { batchMs: 3_600_000, startedMsAgo: 0 },
      },
      {
        name: 'slow-asg',
        launchTemplate: 'slow-lt',
        version: '1',
        instances: 2,
        refreshes: [{ batchMs: 600_000 }],
      },
      {
        name: 'legacy-asg',
        launchTemplate: 'legacy-lt',
        version: '1',
        instances: 3,
        protectedFromScaleIn: true,
        refreshes: [quick],
      },
      { name: 'lc-asg', launchTemplate: 'spare-lt', launchConfiguration: 'old-lc', instances: 1 },
      { name: 'race-asg', launchTemplate: 'race-lt', version: '1', instances: 1, refreshes: [quick] },
      { name: 'throttle-asg', launchTemplate: 'throttle-lt', version: '1', instances: 1, refreshes: [quick] },
    ],
  },
  ecs: {
    clusters: [
      { name: 'prod', capacityProviders: ['web-cp', 'spot-cp', 'FARGATE'] },
      { name: 'serverless', capacityProviders: ['FARGATE', 'FARGATE_SPOT'] },
      { name: 'legacy', capacityProviders: ['legacy-cp'], standaloneInstances: [{ imageId: OLD }] },
    ],
    capacityProviders: [
      { name: 'web-cp', autoScalingGroup: 'web-asg', managedTerminationProtection: 'ENABLED' },
      { name: 'spot-cp', autoScalingGroup: 'spot-asg' },
      { name: 'legacy-cp', autoScalingGroup: 'legacy-asg' },
    ],
    taskDefinitions: [
      { family: 'api', containerDefinitions: [{ name: 'api', image: 'nginx', memory: 256 }] },
    ],
    services: [
      { cluster: 'prod', name: 'api', taskDefinition: 'api:1', launchType: 'EC2' },
      { cluster: 'prod', name: 'site', taskDefinition: 'api:1' },
      { cluster: 'legacy', name: 'jobs', taskDefinition: 'api:1', launchType: 'EC2', missingTasks: 1 },
    ],
  },
};

let sim: Simulator;
beforeAll(async () => {
  sim = await startSimulator({ scenario });
});
afterAll(() => sim.close());
beforeEach(() => {
  sim.requests.length = 0;
  sim.clearFaults();
});

const env = (extra: Record<string, string> = {}) => ({
  ...simulatorEnv(sim, REGION),
  GITHUB_RUN_ID: '4242',
  GITHUB_REPOSITORY: 'acme/platform',
  ...extra,
});
const awsConfig = () => {
  const e = simulatorEnv(sim, REGION);
  return {
    region: REGION,
    endpoint: e['AWS_ENDPOINT_URL']!,
    credentials: { accessKeyId: e['AWS_ACCESS_KEY_ID']!, secretAccessKey: e['AWS_SECRET_ACCESS_KEY']! },
  };
};
const fast = { 'poll-interval': '1s', 'verify-timeout': '3s' };
const prefsOf = (group: string) =>
  sim.calls('StartInstanceRefresh').find((r) => r.params['AutoScalingGroupName'] === group)?.params;

describe('rollout-ecs-ami, run from dist', () => {
  test('a cluster: its EC2 capacity providers move to the AMI, the refreshes are followed, the fleet is checked', async () => {
    const r = await runAction('rollout-ecs-ami', {
      inputs: { ami: NEW, cluster: 'prod', ...fast },
      env: env(),
    });
    expect(r.errors).toEqual([]);
    expect(r.outputs['status']).toBe('Successful');
    expect(r.outputs['instances-replaced']).toBe('6');
    expect(r.outputs['stragglers']).toBe('[]');
    const versions = JSON.parse(r.outputs['launch-template-versions']!) as Record<string, unknown>[];
    expect(
      versions.map((v) => [v['launchTemplateName'], v['previousVersion'], v['version'], v['default']]),
    ).toEqual([
      ['web-lt', 1, 2, false],
      // The spot group launches $Default: the new version must become the default for it to count.
      ['spot-lt', 1, 2, true],
    ]);
    expect(Object.keys(JSON.parse(r.outputs['instance-refresh-ids']!) as object).sort()).toEqual([
      'spot-asg',
      'web-asg',
    ]);
    // Only the ImageId changes; everything else comes from the version the group launched.
    const create = sim.calls('CreateLaunchTemplateVersion')[0]!.params;
    expect(create['SourceVersion']).toBe('1');
    expect(create['LaunchTemplateData']).toEqual({ ImageId: NEW });
    expect(String(create['VersionDescription'])).toContain('actions/runs/4242');
    // ECS's advice for managed termination protection: replace protected instances.
    const web = prefsOf('web-asg')!;
    expect(web['Preferences']).toMatchObject({
      MinHealthyPercentage: '90',
      SkipMatching: 'true',
      AutoRollback: 'true',
      ScaleInProtectedInstances: 'Refresh',
    });
    expect(web['DesiredConfiguration']).toMatchObject({ LaunchTemplate: { Version: '2' } });
    // $Default: no rollback (AWS refuses it), no desired configuration, nothing about protection.
    const spot = prefsOf('spot-asg')!;
    expect(spot['Preferences']).toMatchObject({ AutoRollback: 'false' });
    expect(spot['Preferences']).not.toHaveProperty('ScaleInProtectedInstances');
    expect(spot).not.toHaveProperty('DesiredConfiguration');
    expect(r.stdout).toMatch(/instance refreshes: web-asg InProgress \d+% \(\d to update\); spot-asg/);
    expect(r.stdout).toContain('auto rollback is off because the group launches $Default');
    expect(r.stdout).toContain('Every container instance in scope of prod reports');
    expect(r.summary).toContain('AMI rollout: ami-0bbbbbbbbbbbbbbbb (us-east-1)');
    expect(r.summary).toContain('web-asg (web-cp)');
    // Fargate capacity and Fargate services are left alone.
    expect(sim.calls('DescribeCapacityProviders')[0]!.params['capacityProviders']).toEqual([
      'web-cp',
      'spot-cp',
    ]);

    // The next night, with the same AMI: no new version, no refresh.
    sim.requests.length = 0;
    const again = await runAction('rollout-ecs-ami', {
      inputs: { ami: NEW, cluster: 'prod', ...fast },
      env: env(),
    });
    expect(again.errors).toEqual([]);
    expect(again.outputs['status']).toBe('Successful');
    expect(again.outputs['instances-replaced']).toBe('0');
    expect(sim.calls('CreateLaunchTemplateVersion')).toHaveLength(0);
    expect(sim.calls('StartInstanceRefresh')).toHaveLength(0);
    expect(again.stdout).toContain(
      'web-asg: every instance already launched from web-lt version 2; nothing to refresh.',
    );
  });

  test("image-pipeline's amis output: this region's AMI is taken", async () => {
    const amis = JSON.stringify([
      { region: 'us-west-2', image: WEST },
      { region: REGION, image: NEW },
    ]);
    const r = await runAction('rollout-ecs-ami', {
      inputs: { ami: amis, 'auto-scaling-groups': 'latest-asg', ...fast },
      env: env(),
    });
    expect(r.errors).toEqual([]);
    expect(r.outputs['ami-id']).toBe(NEW);
    expect(prefsOf('latest-asg')!['Preferences']).toMatchObject({ AutoRollback: 'false' });
  });

  test('a failing refresh is rolled back, and the step says so with AWS reason', async () => {
    const r = await runAction('rollout-ecs-ami', {
      inputs: { ami: NEW, 'auto-scaling-groups': 'fail-asg', ...fast },
      env: env(),
    });
    expect(r.exitCode).toBe(1);
    expect(r.outputs['status']).toBe('RollbackSuccessful');
    expect(r.outputs['instances-replaced']).toBe('0');
    expect(r.errors[0]).toMatch(
      /^The rollout of ami-0bbbbbbbbbbbbbbbb did not finish\. fail-asg: the instance refresh [0-9a-f-]+ ended RollbackSuccessful and was rolled back \(RollbackSuccessful\): its instances are on ami-0aaaaaaaaaaaaaaaa again\. AWS said: Instance i-0f00 failed ELB health checks\./,
    );
    expect(r.stdout).toMatch(/instance refresh of fail-asg: RollbackInProgress/);
    expect(r.summary).toContain('RollbackSuccessful');
  });

  test('a job summary that cannot be written is one warning and never hides why the step failed', async () => {
    const r = await runAction('rollout-ecs-ami', {
      inputs: { ami: NEW, 'auto-scaling-groups': 'fail2-asg', ...fast },
      env: { ...env(), GITHUB_STEP_SUMMARY: undefined } as unknown as Record<string, string>,
    });
    expect(r.exitCode).toBe(1);
    expect(r.errors).toHaveLength(1);
    expect(r.errors[0]).toMatch(/^The rollout of ami-0bbbbbbbbbbbbbbbb did not finish\. fail2-asg: /);
    expect(r.warnings.filter((w) => w.startsWith('The job summary was not written:'))).toHaveLength(1);
    expect(r.outputs['status']).toMatch(/^Rollback/);
  });

  test.each([
    [
      'fail',
      'busy2-asg',
      /^An instance refresh [0-9a-f-]+ of busy2-asg \(InProgress 0% \(2 to update\), started .*\) is still running, and 'if-refresh-running' is fail\./,
    ],
    ['wait', 'busy-asg', undefined],
  ] as [string, string, RegExp | undefined][])(
    'InstanceRefreshInProgress: if-refresh-running %s',
    async (mode, group, message) => {
      if (mode === 'wait') {
        const asg = new AutoScalingClient({ ...awsConfig(), maxAttempts: 1 });
        await asg.send(new StartInstanceRefreshCommand({ AutoScalingGroupName: group }));
      }
      const r = await runAction('rollout-ecs-ami', {
        inputs: { ami: NEW, 'auto-scaling-groups': group, 'if-refresh-running': mode, ...fast },
        env: env(),
      });
      if (message) {
        expect(r.errors[0]).toMatch(message);
        expect(sim.calls('StartInstanceRefresh')).toHaveLength(0);
      } else {
        expect(r.errors).toEqual([]);
        expect(r.stdout).toContain('Waiting for the instance refresh');
        expect(r.stdout).toMatch(/earlier instance refresh of busy-asg: done/);
        expect(sim.calls('StartInstanceRefresh', { ok: true })).toHaveLength(2);
      }
    },
  );

  test('InstanceRefreshInProgress at the start itself (a refresh that ended in between): started again', async () => {
    sim.addFault({
      operation: 'StartInstanceRefresh',
      kind: 'error',
      type: 'InstanceRefreshInProgress',
      status: 400,
      count: 1,
      message:
        'An Instance Refresh is already in progress and blocks the execution of this Instance Refresh.',
    });
    const r = await runAction('rollout-ecs-ami', {
      inputs: { ami: NEW, 'auto-scaling-groups': 'race-asg', ...fast },
      env: env(),
    });
    expect(r.errors).toEqual([]);
    expect(sim.calls('StartInstanceRefresh')).toHaveLength(2);
  });

  test('throttling is retried; throttling that does not stop is said', async () => {
    sim.addFault({ operation: 'DescribeInstanceRefreshes', kind: 'throttle', count: 2 });
    const ok = await runAction('rollout-ecs-ami', {
      inputs: { ami: NEW, 'auto-scaling-groups': 'throttle-asg', ...fast },
      env: env(),
    });
    expect(ok.errors).toEqual([]);
    expect(sim.calls('DescribeInstanceRefreshes').filter((c) => c.error === 'Throttling')).toHaveLength(2);

    sim.addFault({ operation: 'CreateLaunchTemplateVersion', kind: 'throttle' });
    const r = await runAction('rollout-ecs-ami', {
      inputs: { ami: NEW, 'launch-templates': 'spare-lt', ...fast },
      env: env({ AWS_MAX_ATTEMPTS: '2' }),
    });
    expect(r.errors[0]).toMatch(
      /^AWS kept throttling ec2:CreateLaunchTemplateVersion in us-east-1 after 2 attempts/,
    );
  });

  test.each([
    ['with cancel-on-abort, the refresh is cancelled', 'true', 1],
    ['without it, the refresh goes on', 'false', 0],
  ])('SIGTERM while waiting: %s', async (_name, cancel, cancels) => {
    const started = await startAction('rollout-ecs-ami', {
      inputs: { ami: NEW, 'auto-scaling-groups': 'slow-asg', 'cancel-on-abort': cancel, ...fast },
      env: env(),
    });
    for (let i = 0; i < 100 && !started.output().includes('instance refresh of slow-asg: InProgress'); i++)
      await new Promise((r) => setTimeout(r, 100));
    started.child.kill('SIGTERM');
    const result = await started.done;
    expect(result.exitCode).toBe(1);
    expect(result.errors[0]).toMatch(
      /^Stopped waiting for instance refresh of slow-asg: the job was cancelled \(SIGTERM\)\./,
    );
    expect(result.errors[0]).toContain(
      cancel === 'true'
        ? 'Cancelled the instance refreshes (cancel-on-abort): slow-asg.'
        : 'The instance refreshes go on: slow-asg (',
    );
    expect(sim.calls('CancelInstanceRefresh', { ok: true })).toHaveLength(cancels);
  });

  test('stragglers and unsteady services fail the check, each named', async () => {
    const r = await runAction('rollout-ecs-ami', {
      inputs: { ami: NEW, cluster: 'legacy', 'scale-in-protected-instances': 'Ignore', ...fast },
      env: env(),
    });
    expect(r.exitCode).toBe(1);
    const stragglers = JSON.parse(r.outputs['stragglers']!) as { capacityProvider?: string; amiId: string }[];
    // Three protected instances left by Ignore, and one registered by hand.
    expect(stragglers).toHaveLength(4);
    expect(stragglers.every((s) => s.amiId === OLD)).toBe(true);
    expect(stragglers.filter((s) => !s.capacityProvider)).toHaveLength(1);
    expect(r.errors[0]).toMatch(
      /^The refreshes succeeded but the cluster is not all on ami-0bbbbbbbbbbbbbbbb after 3s: 4 container instances of legacy still run another AMI: i-[0-9a-f]{17} \(ami-0aaaaaaaaaaaaaaaa, legacy-cp\).*in no capacity provider\).* Services not steady: jobs \(1\/2 running/,
    );
  });
});

describe('rollout-ecs-ami refuses what it cannot do before changing anything', () => {
  test.each([
    [
      { cluster: 'serverless' },
      /^The ECS cluster serverless has no EC2 capacity to roll an AMI out to: it uses only FARGATE, FARGATE_SPOT\. Fargate tasks run on AWS's hosts/,
    ],
    [{ cluster: 'nowhere' }, /^The ECS cluster "nowhere" does not exist in us-east-1/],
    [{ cluster: 'prod', 'capacity-providers': 'FARGATE' }, /Fargate runs on AWS's own hosts and has no AMI/],
    [
      { cluster: 'prod', 'capacity-providers': 'gpu-cp' },
      /names gpu-cp, which the cluster prod does not use\. Its capacity providers: web-cp, spot-cp, FARGATE/,
    ],
    [{ 'auto-scaling-groups': 'ghost-asg' }, /^No Auto Scaling group named ghost-asg in us-east-1/],
    [
      { 'auto-scaling-groups': 'lc-asg' },
      /launches from the launch configuration old-lc\. A rollout makes a new launch template version/,
    ],
    [
      { 'auto-scaling-groups': 'latest-asg', 'auto-rollback': 'true' },
      /'auto-rollback' is true, but the Auto Scaling group latest-asg launches launch template latest-lt version \$Latest/,
    ],
    [
      { cluster: 'prod', 'set-default-version': 'false' },
      /spot-asg launches the default version of spot-lt, and 'set-default-version' is false/,
    ],
  ] as [Record<string, string>, RegExp][])('%j', async (inputs, message) => {
    const r = await runAction('rollout-ecs-ami', { inputs: { ami: NEW, ...inputs }, env: env() });
    expect(r.exitCode).toBe(1);
    expect(r.errors[0]).toMatch(message);
    expect(sim.calls('CreateLaunchTemplateVersion')).toHaveLength(0);
    expect(sim.calls('StartInstanceRefresh')).toHaveLength(0);
  });

  test('an AMI that is not in the region, given as an ID or missing from the amis list', async () => {
    const r = await runAction('rollout-ecs-ami', { inputs: { ami: WEST, cluster: 'prod' }, env: env() });
    expect(r.errors[0]).toMatch(
      /^The AMI ami-0cccccccccccccccc is not available in us-east-1, where the groups launch: AMIs are regional\./,
    );
    const list = await runAction('rollout-ecs-ami', {
      inputs: { ami: JSON.stringify([{ region: 'us-west-2', image: WEST }]), cluster: 'prod' },
      env: env(),
    });
    expect(list.errors[0]).toMatch(
      /^The image has no AMI in us-east-1, where the groups launch: it was distributed to us-west-2\./,
    );
    expect(sim.calls('CreateLaunchTemplateVersion')).toHaveLength(0);
  });

  test('a missing permission names the IAM action', async () => {
    sim.scenario.principals = { AKIADENIED: { deny: ['ec2:CreateLaunchTemplateVersion'] } };
    const r = await runAction('rollout-ecs-ami', {
      inputs: { ami: NEW, 'launch-templates': 'spare-lt' },
      env: { ...env(), ...simulatorEnv(sim, REGION, 'AKIADENIED') },
    });
    expect(r.errors[0]).toMatch(
      /^AWS denied ec2:CreateLaunchTemplateVersion in us-east-1: .*Grant 'ec2:CreateLaunchTemplateVersion'/,
    );
  });

  test.each([
    [{}, /^Input 'ami' is required/],
    [{ ami: 'ami-123' }, /^Input 'ami' has the value "ami-123", which is not accepted: expected an AMI ID/],
    [
      { ami: '[{"region":"us-east-1"}]' },
      /^Input 'ami' .*each item of the JSON list needs a region and an image/,
    ],
    [{ ami: '[1,' }, /^Input 'ami' .*does not parse/],
    [{ ami: NEW }, /^Say where to roll the AMI out/],
    [{ ami: NEW, cluster: 'prod/x' }, /^Input 'cluster' has the value "prod\/x"/],
    [
      { ami: NEW, 'capacity-providers': 'web-cp' },
      /'capacity-providers' picks among a cluster's capacity providers: give 'cluster' too/,
    ],
    [
      { ami: NEW, cluster: 'prod', 'capacity-providers': 'web cp' },
      /^Input 'capacity-providers' item 1 "web cp"/,
    ],
    [
      { ami: NEW, cluster: 'prod', 'capacity-providers': 'web-cp', 'auto-scaling-groups': 'web-asg' },
      /Give one way/,
    ],
    [
      { ami: NEW, 'auto-scaling-groups': 'arn:aws:autoscaling:x' },
      /^Input 'auto-scaling-groups' item 1 .*not an ARN/,
    ],
    [{ ami: NEW, 'launch-templates': 'lt' }, /^Input 'launch-templates' item 1 "lt"/],
    [
      { ami: NEW, cluster: 'prod', 'set-default-version': 'yes' },
      /^Input 'set-default-version' has the value "yes".*one of auto, true, false/,
    ],
    [{ ami: NEW, cluster: 'prod', refresh: 'no' }, /^Input 'refresh' has the value "no"/],
    [
      { ami: NEW, cluster: 'prod', 'min-healthy-percentage': '101' },
      /^Input 'min-healthy-percentage' .*from 0 to 100/,
    ],
    [
      { ami: NEW, cluster: 'prod', 'max-healthy-percentage': '99' },
      /^Input 'max-healthy-percentage' .*from 100 to 200/,
    ],
    [
      { ami: NEW, cluster: 'prod', 'min-healthy-percentage': '50', 'max-healthy-percentage': '200' },
      /more than 100 apart/,
    ],
    [{ ami: NEW, cluster: 'prod', 'instance-warmup': '300' }, /^Input 'instance-warmup' has the value "300"/],
    [{ ami: NEW, cluster: 'prod', 'skip-matching': 'yes' }, /^Input 'skip-matching' has the value "yes"/],
    [{ ami: NEW, cluster: 'prod', 'auto-rollback': 'on' }, /^Input 'auto-rollback' has the value "on"/],
    [
      { ami: NEW, cluster: 'prod', 'scale-in-protected-instances': 'refresh' },
      /did you mean 'Refresh'\? values are case-sensitive/,
    ],
    [
      { ami: NEW, cluster: 'prod', 'standby-instances': 'Keep' },
      /^Input 'standby-instances' has the value "Keep"/,
    ],
    [{ ami: NEW, cluster: 'prod', checkpoints: '50, 20, 100' }, /the percentages must go up/],
    [{ ami: NEW, cluster: 'prod', checkpoints: '25, 50' }, /the last checkpoint must be 100/],
    [{ ami: NEW, cluster: 'prod', checkpoints: '0, 100' }, /^Input 'checkpoints' item 1 "0"/],
    [
      { ami: NEW, cluster: 'prod', 'checkpoint-delay': '5m' },
      /'checkpoint-delay' is the pause at each checkpoint: give 'checkpoints' too/,
    ],
    [
      { ami: NEW, cluster: 'prod', checkpoints: '100', 'checkpoint-delay': '3d' },
      /^Input 'checkpoint-delay' has the value "3d"/,
    ],
    [
      { ami: NEW, cluster: 'prod', alarms: Array.from({ length: 11 }, (_, i) => `alarm-${i}`).join(',') },
      /names 11 alarms; an instance refresh takes at most 10/,
    ],
    [{ ami: NEW, cluster: 'prod', alarms: 'x'.repeat(256) }, /^Input 'alarms' item 1/],
    [{ ami: NEW, cluster: 'prod', 'bake-time': '1y' }, /^Input 'bake-time' has the value "1y"/],
    [
      { ami: NEW, cluster: 'prod', 'if-refresh-running': 'cancel' },
      /^Input 'if-refresh-running' has the value "cancel".*one of wait, fail/,
    ],
    [{ ami: NEW, cluster: 'prod', wait: 'maybe' }, /^Input 'wait' has the value "maybe"/],
    [{ ami: NEW, cluster: 'prod', timeout: '7h' }, /^Input 'timeout' has the value "7h"/],
    [{ ami: NEW, cluster: 'prod', 'poll-interval': '0s' }, /^Input 'poll-interval' has the value "0s"/],
    [{ ami: NEW, cluster: 'prod', verify: 'y' }, /^Input 'verify' has the value "y"/],
    [{ ami: NEW, cluster: 'prod', 'verify-timeout': '3h' }, /^Input 'verify-timeout' has the value "3h"/],
    [{ ami: NEW, cluster: 'prod', services: 'api web' }, /^Input 'services' item 1 "api web"/],
    [{ ami: NEW, cluster: 'prod', 'cancel-on-abort': '1' }, /^Input 'cancel-on-abort' has the value "1"/],
    [{ ami: NEW, cluster: 'prod', region: 'useast1' }, /^Input 'region' has the value "useast1"/],
  ] as [Record<string, string>, RegExp][])('%j', async (inputs, message) => {
    const r = await runAction('rollout-ecs-ami', { inputs, env: env() });
    expect(r.exitCode).toBe(1);
    expect(r.errors[0]).toMatch(message);
    expect(sim.requests).toEqual([]);
  });
});
