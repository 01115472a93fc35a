/**
 * ECS service deployments as ECS has run them since 2025: every deployment UpdateService starts is a
 * ServiceDeployment with its own ARN, a target service revision and a recorded outcome, walking through
 * the lifecycle stages its strategy has (ROLLING, BLUE_GREEN, LINEAR, CANARY): hooks (Lambda answers from
 * the scenario, PAUSE hooks waiting for ContinueServiceDeployment until they time out), traffic shifts,
 * bake times, the circuit breaker with its thresholds, CloudWatch alarms that trip in a given stage, and
 * rollbacks as ECS performs them: a new PRIMARY deployment with the old revision in the `deployments`
 * list, and the failed deployment gone from that list once the rollback completes.
 *
 * The machine is advanced lazily: every request first plays each deployment forward to the simulator's
 * now, transition by transition, so a virtual clock that jumps an hour sees everything that happened.
 * What AWS documents is followed; where it is silent (the wording of rollback reasons, the stage a
 * deployment reports while a PRE_PRODUCTION_TRAFFIC_SHIFT hook runs, the status of a hook after a
 * ROLLBACK decision) the choice made here is said in a comment.
 */
import { createHash } from 'node:crypto';
import { AwsError } from '../errors.js';
import type { RolloutPlan, StagePlan } from '../scenario.js';
import type { StoredTaskDefinition } from './ecs.js';

type Json = Record<string, unknown>;

export type Strategy = 'ROLLING' | 'BLUE_GREEN' | 'LINEAR' | 'CANARY';
export type SdStatus =
  | 'PENDING'
  | 'IN_PROGRESS'
  | 'SUCCESSFUL'
  | 'STOP_REQUESTED'
  | 'STOPPED'
  | 'ROLLBACK_REQUESTED'
  | 'ROLLBACK_IN_PROGRESS'
  | 'ROLLBACK_SUCCESSFUL'
  | 'ROLLBACK_FAILED';

const TERMINAL = new Set<SdStatus>(['SUCCESSFUL', 'STOPPED', 'ROLLBACK_SUCCESSFUL', 'ROLLBACK_FAILED']);
const MINUTE = 60_000;
const PENDING_MS = 200;

export interface Revision {
  arn: string;
  td: StoredTaskDefinition;
  createdAt: number;
  loadBalancers: Json[];
  serviceConnectConfiguration?: Json;
}

/** An entry of DescribeServices' `deployments` list (the view ECS had before ServiceDeployments). */
export interface LegacyDeployment {
  id: string;
  revision: Revision;
  desiredCount: number;
  createdAt: number;
  role: 'initial' | 'target' | 'rollback' | 'cutover';
  sd?: ServiceDeploymentRecord;
  completedAt?: number;
  failedAt?: number;
  failedReason?: string;
  /** Gone from the list from then on. */
  removedAt?: number;
}

interface HookExec {
  hookId: string;
  targetType: 'AWS_LAMBDA' | 'PAUSE';
  targetArn?: string;
  status: 'AWAITING_ACTION' | 'IN_PROGRESS' | 'SUCCEEDED' | 'FAILED' | 'TIMED_OUT';
  startedAt: number;
  expiresAt: number;
  timeoutAction: 'CONTINUE' | 'ROLLBACK';
  /** A Lambda hook's planned answer. */
  doneAt?: number;
  outcome?: 'SUCCEEDED' | 'FAILED';
}

type Step =
  | { kind: 'hooks'; stage: string; reported: string | undefined }
  | { kind: 'scale-up'; stage: 'SCALE_UP'; reported: string | undefined; drain: boolean }
  | {
      kind: 'timed';
      stage: string;
      reported: string | undefined;
      ms: number;
      /** Traffic weights on the target revision once the step ends. */
      after?: { prod?: number; test?: number };
    };

export interface ServiceDeploymentRecord {
  arn: string;
  createdAt: number;
  startedAt: number;
  finishedAt?: number;
  stoppedAt?: number;
  updatedAt: number;
  source: Revision[];
  target: Revision;
  config: Json;
  strategy: Strategy;
  desired: number;
  plan: RolloutPlan;
  status: SdStatus;
  statusReason?: string;
  steps: Step[];
  stepIndex: number;
  stepStartedAt: number;
  hooks: HookExec[];
  hookCount: number;
  stageEnteredAt: Record<string, number>;
  weights: { prod: number; test: number };
  scaleUpStartedAt?: number;
  scaledUpAt?: number;
  cb: { enabled: boolean; rollback: boolean; threshold: number; trippedAt?: number };
  alarms: { enabled: boolean; rollback: boolean; names: string[]; triggered: string[] };
  rollback?: {
    reason: string;
    startedAt: number;
    serviceRevisionArn?: string;
    endsAt: number;
    requestedUntil?: number | undefined;
    outcome: 'success' | 'fail';
    runningAtStart: number;
  };
  stop?: { at: number; until: number } | undefined;
  legacyTarget: LegacyDeployment;
  legacyRollback?: LegacyDeployment;
}

/** What a service needs for its deployments to be played. */
export interface DeployedService {
  name: string;
  cluster: string;
  region: string;
  account: string;
  desiredCount: number;
  deploymentConfiguration: Json;
  loadBalancers: Json[];
  serviceConnectConfiguration?: Json;
  revisions: Revision[];
  legacy: LegacyDeployment[];
  serviceDeployments: ServiceDeploymentRecord[];
  events: { at: number; message: string }[];
  createdAt: number;
}

const hash = (seed: string) => createHash('sha256').update(seed).digest();

/** 19 digits, as ECS's deployment and revision IDs have. */
export const id19 = (seed: string) =>
  BigInt(`0x${hash(seed).toString('hex').slice(0, 15)}`)
    .toString()
    .padStart(19, '0')
    .slice(0, 19);

const b64 = (seed: string, n: number) => hash(seed).toString('base64url').slice(0, n);

export const taskDefinitionArn = (t: StoredTaskDefinition) =>
  `arn:aws:ecs:${t.region}:${t.account}:task-definition/${t.family}:${t.revision}`;

export const serviceArnOf = (s: DeployedService) =>
  `arn:aws:ecs:${s.region}:${s.account}:service/${s.cluster}/${s.name}`;
const clusterArnOf = (s: DeployedService) => `arn:aws:ecs:${s.region}:${s.account}:cluster/${s.cluster}`;

export function newRevision(svc: DeployedService, td: StoredTaskDefinition, at: number): Revision {
  const revision: Revision = {
    arn: `arn:aws:ecs:${svc.region}:${svc.account}:service-revision/${svc.cluster}/${svc.name}/${id19(`${svc.name}/revision/${svc.revisions.length}/${at}`)}`,
    td,
    createdAt: at,
    loadBalancers: structuredClone(svc.loadBalancers),
    ...(svc.serviceConnectConfiguration
      ? { serviceConnectConfiguration: structuredClone(svc.serviceConnectConfiguration) }
      : {}),
  };
  svc.revisions.push(revision);
  return revision;
}

function strategyOf(config: Json): Strategy {
  return (config['strategy'] as Strategy | undefined) ?? 'ROLLING';
}

/** The circuit breaker's threshold as ECS computes it from thresholdConfiguration and the desired count. */
export function circuitBreakerThreshold(config: Json, desired: number): number {
  const cb = (config['deploymentCircuitBreaker'] ?? {}) as Json;
  const t = cb['thresholdConfiguration'] as { type?: string; value?: number } | undefined;
  const type = t?.type ?? 'BOUNDED_PERCENT';
  const value = t?.value ?? 50;
  if (type === 'COUNT') return value;
  const n = Math.ceil((desired * value) / 100);
  return type === 'UNBOUNDED_PERCENT' ? Math.max(1, n) : Math.min(200, Math.max(3, n));
}

/** The production traffic weights a strategy shifts through, in order, ending at 100. */
function productionSteps(strategy: Strategy, config: Json): { weight: number; bakeMs: number }[] {
  if (strategy === 'LINEAR') {
    const lc = (config['linearConfiguration'] ?? {}) as {
      stepPercent?: number;
      stepBakeTimeInMinutes?: number;
    };
    const step = lc.stepPercent ?? 10;
    const bake = (lc.stepBakeTimeInMinutes ?? 6) * MINUTE;
    const out: { weight: number; bakeMs: number }[] = [];
    for (let w = step; w < 100 - 1e-9; w = Math.round((w + step) * 10) / 10)
      out.push({ weight: w, bakeMs: bake });
    out.push({ weight: 100, bakeMs: 0 });
    return out;
  }
  if (strategy === 'CANARY') {
    const cc = (config['canaryConfiguration'] ?? {}) as {
      canaryPercent?: number;
      canaryBakeTimeInMinutes?: number;
    };
    const canary = cc.canaryPercent ?? 5;
    if (canary >= 100) return [{ weight: 100, bakeMs: 0 }];
    return [
      { weight: canary, bakeMs: (cc.canaryBakeTimeInMinutes ?? 10) * MINUTE },
      { weight: 100, bakeMs: 0 },
    ];
  }
  return [{ weight: 100, bakeMs: 0 }];
}

/** The stages a deployment of this strategy walks through. */
function programme(
  strategy: Strategy,
  config: Json,
  stageMs: number,
  reconcile: boolean,
  drainMs: number,
): Step[] {
  const bakeMs = Number(config['bakeTimeInMinutes'] ?? 0) * MINUTE;
  const steps: Step[] = [];
  if (strategy === 'ROLLING') {
    // A rolling deployment reports no lifecycle stage (as observed by ecspresso); it shows the stage of a
    // hook while one runs.
    if (reconcile) steps.push({ kind: 'hooks', stage: 'RECONCILE_SERVICE', reported: 'RECONCILE_SERVICE' });
    steps.push({ kind: 'hooks', stage: 'PRE_SCALE_UP', reported: 'PRE_SCALE_UP' });
    steps.push({ kind: 'scale-up', stage: 'SCALE_UP', reported: undefined, drain: true });
    steps.push({ kind: 'hooks', stage: 'POST_SCALE_UP', reported: 'POST_SCALE_UP' });
    if (bakeMs > 0) steps.push({ kind: 'timed', stage: 'BAKE_TIME', reported: 'BAKE_TIME', ms: bakeMs });
    return steps;
  }
  if (reconcile) steps.push({ kind: 'hooks', stage: 'RECONCILE_SERVICE', reported: 'RECONCILE_SERVICE' });
  steps.push({ kind: 'hooks', stage: 'PRE_SCALE_UP', reported: 'PRE_SCALE_UP' });
  steps.push({ kind: 'scale-up', stage: 'SCALE_UP', reported: 'SCALE_UP', drain: false });
  steps.push({ kind: 'hooks', stage: 'POST_SCALE_UP', reported: 'POST_SCALE_UP' });
  steps.push({
    kind: 'timed',
    stage: 'TEST_TRAFFIC_SHIFT',
    reported: 'TEST_TRAFFIC_SHIFT',
    ms: stageMs,
    after: { test: 100 },
  });
  steps.push({ kind: 'hooks', stage: 'TEST_TRAFFIC_SHIFT', reported: 'TEST_TRAFFIC_SHIFT' });
  steps.push({ kind: 'hooks', stage: 'POST_TEST_TRAFFIC_SHIFT', reported: 'POST_TEST_TRAFFIC_SHIFT' });
  productionSteps(strategy, config).forEach((p, i) => {
    // PRE_PRODUCTION_TRAFFIC_SHIFT is a hook stage, not a lifecycleStage ECS reports: while its hooks run,
    // the deployment shows the stage it is in (the test traffic shift before the first step).
    steps.push({
      kind: 'hooks',
      stage: 'PRE_PRODUCTION_TRAFFIC_SHIFT',
      reported: i === 0 ? 'POST_TEST_TRAFFIC_SHIFT' : 'PRODUCTION_TRAFFIC_SHIFT',
    });
    steps.push({
      kind: 'timed',
      stage: 'PRODUCTION_TRAFFIC_SHIFT',
      reported: 'PRODUCTION_TRAFFIC_SHIFT',
      ms: stageMs,
      after: { prod: p.weight },
    });
    steps.push({ kind: 'hooks', stage: 'PRODUCTION_TRAFFIC_SHIFT', reported: 'PRODUCTION_TRAFFIC_SHIFT' });
    if (p.bakeMs > 0)
      steps.push({
        kind: 'timed',
        stage: 'PRODUCTION_TRAFFIC_SHIFT',
        reported: 'PRODUCTION_TRAFFIC_SHIFT',
        ms: p.bakeMs,
      });
  });
  steps.push({
    kind: 'hooks',
    stage: 'POST_PRODUCTION_TRAFFIC_SHIFT',
    reported: 'POST_PRODUCTION_TRAFFIC_SHIFT',
  });
  if (bakeMs > 0) steps.push({ kind: 'timed', stage: 'BAKE_TIME', reported: 'BAKE_TIME', ms: bakeMs });
  steps.push({ kind: 'timed', stage: 'CLEAN_UP', reported: 'CLEAN_UP', ms: drainMs });
  return steps;
}

const stagePlan = (plan: RolloutPlan): StagePlan => (plan.outcome === 'hang' ? {} : plan);
const timing = (plan: RolloutPlan) =>
  plan.outcome === 'hang'
    ? { provisionMs: 3000, perTaskMs: 1000, drainMs: 2000 }
    : {
        provisionMs: plan.provisionMs ?? 3000,
        perTaskMs: plan.perTaskMs ?? 1000,
        drainMs: (plan.outcome === 'fail' ? undefined : plan.drainMs) ?? 2000,
      };

function event(svc: DeployedService, at: number, message: string): void {
  svc.events.push({ at, message: `(service ${svc.name}) ${message}` });
}

const taskId = (seed: string) => hash(seed).toString('hex').slice(0, 32);

/** Starts a ServiceDeployment (UpdateService): the one still in progress, if any, is stopped. */
export function startDeployment(
  svc: DeployedService,
  options: { revision: Revision; at: number; plan: RolloutPlan; desired: number },
): ServiceDeploymentRecord {
  const { at, plan } = options;
  advanceService(svc, at);
  const config = structuredClone(svc.deploymentConfiguration);
  const strategy = strategyOf(config);
  const active = svc.serviceDeployments.filter((d) => !TERMINAL.has(d.status));
  const arn = `arn:aws:ecs:${svc.region}:${svc.account}:service-deployment/${svc.cluster}/${svc.name}/${b64(`${svc.name}/${at}/${svc.serviceDeployments.length}`, 21)}`;
  for (const old of active) {
    old.status = 'STOPPED';
    old.stoppedAt = at;
    old.updatedAt = at;
    // ECS's wording for a deployment that another replaced is not on record.
    old.statusReason = `Service deployment stopped: a newer service deployment started (${arn}).`;
  }
  const visible = svc.legacy.filter((l) => l.removedAt === undefined && l.createdAt <= at);
  const primary = visible.at(-1);
  const source = primary ? [primary.revision] : [];
  const cbConfig = (config['deploymentCircuitBreaker'] ?? {}) as { enable?: boolean; rollback?: boolean };
  const alarmConfig = (config['alarms'] ?? {}) as {
    enable?: boolean;
    rollback?: boolean;
    alarmNames?: string[];
  };
  const stageMs = stagePlan(plan).stageMs ?? 1000;
  const legacyTarget: LegacyDeployment = {
    id: `ecs-svc/${id19(`${svc.name}/${at}/${svc.legacy.length}`)}`,
    revision: options.revision,
    desiredCount: options.desired,
    createdAt: at,
    role: 'target',
  };
  const sd: ServiceDeploymentRecord = {
    arn,
    createdAt: at,
    startedAt: at + PENDING_MS,
    updatedAt: at,
    source,
    target: options.revision,
    config,
    strategy,
    desired: options.desired,
    plan,
    // A deployment is PENDING a moment before it starts (ECS's documented first status).
    status: 'PENDING',
    steps: programme(strategy, config, stageMs, active.length > 0, timing(plan).drainMs),
    stepIndex: -1,
    stepStartedAt: at,
    hooks: [],
    hookCount: 0,
    stageEnteredAt: {},
    weights: { prod: 0, test: 0 },
    cb: {
      enabled: cbConfig.enable === true,
      rollback: cbConfig.rollback === true,
      threshold: circuitBreakerThreshold(config, options.desired),
    },
    alarms: {
      enabled: alarmConfig.enable === true,
      rollback: alarmConfig.rollback === true,
      names: alarmConfig.alarmNames ?? [],
      triggered: [],
    },
    legacyTarget,
  };
  legacyTarget.sd = sd;
  svc.legacy.push(legacyTarget);
  svc.serviceDeployments.push(sd);
  advanceService(svc, at);
  return sd;
}

function enterStep(svc: DeployedService, sd: ServiceDeploymentRecord, index: number, at: number): void {
  sd.updatedAt = at;
  if (index >= sd.steps.length) {
    succeed(svc, sd, at);
    return;
  }
  const step = sd.steps[index]!;
  sd.stepIndex = index;
  sd.stepStartedAt = at;
  sd.stageEnteredAt[step.stage] ??= at;
  sd.hooks = [];
  if (step.kind === 'scale-up') sd.scaleUpStartedAt = at;
  if (step.kind !== 'hooks') return;
  const lambdas = stagePlan(sd.plan).lambdaHooks ?? {};
  for (const h of (sd.config['lifecycleHooks'] ?? []) as Json[]) {
    if (!((h['lifecycleStages'] ?? []) as string[]).includes(step.stage)) continue;
    const type = (h['targetType'] as HookExec['targetType'] | undefined) ?? 'AWS_LAMBDA';
    const timeout = (h['timeoutConfiguration'] ?? {}) as { timeoutInMinutes?: number; action?: string };
    const seed = `${sd.arn}/${step.stage}/${sd.hookCount++}`;
    const target = h['hookTargetArn'] as string | undefined;
    const answer = target ? lambdas[target] : undefined;
    sd.hooks.push({
      hookId: type === 'PAUSE' ? `ecs-pause-${b64(seed, 43)}` : `ecs-lambda-${b64(seed, 43)}`,
      targetType: type,
      ...(type === 'AWS_LAMBDA' && target ? { targetArn: target } : {}),
      status: type === 'PAUSE' ? 'AWAITING_ACTION' : 'IN_PROGRESS',
      startedAt: at,
      expiresAt: at + (timeout.timeoutInMinutes ?? 1440) * MINUTE,
      timeoutAction: (timeout.action as HookExec['timeoutAction'] | undefined) ?? 'ROLLBACK',
      ...(type === 'AWS_LAMBDA'
        ? { doneAt: at + (answer?.ms ?? 1000), outcome: answer?.status ?? 'SUCCEEDED' }
        : {}),
    });
  }
  if (sd.hooks.length === 0) enterStep(svc, sd, index + 1, at);
}

function succeed(svc: DeployedService, sd: ServiceDeploymentRecord, at: number): void {
  sd.status = 'SUCCESSFUL';
  sd.finishedAt = at;
  sd.updatedAt = at;
  sd.legacyTarget.completedAt = at;
  for (const l of svc.legacy) if (l !== sd.legacyTarget && l.createdAt <= at) l.removedAt ??= at;
  event(svc, at, `(deployment ${sd.legacyTarget.id}) deployment completed.`);
  event(svc, at + 1, 'has reached a steady state.');
}

export interface Failure {
  /** Rollback wanted by the mechanism that found the failure. */
  rollback: boolean;
  reason: string;
  /** A user's StopServiceDeployment or ContinueServiceDeployment ROLLBACK (ROLLBACK_REQUESTED first). */
  requested?: boolean;
  event: string;
}

function rollbackMs(sd: ServiceDeploymentRecord): number {
  const planned = stagePlan(sd.plan).rollback?.ms;
  if (planned !== undefined) return planned;
  if (sd.strategy === 'ROLLING') return 1000 + 500 * Math.max(0, sd.desired - 1) + 1000;
  return (stagePlan(sd.plan).stageMs ?? 1000) + 1000;
}

function fail(svc: DeployedService, sd: ServiceDeploymentRecord, at: number, f: Failure): void {
  sd.updatedAt = at;
  sd.statusReason = f.reason;
  sd.legacyTarget.failedAt = at;
  sd.legacyTarget.failedReason = f.event;
  event(svc, at, `(deployment ${sd.legacyTarget.id}) deployment failed: ${f.event}`);
  const previous = sd.source[0];
  if (!f.rollback || !previous) {
    sd.status = 'STOPPED';
    sd.stoppedAt = at;
    return;
  }
  const running = targetCounts(sd, at).running;
  sd.status = f.requested ? 'ROLLBACK_REQUESTED' : 'ROLLBACK_IN_PROGRESS';
  sd.rollback = {
    reason: f.reason,
    startedAt: at,
    serviceRevisionArn: previous.arn,
    endsAt: at + (f.requested ? 1000 : 0) + rollbackMs(sd),
    ...(f.requested ? { requestedUntil: at + 1000 } : {}),
    outcome: stagePlan(sd.plan).rollback?.outcome ?? 'success',
    runningAtStart: running,
  };
  sd.weights = { prod: 0, test: 0 };
  const older = svc.legacy.filter(
    (l) => l !== sd.legacyTarget && l.removedAt === undefined && l.createdAt <= at,
  );
  const back: LegacyDeployment = {
    id: `ecs-svc/${id19(`${sd.legacyTarget.id}/rollback`)}`,
    revision: previous,
    desiredCount: sd.desired,
    createdAt: at,
    role: 'rollback',
    sd,
  };
  sd.legacyRollback = back;
  svc.legacy.push(back);
  event(svc, at, `rolling back to deployment ${older.at(-1)?.id ?? back.id}.`);
}

function finishRollback(svc: DeployedService, sd: ServiceDeploymentRecord): void {
  const rb = sd.rollback!;
  const at = rb.endsAt;
  sd.updatedAt = at;
  sd.finishedAt = at;
  if (rb.outcome === 'fail') {
    sd.status = 'ROLLBACK_FAILED';
    if (sd.legacyRollback) {
      sd.legacyRollback.failedAt = at;
      sd.legacyRollback.failedReason = 'tasks failed to start.';
    }
    event(svc, at, `(deployment ${sd.legacyRollback?.id}) deployment failed: tasks failed to start.`);
    return;
  }
  sd.status = 'ROLLBACK_SUCCESSFUL';
  if (sd.legacyRollback) sd.legacyRollback.completedAt = at;
  // The rolled-back deployment (and what it replaced) leaves the list once the rollback completes.
  for (const l of svc.legacy) if (l !== sd.legacyRollback && l.createdAt <= at) l.removedAt ??= at;
  event(svc, at, `(deployment ${sd.legacyRollback?.id}) deployment completed.`);
  event(svc, at + 1, 'has reached a steady state.');
}

/** When the tasks of a failing deployment fail (each one a stopped task with its logs). */
export function failures(sd: ServiceDeploymentRecord, now: number): { taskId: string; at: number }[] {
  if (sd.plan.outcome !== 'fail' || sd.scaleUpStartedAt === undefined) return [];
  const { provisionMs, perTaskMs } = timing(sd.plan);
  const until = Math.min(
    now,
    sd.cb.trippedAt ?? Infinity,
    sd.rollback?.startedAt ?? Infinity,
    sd.stoppedAt ?? Infinity,
  );
  const out: { taskId: string; at: number }[] = [];
  for (let k = 1; k <= 10_000; k++) {
    const at = sd.scaleUpStartedAt + provisionMs + k * perTaskMs;
    if (at > until) break;
    out.push({ taskId: taskId(`${sd.legacyTarget.id}/${k}`), at });
  }
  return out;
}

/** Task counts of the target revision at `now`. */
export function targetCounts(sd: ServiceDeploymentRecord, now: number): { running: number; pending: number } {
  const n = sd.desired;
  if (sd.rollback) {
    const rb = sd.rollback;
    return { running: now < rb.endsAt ? rb.runningAtStart : 0, pending: 0 };
  }
  if (sd.status === 'STOPPED' && sd.stoppedAt !== undefined && sd.plan.outcome === 'fail')
    return { running: 0, pending: 0 };
  const start = sd.scaleUpStartedAt;
  if (start === undefined || now < start) return { running: 0, pending: 0 };
  const step = sd.steps[sd.stepIndex];
  const scaling = step?.kind === 'scale-up' && !TERMINAL.has(sd.status);
  if (!scaling) return { running: n, pending: 0 };
  const { provisionMs, perTaskMs } = timing(sd.plan);
  if (sd.plan.outcome === 'hang') return { running: 0, pending: n };
  if (sd.plan.outcome === 'fail') return { running: 0, pending: now < start + provisionMs ? n : 1 };
  const e = now - start;
  const running =
    e < provisionMs ? 0 : Math.min(n, Math.floor((e - provisionMs) / Math.max(perTaskMs, 1)) + 1);
  return { running, pending: n - running };
}

/** When the current step ends on its own, if it does. */
function stepEnd(sd: ServiceDeploymentRecord): number | undefined {
  const step = sd.steps[sd.stepIndex];
  if (!step) return undefined;
  if (step.kind === 'timed') return sd.stepStartedAt + step.ms;
  if (step.kind === 'scale-up') {
    if (sd.plan.outcome === 'fail' || sd.plan.outcome === 'hang') return undefined;
    const { provisionMs, perTaskMs, drainMs } = timing(sd.plan);
    return (
      sd.stepStartedAt + provisionMs + Math.max(0, sd.desired - 1) * perTaskMs + (step.drain ? drainMs : 0)
    );
  }
  return undefined;
}

/** The next thing that happens to a deployment on its own, if anything does. */
function nextTransition(
  svc: DeployedService,
  sd: ServiceDeploymentRecord,
): { at: number; apply: () => void } | undefined {
  const candidates: { at: number; apply: () => void }[] = [];
  if (TERMINAL.has(sd.status)) return undefined;
  if (sd.stop) {
    const stop = sd.stop;
    candidates.push({
      at: stop.until,
      apply: () => {
        sd.status = 'STOPPED';
        sd.stoppedAt = stop.until;
        sd.updatedAt = stop.until;
        sd.stop = undefined;
      },
    });
  } else if (sd.rollback) {
    const rb = sd.rollback;
    if (rb.requestedUntil !== undefined) {
      candidates.push({
        at: rb.requestedUntil,
        apply: () => {
          sd.status = 'ROLLBACK_IN_PROGRESS';
          sd.updatedAt = rb.requestedUntil!;
          rb.requestedUntil = undefined;
        },
      });
    } else candidates.push({ at: rb.endsAt, apply: () => finishRollback(svc, sd) });
  } else if (sd.status === 'PENDING') {
    candidates.push({
      at: sd.startedAt,
      apply: () => {
        sd.status = 'IN_PROGRESS';
        enterStep(svc, sd, 0, sd.startedAt);
      },
    });
  } else if (sd.status === 'IN_PROGRESS') {
    const plan = stagePlan(sd.plan);
    const alarm = plan.alarm;
    const entered = alarm ? sd.stageEnteredAt[alarm.stage] : undefined;
    const alarmName = alarm?.name ?? sd.alarms.names[0];
    if (
      alarm &&
      entered !== undefined &&
      sd.alarms.enabled &&
      alarmName &&
      sd.alarms.names.includes(alarmName) &&
      !sd.alarms.triggered.includes(alarmName)
    ) {
      candidates.push({
        at: entered + (alarm.afterMs ?? 0),
        apply: () => {
          const at = entered + (alarm.afterMs ?? 0);
          sd.alarms.triggered.push(alarmName);
          // ECS's wording of an alarm rollback is not on record; this names the alarm as ECS's console does.
          fail(svc, sd, at, {
            rollback: sd.alarms.rollback,
            reason: `CloudWatch alarm(s) ${alarmName} in ALARM state.`,
            event: `alarm ${alarmName} in ALARM state.`,
          });
        },
      });
    }
    const step = sd.steps[sd.stepIndex];
    if (
      step?.kind === 'scale-up' &&
      sd.plan.outcome === 'fail' &&
      sd.cb.enabled &&
      sd.scaleUpStartedAt !== undefined
    ) {
      const { provisionMs, perTaskMs } = timing(sd.plan);
      const at = sd.scaleUpStartedAt + provisionMs + sd.cb.threshold * perTaskMs;
      candidates.push({
        at,
        apply: () => {
          sd.cb.trippedAt = at;
          // As the deployments list says it (containers-roadmap #1488); the ServiceDeployment's own
          // rollback.reason wording is not on record.
          fail(svc, sd, at, {
            rollback: sd.cb.rollback,
            reason: 'ECS deployment circuit breaker: tasks failed to start.',
            event: 'tasks failed to start.',
          });
        },
      });
    }
    if (step?.kind === 'hooks') {
      for (const h of sd.hooks) {
        const doneAt = h.doneAt;
        if (h.status === 'IN_PROGRESS' && doneAt !== undefined) {
          const at = Math.min(doneAt, h.expiresAt);
          candidates.push({
            at,
            apply: () => settleHook(svc, sd, h, at, at < doneAt ? 'TIMED_OUT' : (h.outcome ?? 'SUCCEEDED')),
          });
        }
        if (h.status === 'AWAITING_ACTION')
          candidates.push({ at: h.expiresAt, apply: () => settleHook(svc, sd, h, h.expiresAt, 'TIMED_OUT') });
      }
    } else {
      const end = stepEnd(sd);
      if (end !== undefined) {
        candidates.push({
          at: end,
          apply: () => {
            if (step?.kind === 'timed' && step.after) {
              if (step.after.prod !== undefined) sd.weights.prod = step.after.prod;
              if (step.after.test !== undefined) sd.weights.test = step.after.test;
            }
            if (step?.kind === 'scale-up') {
              sd.scaledUpAt = end;
              event(
                svc,
                sd.scaleUpStartedAt! + timing(sd.plan).provisionMs,
                `has started ${sd.desired} tasks: (task ${taskId(sd.legacyTarget.id)}).`,
              );
            }
            enterStep(svc, sd, sd.stepIndex + 1, end);
          },
        });
      }
    }
  }
  candidates.sort((a, b) => a.at - b.at);
  return candidates[0];
}

function settleHook(
  svc: DeployedService,
  sd: ServiceDeploymentRecord,
  h: HookExec,
  at: number,
  status: 'SUCCEEDED' | 'FAILED' | 'TIMED_OUT',
): void {
  h.status = status;
  sd.updatedAt = at;
  if (status === 'FAILED' || (status === 'TIMED_OUT' && h.timeoutAction === 'ROLLBACK')) {
    const step = sd.steps[sd.stepIndex]!;
    fail(svc, sd, at, {
      rollback: true,
      reason:
        status === 'FAILED'
          ? 'deployment failed: hook execution failure(s) detected'
          : `lifecycle hook ${h.hookId} timed out at ${step.stage}`,
      event:
        status === 'FAILED' ? 'hook execution failure(s) detected.' : `lifecycle hook ${h.hookId} timed out.`,
    });
    return;
  }
  if (
    sd.hooks.every(
      (x) => x.status === 'SUCCEEDED' || (x.status === 'TIMED_OUT' && x.timeoutAction === 'CONTINUE'),
    )
  )
    enterStep(svc, sd, sd.stepIndex + 1, at);
}

/** Plays every deployment of the service forward to `now`. */
export function advanceService(svc: DeployedService, now: number): void {
  for (const sd of svc.serviceDeployments) {
    for (let guard = 0; ; guard++) {
      const next = nextTransition(svc, sd);
      if (!next || next.at > now) break;
      if (guard > 10_000) throw new Error(`simulator bug: ${sd.arn} does not settle at ${next.at}`);
      next.apply();
    }
  }
}

export function isTerminal(sd: ServiceDeploymentRecord): boolean {
  return TERMINAL.has(sd.status);
}

const seconds = (ms: number | undefined) => (ms === undefined ? undefined : ms / 1000);

function revisionSummary(sd: ServiceDeploymentRecord, r: Revision, now: number, target: boolean): Json {
  const traffic = sd.strategy !== 'ROLLING';
  const t = targetCounts(sd, now);
  const done = sd.status === 'SUCCESSFUL';
  const rolledBack = sd.status === 'ROLLBACK_SUCCESSFUL';
  const running = target
    ? t.running
    : done
      ? 0
      : rolledBack || sd.rollback
        ? sd.desired
        : sd.strategy === 'ROLLING'
          ? Math.max(0, sd.desired - t.running)
          : sd.desired;
  return {
    arn: r.arn,
    requestedTaskCount: target ? (rolledBack ? 0 : sd.desired) : done ? 0 : sd.desired,
    runningTaskCount: running,
    pendingTaskCount: target ? t.pending : 0,
    ...(traffic
      ? {
          requestedTestTrafficWeight: target ? sd.weights.test : 100 - sd.weights.test,
          requestedProductionTrafficWeight: target ? sd.weights.prod : 100 - sd.weights.prod,
        }
      : {}),
  };
}

/** The stage a deployment reports: none for a rolling one (but while a hook runs), CLEAN_UP once done. */
function lifecycleStage(sd: ServiceDeploymentRecord, step: Step | undefined): { lifecycleStage?: string } {
  if (sd.status === 'SUCCESSFUL') return sd.strategy === 'ROLLING' ? {} : { lifecycleStage: 'CLEAN_UP' };
  if (sd.strategy === 'ROLLING' && step?.kind !== 'hooks') return {};
  return step?.reported ? { lifecycleStage: step.reported } : {};
}

/** DescribeServiceDeployments' view of one deployment. */
export function serviceDeploymentView(svc: DeployedService, sd: ServiceDeploymentRecord, now: number): Json {
  const step = sd.steps[Math.min(sd.stepIndex, sd.steps.length - 1)];
  const terminal = isTerminal(sd);
  const fails = failures(sd, now).length;
  return {
    serviceDeploymentArn: sd.arn,
    serviceArn: serviceArnOf(svc),
    clusterArn: clusterArnOf(svc),
    createdAt: seconds(sd.createdAt),
    startedAt: seconds(sd.startedAt),
    ...(sd.finishedAt !== undefined ? { finishedAt: seconds(sd.finishedAt) } : {}),
    ...(sd.stoppedAt !== undefined ? { stoppedAt: seconds(sd.stoppedAt) } : {}),
    updatedAt: seconds(sd.updatedAt),
    sourceServiceRevisions: sd.source.map((r) => revisionSummary(sd, r, now, false)),
    targetServiceRevision: revisionSummary(sd, sd.target, now, true),
    status: sd.status,
    ...(sd.statusReason ? { statusReason: sd.statusReason } : {}),
    ...lifecycleStage(sd, step),
    lifecycleHookDetails: terminal
      ? []
      : sd.hooks.map((h) => ({
          hookId: h.hookId,
          targetType: h.targetType,
          ...(h.targetArn ? { targetArn: h.targetArn } : {}),
          status: h.status,
          expiresAt: seconds(h.expiresAt),
          timeoutAction: h.timeoutAction,
        })),
    deploymentConfiguration: sd.config,
    ...(sd.rollback
      ? {
          rollback: {
            reason: sd.rollback.reason,
            startedAt: seconds(sd.rollback.startedAt),
            ...(sd.rollback.serviceRevisionArn ? { serviceRevisionArn: sd.rollback.serviceRevisionArn } : {}),
          },
        }
      : {}),
    deploymentCircuitBreaker: {
      status: !sd.cb.enabled
        ? 'DISABLED'
        : sd.cb.trippedAt !== undefined
          ? 'TRIGGERED'
          : terminal
            ? 'MONITORING_COMPLETE'
            : 'MONITORING',
      failureCount: fails,
      threshold: sd.cb.threshold,
    },
    alarms: {
      status: !sd.alarms.enabled
        ? 'DISABLED'
        : sd.alarms.triggered.length
          ? 'TRIGGERED'
          : terminal
            ? 'MONITORING_COMPLETE'
            : 'MONITORING',
      alarmNames: sd.alarms.names,
      triggeredAlarmNames: sd.alarms.triggered,
    },
  };
}

/** The `deployments` list of DescribeServices at `now`. */
export function legacyView(svc: DeployedService, now: number, launchType: string): Json[] {
  const visible = svc.legacy.filter(
    (l) => l.createdAt <= now && (l.removedAt === undefined || l.removedAt > now),
  );
  const primary = visible.at(-1);
  const counts = (l: LegacyDeployment) => {
    if (l.role === 'target' && l.sd) return targetCounts(l.sd, now);
    if (l.role === 'rollback' && l.sd?.rollback) {
      // A blue/green rollback moves traffic back to tasks that still run; a rolling one starts them again.
      const done = now >= l.sd.rollback.endsAt && l.sd.rollback.outcome === 'success';
      if (done || l.sd.strategy !== 'ROLLING') return { running: l.desiredCount, pending: 0 };
      return { running: 0, pending: l.desiredCount };
    }
    return { running: l.desiredCount, pending: 0 };
  };
  const primaryRunning = primary ? counts(primary).running : 0;
  return visible.reverse().map((l) => {
    const isPrimary = l === primary;
    const c = counts(l);
    const older = Math.max(0, l.desiredCount - primaryRunning);
    const state =
      l.failedAt !== undefined && l.failedAt <= now
        ? 'FAILED'
        : l.role === 'initial' ||
            l.role === 'cutover' ||
            (l.completedAt !== undefined && l.completedAt <= now)
          ? 'COMPLETED'
          : 'IN_PROGRESS';
    const ended =
      state === 'FAILED' ? l.failedAt : state === 'COMPLETED' ? (l.completedAt ?? l.createdAt) : undefined;
    return {
      id: l.id,
      status: isPrimary ? 'PRIMARY' : 'ACTIVE',
      taskDefinition: taskDefinitionArn(l.revision.td),
      desiredCount: isPrimary ? l.desiredCount : older,
      pendingCount: isPrimary ? c.pending : 0,
      runningCount: isPrimary ? c.running : older,
      failedTasks: l.role === 'target' && l.sd ? failures(l.sd, now).length : 0,
      createdAt: l.createdAt / 1000,
      updatedAt: (ended ?? now) / 1000,
      launchType,
      ...(l.revision.serviceConnectConfiguration
        ? { serviceConnectConfiguration: l.revision.serviceConnectConfiguration }
        : {}),
      rolloutState: state,
      rolloutStateReason:
        state === 'FAILED'
          ? `ECS deployment circuit breaker: ${l.failedReason ?? 'tasks failed to start.'}`
          : l.role === 'rollback' && state === 'IN_PROGRESS'
            ? `ECS deployment circuit breaker: rolling back to deploymentId ${l.sd?.legacyTarget.id}.`
            : state === 'COMPLETED'
              ? `ECS deployment ${l.id} completed.`
              : `ECS deployment ${l.id} in progress.`,
    };
  });
}

/** ContinueServiceDeployment: a PAUSE hook awaiting action goes on, or rolls the deployment back. */
export function continueDeployment(
  svc: DeployedService,
  sd: ServiceDeploymentRecord,
  hookId: string,
  action: 'CONTINUE' | 'ROLLBACK',
  now: number,
): void {
  // AWS documents the conditions (the hook AWAITING_ACTION, the deployment IN_PROGRESS); the wording of
  // its refusals is not on record.
  if (sd.status !== 'IN_PROGRESS')
    throw new AwsError(
      'InvalidParameterException',
      `The service deployment is ${sd.status}: only a deployment that is IN_PROGRESS can be continued.`,
    );
  const hook = sd.hooks.find((h) => h.hookId === hookId);
  if (!hook || hook.status !== 'AWAITING_ACTION')
    throw new AwsError(
      'InvalidParameterException',
      `The lifecycle hook ${hookId} is not awaiting action in this service deployment.`,
    );
  if (action === 'CONTINUE') {
    settleHook(svc, sd, hook, now, 'SUCCEEDED');
    return;
  }
  // The hook's status after a ROLLBACK decision is not documented; FAILED tells it apart from CONTINUE.
  hook.status = 'FAILED';
  fail(svc, sd, now, {
    rollback: true,
    requested: true,
    reason: 'Service deployment rolled back by ContinueServiceDeployment.',
    event: 'rollback requested.',
  });
}

/** StopServiceDeployment: ROLLBACK rolls back (even without rollback configured); ABORT stops where it is. */
export function stopDeployment(
  svc: DeployedService,
  sd: ServiceDeploymentRecord,
  stopType: 'ROLLBACK' | 'ABORT',
  now: number,
): void {
  if (sd.status !== 'IN_PROGRESS' && sd.status !== 'PENDING')
    throw new AwsError('ConflictException', `The service deployment is ${sd.status}: it cannot be stopped.`);
  if (stopType === 'ABORT') {
    sd.status = 'STOP_REQUESTED';
    sd.updatedAt = now;
    sd.stop = { at: now, until: now + 1000 };
    return;
  }
  for (const h of sd.hooks)
    if (h.status === 'AWAITING_ACTION' || h.status === 'IN_PROGRESS') h.status = 'FAILED';
  fail(svc, sd, now, {
    rollback: true,
    requested: true,
    reason: 'Service deployment rolled back by StopServiceDeployment.',
    event: 'rollback requested.',
  });
}

/**
 * The refusals ECS gives at UpdateService for a deployment configuration. AWS's wording where it is on
 * record (go-to-k/cdkd's tests against AWS, August 2026); the others are ours, marked so.
 */
export function refuseConfiguration(
  config: Json,
  context: { loadBalancers: Json[]; serviceConnect?: Json },
): void {
  const bad = (m: string) => new AwsError('InvalidParameterException', m);
  const strategy = (config['strategy'] as string | undefined) ?? 'ROLLING';
  if (config['linearConfiguration'] !== undefined && strategy !== 'LINEAR')
    throw bad('Linear configuration can only be present with LINEAR deployment strategy');
  // By analogy with the linear message (not on record).
  if (config['canaryConfiguration'] !== undefined && strategy !== 'CANARY')
    throw bad('Canary configuration can only be present with CANARY deployment strategy');
  const cb = config['deploymentCircuitBreaker'] as Json | undefined;
  const threshold = cb?.['thresholdConfiguration'] as Json | undefined;
  if (threshold && (typeof threshold['value'] !== 'number' || threshold['value'] < 0))
    throw bad('Invalid deployment circuit breaker threshold value.');
  const bake = config['bakeTimeInMinutes'];
  if (typeof bake === 'number' && (bake < 0 || bake > 1440))
    throw bad('bakeTimeInMinutes must be between 0 and 1440.'); // ours
  for (const h of (config['lifecycleHooks'] ?? []) as Json[]) {
    const stages = (h['lifecycleStages'] ?? []) as string[];
    if (!stages.length)
      throw bad('Lifecycle stage cannot be null or empty for any deployment lifecycle hooks');
    const type = h['targetType'] ?? 'AWS_LAMBDA';
    if (type === 'AWS_LAMBDA' && (!h['roleArn'] || !h['hookTargetArn']))
      throw bad('Role arn or Hook Target arn is missing for one or more deployment lifecycle hooks');
    if (
      type === 'PAUSE' &&
      stages.some((s) => s === 'TEST_TRAFFIC_SHIFT' || s === 'PRODUCTION_TRAFFIC_SHIFT')
    )
      // ours: the API reference says PAUSE hooks cannot be configured at these stages.
      throw bad(
        'PAUSE lifecycle hooks cannot be configured at the TEST_TRAFFIC_SHIFT or PRODUCTION_TRAFFIC_SHIFT lifecycle stages.',
      );
  }
  if (strategy !== 'ROLLING') {
    const lbs = context.loadBalancers;
    const connect = context.serviceConnect?.['enabled'] === true;
    // ours: ECS blue/green needs a second target group and the listener rules it moves.
    if (!lbs.length && !connect)
      throw bad(
        `The ${strategy} deployment strategy requires a load balancer or Service Connect configuration.`,
      );
    if (lbs.some((lb) => !(lb['advancedConfiguration'] as Json | undefined)?.['alternateTargetGroupArn']))
      throw bad(
        `The ${strategy} deployment strategy requires advancedConfiguration with an alternateTargetGroupArn for each load balancer.`,
      );
  }
  const pct = (v: unknown, lo: number) =>
    typeof v === 'number' && (v < lo || v > 100 || Math.abs(v * 10 - Math.round(v * 10)) > 1e-9);
  const lc = config['linearConfiguration'] as Json | undefined;
  if (lc && pct(lc['stepPercent'], 3)) throw bad('stepPercent must be a multiple of 0.1 from 3.0 to 100.0.'); // ours
  const cc = config['canaryConfiguration'] as Json | undefined;
  if (cc && pct(cc['canaryPercent'], 0.1))
    throw bad('canaryPercent must be a multiple of 0.1 from 0.1 to 100.0.'); // ours
}
