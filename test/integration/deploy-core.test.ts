// deploy's core in process — plan and run against the simulator through the real SDK, on a virtual clock
// shared by both — so that hour-long bakes, pauses and rollbacks are tested in a moment.
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, test } from '@jest/globals';
import { planDeploy } from '../../src/ecs/deploy-plan.js';
import { type DeployReport, newReport, runDeploy } from '../../src/ecs/deploy-run.js';
import type { DeploySettings } from '../../src/ecs/deploy-plan.js';
import { captureLog, coreClients, deploySettings, virtualClock } from '../harness/core.js';
import { blueGreenLoadBalancer, fargateTaskDefinition } from '../harness/fixtures.js';
import type { RolloutPlan } from '../simulator/scenario.js';
import { type Simulator, startSimulator } from '../simulator/server.js';

const time = virtualClock();
const LB = blueGreenLoadBalancer;
const PAUSE = { targetType: 'PAUSE', lifecycleStages: ['POST_TEST_TRAFFIC_SHIFT'] };
const FAST: RolloutPlan = { provisionMs: 20_000, perTaskMs: 5000, drainMs: 30_000, stageMs: 3000 };
const FAILING: RolloutPlan = {
  outcome: 'fail',
  provisionMs: 10_000,
  perTaskMs: 5000,
  exitCode: 1,
  logLines: ['boom'],
};
const blueGreen = (name: string, config: object, rollouts: RolloutPlan[] = [FAST]) => ({
  cluster: 'prod',
  name,
  taskDefinition: `${name}:1`,
  loadBalancers: [LB],
  deploymentConfiguration: { strategy: 'BLUE_GREEN', ...config },
  rollouts,
});
const rolling = (name: string, rollouts: RolloutPlan[], extra: object = {}) => ({
  cluster: 'prod',
  name,
  taskDefinition: `${name}:1`,
  rollouts,
  ...extra,
});
const NAMES = [
  'bg',
  'baker',
  'alarmed',
  'roll',
  'plain',
  'stale',
  'quick',
  'gone',
  'nolist',
  'norev',
  'sig',
  'legacy',
  'raced',
  'raced2',
];

let sim: Simulator;
let dir: string;
const simStart = time.now();
const saved = { ...process.env };

beforeAll(async () => {
  sim = await startSimulator({
    clock: time.now,
    scenario: {
      principals: {
        AKIANOSD: {
          deny: [
            'ecs:ListServiceDeployments',
            'ecs:DescribeServiceDeployments',
            'ecs:DescribeServiceRevisions',
          ],
        },
        AKIANOLIST: { deny: ['ecs:ListTasks'] },
        AKIANOREV: { deny: ['ecs:DescribeServiceRevisions'] },
      },
      ecs: {
        clusters: [{ name: 'prod' }],
        taskDefinitions: NAMES.map((n) => fargateTaskDefinition(n)),
        services: [
          blueGreen('bg', { bakeTimeInMinutes: 10, lifecycleHooks: [PAUSE] }),
          blueGreen('baker', { bakeTimeInMinutes: 60 }),
          blueGreen(
            'alarmed',
            { bakeTimeInMinutes: 10, alarms: { alarmNames: ['alarmed-5xx'], enable: true, rollback: true } },
            [{ ...FAST, alarm: { stage: 'BAKE_TIME', afterMs: 150_000 }, rollback: { ms: 40_000 } }],
          ),
          rolling('roll', [FAILING]),
          rolling('plain', [FAST]),
          rolling('stale', [FAST], { staleCurrentServiceDeployment: true }),
          rolling('quick', [{ ...FAILING, rollback: { ms: 300 } }]),
          rolling('gone', [{ ...FAILING, rollback: { ms: 1 } }]),
          rolling('nolist', [FAILING]),
          rolling('norev', [FAST]),
          rolling('raced', [{ outcome: 'hang' }, FAST]),
          rolling('raced2', [{ outcome: 'hang' }, FAST]),
          blueGreen('sig', { bakeTimeInMinutes: 30, lifecycleHooks: [PAUSE] }),
          {
            cluster: 'prod',
            name: 'legacy',
            taskDefinition: 'legacy:1',
            deploymentController: 'CODE_DEPLOY',
            loadBalancers: [{ targetGroupArn: LB.targetGroupArn, containerName: 'app', containerPort: 8080 }],
            rollouts: [FAST],
          },
        ],
      },
    },
  });
  dir = await mkdtemp(join(tmpdir(), 'deploy-core-'));
  for (const n of NAMES)
    await writeFile(join(dir, `${n}.json`), JSON.stringify(fargateTaskDefinition(n, `${n}:2`)));
});
afterAll(async () => {
  process.env = saved;
  await sim.close();
});
beforeEach(() => {
  sim.requests.length = 0;
  sim.clearFaults();
});

const env = () => ({ GITHUB_WORKSPACE: dir });

/** Plans and runs deploy as the action does, on the virtual clock; the report and the log come back. */
async function deploy(
  over: Partial<DeploySettings>,
  o: { key?: string; signal?: AbortSignal; capture?: ReturnType<typeof captureLog> } = {},
): Promise<{ report: DeployReport; lines: string[]; warnings: string[]; error?: Error }> {
  const { log, lines, warnings } = o.capture ?? captureLog();
  const settings = deploySettings({ 'task-definition': `${over.service}.json`, ...over });
  const report = newReport(settings.cluster, time.clock);
  try {
    const plan = await planDeploy(settings, env(), log);
    await runDeploy(
      plan,
      {
        clients: coreClients(sim, o.key),
        region: 'us-east-1',
        log,
        clock: time.clock,
        ...(o.signal ? { signal: o.signal } : {}),
      },
      report,
    );
    return { report, lines, warnings };
  } catch (error) {
    return { report, lines, warnings, error: error as Error };
  }
}

const calls = (op: string) => sim.calls(op).length;

describe('ECS blue/green', () => {
  test('waits through a pause only when asked: wait-until paused returns at the hook with its ID, before production traffic moves', async () => {
    const r = await deploy({ service: 'bg', 'wait-until': 'paused' });
    expect(r.error).toBeUndefined();
    expect(r.report).toMatchObject({
      outcome: 'paused',
      status: 'IN_PROGRESS',
      lifecycleStage: 'POST_TEST_TRAFFIC_SHIFT',
      followedBy: 'service-deployment',
    });
    expect(r.report.hookId).toMatch(/^ecs-pause-/);
    expect(r.report.serviceDeploymentArn).toMatch(/service-deployment\/prod\/bg\//);
    expect(r.lines.some((l) => l.includes('paused at POST_TEST_TRAFFIC_SHIFT'))).toBe(true);
    const stages = r.report.stages.map((s) => s.stage);
    expect(stages).toContain('SCALE_UP');
    expect(stages.at(-1)).toBe('POST_TEST_TRAFFIC_SHIFT');
    expect(r.report.stages.at(-1)).toMatchObject({ production: 0, test: 100 });
  });

  test('a bake of an hour is slept through: at most one look a minute, the end seen within seconds', async () => {
    const started = time.now();
    const r = await deploy({ service: 'baker' });
    expect(r.error).toBeUndefined();
    expect(r.report).toMatchObject({
      outcome: 'succeeded',
      status: 'SUCCESSFUL',
      lifecycleStage: 'CLEAN_UP',
    });
    const bake = r.report.stages.find((s) => s.stage === 'BAKE_TIME')!;
    expect(bake.production).toBe(100);
    const inBake = sim
      .calls('DescribeServiceDeployments')
      .filter((c) => simStart + c.at > bake.firstSeenAt && simStart + c.at <= bake.lastSeenAt).length;
    // 60 minutes of bake: one look a minute, and a few around its end.
    expect(inBake).toBeLessThanOrEqual(64);
    expect(r.lines).toContain("Waiting up to 30m plus the deployment's 60 minutes of bake time.");
    expect(time.now() - started).toBeLessThan(62 * 60_000 + 60_000);
    expect(r.lines.some((l) => /bake about \d+m/.test(l))).toBe(true);
  });

  test('traffic-shifted returns once production traffic is on the new revision, while the bake runs', async () => {
    const r = await deploy({
      service: 'baker',
      'wait-until': 'traffic-shifted',
      'force-new-deployment': true,
    });
    expect(r.error).toBeUndefined();
    expect(r.report).toMatchObject({ outcome: 'traffic-shifted', status: 'IN_PROGRESS' });
    expect(['POST_PRODUCTION_TRAFFIC_SHIFT', 'BAKE_TIME']).toContain(r.report.lifecycleStage);
    time.advance(61 * 60_000);
  });

  test('throttling during a long bake is retried by the SDK and the deployment followed to the end', async () => {
    sim.addFault({ operation: 'DescribeServiceDeployments', kind: 'throttle', after: 5, count: 2 });
    const r = await deploy({ service: 'baker', 'force-new-deployment': true });
    expect(r.error).toBeUndefined();
    expect(r.report.status).toBe('SUCCESSFUL');
    expect(
      sim.calls('DescribeServiceDeployments').filter((c) => c.error === 'ThrottlingException'),
    ).toHaveLength(2);
  });

  test('a look that throttling spoils after the SDK gave up is made again later; the step goes on', async () => {
    // Six throttles in a row: two looks of three attempts each (AWS_MAX_ATTEMPTS is 3 here).
    sim.addFault({ operation: 'DescribeServiceDeployments', kind: 'throttle', after: 4, count: 6 });
    const capture = captureLog();
    const r = await deploy({ service: 'baker', 'force-new-deployment': true }, { capture });
    expect(r.error).toBeUndefined();
    expect(r.report.status).toBe('SUCCESSFUL');
    expect(
      capture.lines.filter((l) =>
        l.startsWith(
          '(could not read the service deployment: AWS kept throttling ecs:DescribeServiceDeployments); looking again in',
        ),
      ),
    ).toHaveLength(2);
  });

  test('an alarm in the bake rolls the deployment back: the step fails with the alarm and the rollback, after the rollback ends', async () => {
    const r = await deploy({ service: 'alarmed' });
    expect(r.error?.message).toMatch(
      /^The service deployment of alarmed ended ROLLBACK_SUCCESSFUL: CloudWatch alarm\(s\) alarmed-5xx in ALARM state; alarm alarmed-5xx went to ALARM\. ECS rolled the service back to alarmed:1\./,
    );
    expect(r.report).toMatchObject({ outcome: 'failed', status: 'ROLLBACK_SUCCESSFUL' });
    expect(r.report.diagnostics).toContain(
      '  alarms: TRIGGERED, in ALARM: alarmed-5xx (watching alarmed-5xx)',
    );
  });
});

describe('rolling', () => {
  test('the circuit breaker rolls back: the failure names the rollback, the failure count and threshold, the stopped task and its logs', async () => {
    const r = await deploy({ service: 'roll' });
    expect(r.error?.message).toMatch(
      /^The service deployment of roll ended ROLLBACK_SUCCESSFUL: ECS deployment circuit breaker: tasks failed to start; the circuit breaker counted 3 failed tasks \(threshold 3\)\. ECS rolled the service back to roll:1\. First cause: stopped task [0-9a-f]+: Essential container in task exited \(EssentialContainerExited\)\./,
    );
    expect(r.report.diagnostics).toContain('  container app: exit code 1');
    expect(r.report.diagnostics).toContain('  boom');
  });

  test('ListTasks denied during a failure: one line says what could not be read; the reason stays the rollback', async () => {
    const r = await deploy({ service: 'nolist' }, { key: 'AKIANOLIST' });
    expect(r.error?.message).toMatch(
      /ended ROLLBACK_SUCCESSFUL: ECS deployment circuit breaker: tasks failed to start; the circuit breaker counted 3 failed tasks/,
    );
    expect(r.error?.message).not.toMatch(/denied/);
    expect(r.report.diagnostics).toContain(
      '(could not read the stopped tasks: AWS denied ecs:ListTasks; grant it to see the stopped tasks here)',
    );
  });

  test('a rollback that completes between two looks is a failure, seen through the service deployment', async () => {
    const r = await deploy({ service: 'quick' });
    expect(r.report.status).toBe('ROLLBACK_SUCCESSFUL');
    expect(r.error?.message).toMatch(/ended ROLLBACK_SUCCESSFUL/);
    // It was never seen rolling back: the looks saw it in progress, then rolled back.
    expect(r.lines.some((l) => l.includes('ROLLBACK_IN_PROGRESS'))).toBe(false);
  });

  test('without the service deployment calls: one warning naming the IAM actions; a deployment gone from the list is a failure', async () => {
    const r = await deploy({ service: 'gone' }, { key: 'AKIANOSD' });
    expect(r.warnings).toHaveLength(1);
    expect(r.warnings[0]).toMatch(
      /AWS denied ecs:ListServiceDeployments, so this step follows the service's deployments list .* Grant ecs:ListServiceDeployments, ecs:DescribeServiceDeployments, ecs:DescribeServiceRevisions/,
    );
    expect(r.report).toMatchObject({
      followedBy: 'deployments-list',
      outcome: 'failed',
      status: 'ROLLBACK_SUCCESSFUL',
    });
    expect(r.error?.message).toMatch(
      /failed: it is no longer among the service's deployments, which ECS does when it rolls a deployment back or another replaces it; the service's PRIMARY deployment ecs-svc\/\d+ runs gone:1\. ECS rolled back to arn:aws:ecs:us-east-1:111122223333:task-definition\/gone:1\./,
    );
  });

  test('without the service deployment calls, wait-until paused is refused before anything changes', async () => {
    const r = await deploy(
      {
        service: 'plain',
        'wait-until': 'paused',
        'deployment-configuration': {
          lifecycleHooks: [{ targetType: 'PAUSE', lifecycleStages: ['PRE_SCALE_UP'] }],
        },
      },
      { key: 'AKIANOSD' },
    );
    expect(r.error?.message).toMatch(
      /^Input 'wait-until' is "paused", which needs the service deployment calls, but AWS denied ecs:ListServiceDeployments\./,
    );
    expect(calls('RegisterTaskDefinition') + calls('UpdateService')).toBe(0);
  });

  test('a success seen through the service deployment; a stale currentServiceDeployment is passed over for the listed one', async () => {
    const plain = await deploy({ service: 'plain' });
    expect(plain.report).toMatchObject({ outcome: 'succeeded', status: 'SUCCESSFUL' });
    const stale = await deploy({ service: 'stale' });
    expect(stale.error).toBeUndefined();
    expect(stale.report.status).toBe('SUCCESSFUL');
    expect(calls('ListServiceDeployments')).toBeGreaterThanOrEqual(2);
  });

  test('a deployment another one replaces is a failure that names the one that replaced it', async () => {
    const capture = captureLog();
    const running = deploy({ service: 'raced' }, { capture });
    for (let i = 0; i < 5000 && !capture.lines.some((l) => l.includes('rolling update')); i++)
      await new Promise((resolve) => setTimeout(resolve, 1));
    const { UpdateServiceCommand } = await import('@aws-sdk/client-ecs');
    await coreClients(sim).ecs.send(
      new UpdateServiceCommand({ cluster: 'prod', service: 'raced', forceNewDeployment: true }),
    );
    const r = await running;
    expect(r.report).toMatchObject({ outcome: 'failed', status: 'STOPPED' });
    expect(r.error?.message).toMatch(
      /^The service deployment of raced ended STOPPED: Service deployment stopped: a newer service deployment started .* Another service deployment, arn:aws:ecs:us-east-1:111122223333:service-deployment\/prod\/raced\/\S+, has replaced it\./,
    );
  });

  test('without the service deployment calls, a deployment replaced by a newer revision is said so, not called a rollback', async () => {
    const capture = captureLog();
    const running = deploy({ service: 'raced2' }, { key: 'AKIANOSD', capture });
    for (let i = 0; i < 5000 && !capture.lines.some((l) => l.startsWith('service raced2:')); i++)
      await new Promise((resolve) => setTimeout(resolve, 1));
    const { RegisterTaskDefinitionCommand, UpdateServiceCommand } = await import('@aws-sdk/client-ecs');
    const ecs = coreClients(sim).ecs;
    const newer = await ecs.send(
      new RegisterTaskDefinitionCommand(fargateTaskDefinition('raced2', 'raced2:3') as never),
    );
    await ecs.send(
      new UpdateServiceCommand({
        cluster: 'prod',
        service: 'raced2',
        taskDefinition: newer.taskDefinition!.taskDefinitionArn!,
      }),
    );
    time.advance(60_000);
    const r = await running;
    expect(r.report).toMatchObject({ followedBy: 'deployments-list', outcome: 'failed', status: 'STOPPED' });
    expect(r.error?.message).toMatch(
      /Another deployment, of arn:aws:ecs:us-east-1:111122223333:task-definition\/raced2:3, replaced it\./,
    );
    expect(r.error?.message).not.toMatch(/rolled back/);
  });

  test('DescribeServiceRevisions denied: the deployment is taken by its time, with a warning naming the action', async () => {
    const r = await deploy({ service: 'norev' }, { key: 'AKIANOREV' });
    expect(r.error).toBeUndefined();
    expect(r.report.status).toBe('SUCCESSFUL');
    expect(r.warnings.join('\n')).toMatch(/grant ecs:DescribeServiceRevisions to confirm it runs/);
  });
});

describe('from CodeDeploy blue/green to ECS blue/green', () => {
  test('ECS-controller settings on a CODE_DEPLOY service are refused with the way to move it', async () => {
    const r = await deploy({
      service: 'legacy',
      'load-balancers': [LB],
      'deployment-configuration': { strategy: 'BLUE_GREEN' },
    });
    expect(r.error?.message).toMatch(
      /^Input 'load-balancers' sets ECS-controller deployment settings, but "legacy" deploys with CodeDeploy\. To move it to ECS blue\/green deployments, add 'deployment-controller: ECS'/,
    );
    expect(calls('RegisterTaskDefinition') + calls('UpdateService')).toBe(0);
  });

  test('without the alternate target group the move is refused before anything changes', async () => {
    const r = await deploy({
      service: 'legacy',
      'deployment-controller': 'ECS',
      'deployment-configuration': { strategy: 'BLUE_GREEN', bakeTimeInMinutes: 5 },
    });
    expect(r.error?.message).toMatch(
      /load balancer 1 of "legacy" \(the service's current settings\) has no advancedConfiguration\.alternateTargetGroupArn/,
    );
    expect(calls('RegisterTaskDefinition') + calls('UpdateService')).toBe(0);
  });

  test('deployment-controller ECS with the strategy and load balancers moves it in one UpdateService, followed as ECS blue/green', async () => {
    const r = await deploy({
      service: 'legacy',
      'deployment-controller': 'ECS',
      'deployment-configuration': { strategy: 'BLUE_GREEN', bakeTimeInMinutes: 5 },
      'load-balancers': [LB],
    });
    expect(r.error).toBeUndefined();
    expect(r.report).toMatchObject({
      controller: 'ECS',
      status: 'SUCCESSFUL',
      followedBy: 'service-deployment',
    });
    expect(r.lines).toContain(
      '"legacy" moves from CodeDeploy to the ECS deployment controller with this deployment.',
    );
    expect(sim.calls('UpdateService')[0]!.params).toMatchObject({
      deploymentController: { type: 'ECS' },
      deploymentConfiguration: { strategy: 'BLUE_GREEN' },
      loadBalancers: [{ advancedConfiguration: LB.advancedConfiguration }],
    });
    expect(r.report.stages.map((x) => x.stage)).toContain('BAKE_TIME');
  });
});

describe('SIGTERM while paused or baking leaves the deployment as it is, and says so', () => {
  test.each([
    ['paused', 'sig', /pause ecs-pause-\S+ AWAITING_ACTION/],
    ['baking', 'baker', /BAKE_TIME/],
  ])('%s', async (_name, service, seen) => {
    const controller = new AbortController();
    const capture = captureLog();
    const running = deploy({ service, 'force-new-deployment': true }, { signal: controller.signal, capture });
    // Let it reach the stage, then cancel the job.
    for (let i = 0; i < 5000 && !capture.lines.some((l) => seen.test(l)); i++)
      await new Promise((resolve) => setTimeout(resolve, 1));
    controller.abort(new Error('the job was cancelled (SIGTERM)'));
    const r = await running;
    expect(r.error?.message).toMatch(
      /^Stopped waiting for service deployment of \w+: the job was cancelled \(SIGTERM\)\. It was last seen /,
    );
    expect(r.error?.message).toMatch(seen);
    expect(r.error?.message).toMatch(
      /is left as it is in ECS; follow it in the console: https:\/\/us-east-1\.console\.aws\.amazon\.com\/ecs\/v2\/clusters\/prod\/services\/\w+\/deployments\//,
    );
    expect(calls('StopServiceDeployment') + calls('ContinueServiceDeployment')).toBe(0);
    time.advance(3 * 60 * 60_000);
  });
});

describe('refused before any AWS call', () => {
  test.each([
    [
      {
        'task-definition': 'arn:aws:ecs:eu-west-1:111122223333:task-definition/web:3',
        cluster: 'arn:aws:ecs:us-east-1:111122223333:cluster/prod',
      },
      /^Input 'task-definition' is an ARN in eu-west-1, but input 'cluster' \(an ARN\) is us-east-1: resources of one step must be in one region/,
    ],
    [
      { 'deployment-configuration': { strategy: 'BLUE_GREN' } },
      /^Input 'deployment-configuration' is not accepted: \/strategy is "BLUE_GREN", which ECS does not know: it takes BLUE_GREEN, CANARY, LINEAR, ROLLING \(did you mean "BLUE_GREEN"\?\)\./,
    ],
    [
      { 'deployment-configuration': { strategy: 'BLUE_GREEN', bakeTimeInMinutes: 1441 } },
      /^Input 'deployment-configuration' is not accepted: \/bakeTimeInMinutes is 1441; ECS takes from 0 to 1440\./,
    ],
    [
      { 'deployment-configuration': { bakeTimeInMinute: 5 } },
      /"bakeTimeInMinute" is not a member of DeploymentConfiguration: did you mean "bakeTimeInMinutes"\? The SDK would drop it without a word\./,
    ],
    [
      {
        'deployment-configuration': {
          strategy: 'ROLLING',
          lifecycleHooks: [{ targetType: 'PAUSE', lifecycleStages: ['POST_TEST_TRAFFIC_SHIFT'] }],
        },
      },
      /\/lifecycleHooks\/0 pauses at POST_TEST_TRAFFIC_SHIFT, but a ROLLING deployment shifts no test or production traffic/,
    ],
    [
      {
        'deployment-configuration': {
          strategy: 'BLUE_GREEN',
          lifecycleHooks: [{ targetType: 'PAUSE', lifecycleStages: ['PRODUCTION_TRAFFIC_SHIFT'] }],
        },
      },
      /pauses at PRODUCTION_TRAFFIC_SHIFT, where ECS runs only Lambda hooks/,
    ],
    [
      {
        'deployment-configuration': {
          strategy: 'BLUE_GREEN',
          lifecycleHooks: [{ lifecycleStages: ['POST_SCALE_UP'] }],
        },
      },
      /is a Lambda hook \(targetType AWS_LAMBDA, the default\) and needs hookTargetArn .* set targetType to PAUSE/,
    ],
    [
      { 'deployment-configuration': { strategy: 'BLUE_GREEN', linearConfiguration: { stepPercent: 10 } } },
      /\/linearConfiguration is only for the LINEAR strategy/,
    ],
    [
      { 'deployment-configuration': { strategy: 'LINEAR', linearConfiguration: { stepPercent: 2 } } },
      /\/linearConfiguration\/stepPercent is 2; ECS takes a multiple of 0\.1 from 3\.0 to 100\.0\./,
    ],
    [
      {
        'deployment-configuration': {
          strategy: 'CANARY',
          earlySuccessCriteria: {
            enable: true,
            healthyPercent: 50,
            sourceServiceRevisionCleanup: 'DEFERRED',
          },
        },
      },
      /earlySuccessCriteria is for the ROLLING strategy only/,
    ],
    [
      { 'load-balancers': [{ targetGroupArn: 'x', advancedConfig: {} }] },
      /^Input 'load-balancers' is not accepted: "advancedConfig" is not a member of LoadBalancer: did you mean "advancedConfiguration"\?/,
    ],
    [
      { 'codedeploy-wait-until': 'ready', 'wait-until': 'traffic-shifted' },
      /^Inputs 'wait-until' \("traffic-shifted"\) and 'codedeploy-wait-until' \("ready"\) disagree/,
    ],
  ] as [Partial<DeploySettings>, RegExp][])('%j', async (over, message) => {
    const r = await deploy({ service: 'plain', ...over });
    expect(r.error?.message).toMatch(message);
    expect(sim.requests).toEqual([]);
  });

  test('wait-until paused on a service with no PAUSE hook is refused after DescribeServices, before anything changes', async () => {
    const r = await deploy({ service: 'plain', 'wait-until': 'paused' });
    expect(r.error?.message).toMatch(
      /^Input 'wait-until' is "paused", but no PAUSE lifecycle hook is configured for "plain" \(the service's current settings\), so the deployment would never pause\./,
    );
    expect(sim.requests.map((q) => q.operation)).toEqual(['DescribeServices']);
  });

  test('a blue/green strategy on a service without a load balancer or Service Connect is refused with what to give', async () => {
    const r = await deploy({ service: 'plain', 'deployment-configuration': { strategy: 'BLUE_GREEN' } });
    expect(r.error?.message).toMatch(
      /^The BLUE_GREEN strategy shifts traffic between two revisions, which needs a load balancer or Service Connect; "plain" has neither/,
    );
    expect(sim.requests.map((q) => q.operation)).toEqual(['DescribeServices']);
  });

  test('codedeploy-wait-until still works, with a deprecation warning', async () => {
    const { log, warnings } = captureLog();
    const plan = await planDeploy(
      deploySettings({ service: 'plain', 'task-definition': 'plain.json', 'codedeploy-wait-until': 'ready' }),
      env(),
      log,
    );
    expect(plan.waitUntil).toBe('paused');
    expect(warnings[0]).toMatch(/'codedeploy-wait-until' is deprecated: use 'wait-until: paused'/);
  });
});
