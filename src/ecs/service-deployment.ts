/**
 * Following a ServiceDeployment to its true outcome. The deployment an UpdateService started is found
 * (the service's currentServiceDeployment, else ListServiceDeployments since just before the update) and
 * confirmed to target the task definition this step deployed; then DescribeServiceDeployments is read
 * until it is SUCCESSFUL — the only success — or ends rolled back or stopped, or reaches what the caller
 * waits for (a PAUSE hook awaiting action, production traffic on the new revision). Looks are planned from
 * what the deployment says: a bake of known length is slept through in one-minute looks and checked at its
 * end, a pause is looked at once a minute, and the end of a drain or a rollback is looked for quickly.
 */
import {
  DescribeServiceDeploymentsCommand,
  DescribeServiceRevisionsCommand,
  type ECSClient,
  ListServiceDeploymentsCommand,
  type ServiceDeployment,
  type ServiceDeploymentBrief,
  type ServiceRevision,
} from '@aws-sdk/client-ecs';
import { type Clock, type Observation, poll, systemClock } from '../aws/poller.js';
import { formatDuration } from '../duration.js';
import { errorMessage } from '../errors.js';
import { isTransient, unreadable } from '../aws/errors.js';
import type { Logger } from '../log.js';
import { STAGE_ORDER, type WaitUntil } from './deployment-config.js';
import { plannedLook } from './deploy.js';

type Ecs = Pick<ECSClient, 'send'>;

/** The IAM actions that following a ServiceDeployment takes. */
export const SERVICE_DEPLOYMENT_ACTIONS = [
  'ecs:ListServiceDeployments',
  'ecs:DescribeServiceDeployments',
  'ecs:DescribeServiceRevisions',
] as const;

const FAILED_STATUSES = new Set(['ROLLBACK_SUCCESSFUL', 'ROLLBACK_FAILED', 'STOPPED']);

/** DescribeServiceDeployments answered with the ARN among its failures (MISSING). */
class ServiceDeploymentMissing extends Error {
  override readonly name = 'ServiceDeploymentMissing';
}

/** Why the ServiceDeployment calls cannot be used, when they cannot. */
export class ServiceDeploymentsUnavailable extends Error {
  override readonly name = 'ServiceDeploymentsUnavailable';
}

const errorName = (e: unknown) => (e as { name?: string }).name ?? '';
const DENIED = new Set(['AccessDeniedException', 'AccessDenied', 'UnauthorizedOperation']);
/** Errors that mean "use the deployments list instead": denied or not supported here. */
function unavailable(error: unknown): boolean {
  return DENIED.has(errorName(error)) || errorName(error) === 'UnsupportedFeatureException';
}

export async function describeServiceDeployment(client: Ecs, arn: string): Promise<ServiceDeployment> {
  const out = await client.send(new DescribeServiceDeploymentsCommand({ serviceDeploymentArns: [arn] }));
  const found = out.serviceDeployments?.[0];
  if (!found) {
    const why = out.failures?.[0];
    throw new ServiceDeploymentMissing(
      `ECS has no service deployment ${arn}${why?.reason ? ` (${why.reason}${why.detail ? `: ${why.detail}` : ''})` : ''}.`,
    );
  }
  return found;
}

/** Service revisions by ARN (at most 20 a call); empty when the caller may not read them. */
export async function describeRevisions(
  client: Ecs,
  arns: readonly string[],
): Promise<Map<string, ServiceRevision>> {
  const out = new Map<string, ServiceRevision>();
  const unique = [...new Set(arns)];
  for (let i = 0; i < unique.length; i += 20) {
    const page = await client.send(
      new DescribeServiceRevisionsCommand({ serviceRevisionArns: unique.slice(i, i + 20) }),
    );
    for (const r of page.serviceRevisions ?? []) if (r.serviceRevisionArn) out.set(r.serviceRevisionArn, r);
  }
  return out;
}

export interface Located {
  deployment: ServiceDeployment;
  /** Revisions of the deployment (target and sources) that could be read, for what they run. */
  revisions: Map<string, ServiceRevision>;
  /** False when the target revision could not be read (DescribeServiceRevisions denied). */
  confirmed: boolean;
  warnings: string[];
}

export interface LocateOptions {
  cluster: string;
  service: string;
  /** The service as UpdateService answered. */
  currentServiceDeployment: string | undefined;
  /** When the update was made, by ECS's clock (the new PRIMARY deployment's createdAt). */
  since: Date;
  taskDefinitionArn: string;
  clock?: Clock;
  signal?: AbortSignal;
}

/**
 * The ServiceDeployment this step's UpdateService started. Throws ServiceDeploymentsUnavailable when the
 * calls are denied or unsupported, or when no such deployment can be found.
 */
export async function locateServiceDeployment(client: Ecs, o: LocateOptions): Promise<Located> {
  const clock = o.clock ?? systemClock;
  const warnings: string[] = [];
  const earliest = o.since.getTime() - 2000;
  let revisionsReadable = true;
  const revisionsOf = async (arns: string[]) => {
    if (!revisionsReadable) return new Map<string, ServiceRevision>();
    try {
      return await describeRevisions(client, arns);
    } catch (error) {
      if (!DENIED.has(errorName(error))) throw error;
      revisionsReadable = false;
      warnings.push(
        `Could not read the service revisions (AWS denied ecs:DescribeServiceRevisions), so the deployment is taken as this step's by its time alone; grant ecs:DescribeServiceRevisions to confirm it runs ${o.taskDefinitionArn}.`,
      );
      return new Map<string, ServiceRevision>();
    }
  };
  const runsMine = (arn: string | undefined, revisions: Map<string, ServiceRevision>) => {
    const r = arn ? revisions.get(arn) : undefined;
    return r ? r.taskDefinition === o.taskDefinitionArn : !revisionsReadable;
  };
  const finish = async (deployment: ServiceDeployment): Promise<Located> => {
    const arns = [
      deployment.targetServiceRevision?.arn,
      ...(deployment.sourceServiceRevisions ?? []).map((s) => s.arn),
    ];
    const revisions = await revisionsOf(arns.filter((a): a is string => !!a));
    return { deployment, revisions, confirmed: revisionsReadable, warnings };
  };
  try {
    // Right after UpdateService the deployment may not be described yet (MISSING): the list comes next.
    const current = o.currentServiceDeployment
      ? await describeServiceDeployment(client, o.currentServiceDeployment).catch((error: unknown) => {
          if (error instanceof ServiceDeploymentMissing) return undefined;
          throw error;
        })
      : undefined;
    if (current) {
      const d = current;
      if ((d.createdAt?.getTime() ?? 0) >= earliest) {
        const revisions = await revisionsOf(
          d.targetServiceRevision?.arn ? [d.targetServiceRevision.arn] : [],
        );
        if (runsMine(d.targetServiceRevision?.arn, revisions)) return await finish(d);
      }
    }
    // The service answered with another deployment (or none): list the ones created since the update.
    // ListServiceDeployments may lag a moment behind UpdateService, so look three times.
    for (let attempt = 0; attempt < 3; attempt++) {
      const briefs: ServiceDeploymentBrief[] = [];
      let nextToken: string | undefined;
      do {
        const page = await client.send(
          new ListServiceDeploymentsCommand({
            cluster: o.cluster,
            service: o.service,
            createdAt: { after: new Date(earliest) },
            ...(nextToken ? { nextToken } : {}),
          }),
        );
        briefs.push(...(page.serviceDeployments ?? []));
        nextToken = page.nextToken;
      } while (nextToken);
      // The order is not documented: newest first, by createdAt.
      const candidates = briefs
        .filter((b) => (b.createdAt?.getTime() ?? 0) >= earliest && b.serviceDeploymentArn)
        .sort((a, b) => (b.createdAt?.getTime() ?? 0) - (a.createdAt?.getTime() ?? 0));
      const revisions = await revisionsOf(
        candidates.map((c) => c.targetServiceRevisionArn).filter((a): a is string => !!a),
      );
      const mine = candidates.find((c) => runsMine(c.targetServiceRevisionArn, revisions));
      if (mine) return await finish(await describeServiceDeployment(client, mine.serviceDeploymentArn!));
      if (attempt < 2) await clock.sleep(2000, o.signal);
    }
  } catch (error) {
    if (unavailable(error)) {
      throw new ServiceDeploymentsUnavailable(
        `${errorName(error) === 'UnsupportedFeatureException' ? 'ECS does not support service deployments here' : 'AWS denied a service deployment call'} (${errorMessage(error)})`,
      );
    }
    throw error;
  }
  throw new ServiceDeploymentsUnavailable(
    `ECS lists no service deployment of ${o.service} created since ${o.since.toISOString()} that runs ${o.taskDefinitionArn}`,
  );
}

/** One stage of the deployment as this step saw it, for the job summary. */
export interface StageSeen {
  stage: string;
  firstSeenAt: number;
  lastSeenAt: number;
  production?: number;
  test?: number;
  hooks: string[];
}

export type FollowOutcome = 'succeeded' | 'paused' | 'traffic-shifted' | 'failed';

export interface FollowResult {
  deployment: ServiceDeployment;
  outcome: FollowOutcome;
  /** The hook awaiting action when the outcome is paused. */
  hookId?: string;
  stages: StageSeen[];
  looks: number;
}

export interface FollowOptions {
  arn: string;
  service: string;
  waitUntil: WaitUntil;
  timeoutMs: number;
  /** What the deployment looked like when found (saves a first look). */
  first?: ServiceDeployment;
  /** Hooks not to stop at (continue-deployment's own, just continued). */
  ignoreHooks?: readonly string[];
  /** How long the service's last rollout took: looks for a rolling deployment are planned around it. */
  expectedMs?: number;
  signal?: AbortSignal;
  clock?: Clock;
  log?: Logger;
}

/** The stage to show: ECS's lifecycle stage; a rolling update reports none, nor a deployment not started yet. */
function stageLabel(d: ServiceDeployment): string {
  if (d.lifecycleStage) return d.lifecycleStage;
  if (d.status === 'PENDING') return 'PENDING';
  return (d.deploymentConfiguration?.strategy ?? 'ROLLING') === 'ROLLING' ? 'rolling update' : 'starting';
}
const stageIndex = (stage: string | undefined) => (stage ? STAGE_ORDER.indexOf(stage as never) : -1);

/** The hook a PAUSE awaits action at, if one does. */
export function awaitingHook(d: ServiceDeployment, ignore: readonly string[] = []): string | undefined {
  return (d.lifecycleHookDetails ?? []).find(
    (h) =>
      h.targetType === 'PAUSE' && h.status === 'AWAITING_ACTION' && h.hookId && !ignore.includes(h.hookId),
  )?.hookId;
}

/** Production traffic is on the new revision (or, for a rolling update, the new tasks replaced the old). */
function trafficShifted(d: ServiceDeployment): boolean {
  if (d.status === 'SUCCESSFUL') return true;
  if (d.status !== 'IN_PROGRESS') return false;
  const t = d.targetServiceRevision;
  if (t?.requestedProductionTrafficWeight !== undefined)
    return stageIndex(d.lifecycleStage) >= stageIndex('POST_PRODUCTION_TRAFFIC_SHIFT');
  const oldRunning = (d.sourceServiceRevisions ?? []).reduce((n, s) => n + (s.runningTaskCount ?? 0), 0);
  return (t?.runningTaskCount ?? 0) >= (t?.requestedTaskCount ?? 1) && oldRunning === 0;
}

/** A line for the log: what changed (the key of the look), and how long a bake has left. */
function describeLook(d: ServiceDeployment): string {
  const t = d.targetServiceRevision;
  const parts: string[] = [];
  parts.push(
    d.status === 'IN_PROGRESS' || d.status === 'PENDING'
      ? stageLabel(d)
      : `${d.status}${d.lifecycleStage ? ` (${d.lifecycleStage})` : ''}`,
  );
  if (t) {
    parts.push(
      `${t.runningTaskCount ?? 0}/${t.requestedTaskCount ?? 0} new tasks running${t.pendingTaskCount ? `, ${t.pendingTaskCount} pending` : ''}`,
    );
    if (t.requestedProductionTrafficWeight !== undefined)
      parts.push(
        `production traffic ${t.requestedProductionTrafficWeight}%, test ${t.requestedTestTrafficWeight ?? 0}%`,
      );
  }
  for (const h of d.lifecycleHookDetails ?? []) {
    if (h.status === 'SUCCEEDED') continue;
    parts.push(`${h.targetType === 'PAUSE' ? 'pause' : 'hook'} ${h.hookId} ${h.status}`);
  }
  const cb = d.deploymentCircuitBreaker;
  if (cb?.failureCount)
    parts.push(`${cb.failureCount} failed tasks (the circuit breaker trips at ${cb.threshold})`);
  if (d.alarms?.triggeredAlarmNames?.length)
    parts.push(`alarm ${d.alarms.triggeredAlarmNames.join(', ')} in ALARM`);
  return parts.join('; ');
}

/** Minutes of bake the deployment's configuration gives the stage it is in, if it is baking. */
function bakeOf(d: ServiceDeployment): { key: string; ms: number } | undefined {
  const c = d.deploymentConfiguration;
  const weight = d.targetServiceRevision?.requestedProductionTrafficWeight;
  if (d.lifecycleStage === 'BAKE_TIME' && c?.bakeTimeInMinutes !== undefined)
    return { key: 'BAKE_TIME', ms: c.bakeTimeInMinutes * 60_000 };
  // A linear or canary step bakes with part of the production traffic on the new revision.
  if (d.lifecycleStage === 'PRODUCTION_TRAFFIC_SHIFT' && weight !== undefined && weight > 0 && weight < 100) {
    const minutes =
      c?.strategy === 'CANARY'
        ? (c.canaryConfiguration?.canaryBakeTimeInMinutes ?? 10)
        : c?.strategy === 'LINEAR'
          ? (c.linearConfiguration?.stepBakeTimeInMinutes ?? 6)
          : undefined;
    if (minutes !== undefined) return { key: `step ${weight}`, ms: minutes * 60_000 };
  }
  return undefined;
}

const QUICK = { first: 1000, factor: 1.5, max: 3000 };
const WAITING_LOOK_MS = 60_000;
/** Looks in a row that may fail on throttling or an outage before the error ends the step. */
const MAX_UNREAD_LOOKS = 5;

/** When to look next (the plan the wait follows), from the deployment and what was seen before. */
class LookPlanner {
  private key = '';
  private since = 0;
  private previousLookAt: number;
  private quick = QUICK.first;
  private quickSince: number | undefined;
  private slow = 2000;
  private late = { next: 1000 };
  private forecast: number | undefined;

  constructor(
    private readonly start: number,
    expectedMs: number | undefined,
  ) {
    this.previousLookAt = start;
    this.forecast = expectedMs;
  }

  /** Milliseconds until the next look, given the deployment as seen at `now`. */
  next(
    d: ServiceDeployment,
    now: number,
    waitingForPause: boolean,
    ignoreHooks: readonly string[] = [],
  ): { ms: number; bakeLeftMs?: number } {
    const bake = bakeOf(d);
    // A hook just decided on may still show AWAITING_ACTION a moment: it is no reason to wait long.
    const hook = (d.lifecycleHookDetails ?? []).find(
      (h) =>
        (h.status === 'AWAITING_ACTION' || h.status === 'IN_PROGRESS') &&
        !ignoreHooks.includes(h.hookId ?? ''),
    );
    const phase =
      FAILED_STATUSES.has(d.status ?? '') || d.status?.startsWith('ROLLBACK') || d.status === 'STOP_REQUESTED'
        ? 'ending'
        : hook
          ? `${hook.targetType}:${hook.hookId}:${hook.status}`
          : bake
            ? `bake:${bake.key}`
            : `${d.lifecycleStage ?? 'rolling'}:${d.targetServiceRevision?.runningTaskCount ?? 0}`;
    if (phase !== this.key) {
      // The phase began after the previous look and by this one.
      this.key = phase;
      this.since = this.previousLookAt;
      this.quick = QUICK.first;
      this.quickSince = undefined;
      this.slow = 2000;
    }
    this.previousLookAt = now;
    /** Quick looks for an end that is near; `spread`: of unknown length, so further apart as it lasts. */
    const quick = (spread: boolean) => {
      const ms = this.quick;
      this.quickSince ??= now;
      // A tenth of how long the quick looks have gone on: a five-minute drain costs tens of reads, not a hundred.
      const cap = spread ? Math.max(QUICK.max, (now - this.quickSince) / 10) : QUICK.max;
      this.quick = Math.min(cap, this.quick * QUICK.factor);
      return ms;
    };
    // A rollback ends as a rollout does: looked for as often as the end of a success.
    if (phase === 'ending') return { ms: quick(false) };
    if (hook?.targetType === 'PAUSE' && hook.status === 'AWAITING_ACTION' && !waitingForPause) {
      // Nothing moves until someone continues it, or it times out.
      const expires = hook.expiresAt ? hook.expiresAt.getTime() - now + 1000 : WAITING_LOOK_MS;
      return { ms: Math.max(1000, Math.min(WAITING_LOOK_MS, expires)) };
    }
    if (hook) {
      // A Lambda hook is invoked again every 30 s while it answers IN_PROGRESS.
      const ms = this.slow;
      this.slow = Math.min(15_000, this.slow * 1.5);
      return { ms };
    }
    if (bake) {
      // The bake began between the previous look and the one that saw it: it ends no sooner than that.
      const earliestEnd = this.since + bake.ms;
      const bakeLeftMs = Math.max(0, earliestEnd - now);
      if (bakeLeftMs > 1000) return { ms: Math.min(WAITING_LOOK_MS, bakeLeftMs), bakeLeftMs };
      return { ms: quick(false), bakeLeftMs };
    }
    const cb = d.deploymentCircuitBreaker;
    if (cb?.failureCount) {
      // Tasks are failing: the circuit breaker's verdict, and the rollback, are near.
      this.forecast = undefined;
      return { ms: quick(false) };
    }
    const t = d.targetServiceRevision;
    const scaling = d.lifecycleStage === 'SCALE_UP' || d.lifecycleStage === undefined;
    if (!scaling) return { ms: quick(true) };
    const near = (t?.runningTaskCount ?? 0) >= (t?.requestedTaskCount ?? 1) && !t?.pendingTaskCount;
    // The forecast is a rolling update's: the last rollout of the service, start to end.
    const rolling = (d.deploymentConfiguration?.strategy ?? 'ROLLING') === 'ROLLING';
    if (this.forecast !== undefined && rolling && d.lifecycleStage === undefined) {
      const elapsed = now - this.start;
      if (!near && elapsed > this.forecast) this.forecast = undefined;
      else return { ms: plannedLook(elapsed, this.forecast, this.late) };
    }
    if (near) return { ms: quick(true) };
    const ms = this.slow;
    this.slow = Math.min(15_000, this.slow * 1.5);
    return { ms };
  }
}

/** Follows the ServiceDeployment until it ends or reaches `waitUntil`. */
export async function followServiceDeployment(client: Ecs, o: FollowOptions): Promise<FollowResult> {
  const clock = o.clock ?? systemClock;
  const start = clock.now();
  const planner = new LookPlanner(start, o.expectedMs);
  const stages: StageSeen[] = [];
  let first = o.first;
  let looks = 0;
  let unreadLooks = 0;
  let lastState = 'not read yet';
  const record = (d: ServiceDeployment, at: number) => {
    const stage = stageLabel(d);
    let last = stages.at(-1);
    if (!last || last.stage !== stage) {
      last = { stage, firstSeenAt: at, lastSeenAt: at, hooks: [] };
      stages.push(last);
    }
    last.lastSeenAt = at;
    const t = d.targetServiceRevision;
    if (t?.requestedProductionTrafficWeight !== undefined)
      last.production = t.requestedProductionTrafficWeight;
    if (t?.requestedTestTrafficWeight !== undefined) last.test = t.requestedTestTrafficWeight;
    for (const h of d.lifecycleHookDetails ?? []) {
      const text = `${h.targetType === 'PAUSE' ? 'pause' : 'Lambda hook'} ${h.hookId}: ${h.status}`;
      const same = last.hooks.findIndex((x) => x.startsWith(`${text.split(':')[0]}:`));
      if (same >= 0) last.hooks[same] = text;
      else last.hooks.push(text);
    }
  };
  const result = await poll<FollowResult>({
    what: `service deployment of ${o.service}`,
    timeoutMs: o.timeoutMs,
    clock,
    ...(o.signal ? { signal: o.signal } : {}),
    ...(o.log ? { log: o.log } : {}),
    check: async (): Promise<Observation<FollowResult>> => {
      let d: ServiceDeployment;
      try {
        d = first ?? (await describeServiceDeployment(client, o.arn));
        unreadLooks = 0;
      } catch (error) {
        // A look that throttling or an outage spoiled (after the SDK's own retries) is not the end of a
        // long wait: look again later, a few times, before the error ends the step.
        if (!isTransient(error) || ++unreadLooks > MAX_UNREAD_LOOKS) throw error;
        const ms = Math.min(WAITING_LOOK_MS, 10_000 * unreadLooks);
        o.log?.info(`${unreadable('the service deployment', error)}; looking again in ${formatDuration(ms)}`);
        return { done: false, state: lastState, plannedMs: ms };
      }
      first = undefined;
      looks++;
      const now = clock.now();
      record(d, now);
      const done = (outcome: FollowOutcome, hookId?: string): Observation<FollowResult> => ({
        done: true,
        value: { deployment: d, outcome, stages, looks, ...(hookId ? { hookId } : {}) },
      });
      if (d.status === 'SUCCESSFUL') return done('succeeded');
      if (FAILED_STATUSES.has(d.status ?? '')) return done('failed');
      if (d.status === 'IN_PROGRESS' || d.status === 'PENDING') {
        const hook = awaitingHook(d, o.ignoreHooks);
        if (o.waitUntil === 'paused' && hook) return done('paused', hook);
        if (o.waitUntil === 'traffic-shifted' && trafficShifted(d)) return done('traffic-shifted');
      }
      const { ms, bakeLeftMs } = planner.next(d, now, o.waitUntil === 'paused', o.ignoreHooks ?? []);
      lastState = describeLook(d);
      return {
        done: false,
        state: lastState,
        ...(bakeLeftMs !== undefined && bakeLeftMs > 0
          ? { detail: `bake about ${formatDuration(bakeLeftMs)} left` }
          : {}),
        plannedMs: ms,
      };
    },
  });
  return result.value;
}

/** The task definition a revision runs, short (family:revision), when it could be read. */
export function revisionTaskDefinition(
  revisions: Map<string, ServiceRevision>,
  arn: string | undefined,
): string | undefined {
  const td = arn ? revisions.get(arn)?.taskDefinition : undefined;
  return td?.split('/').pop();
}

/** Why a deployment did not succeed, from what ECS recorded: rollback reason, circuit breaker, alarms, hooks. */
export function explainServiceDeployment(
  d: ServiceDeployment,
  revisions: Map<string, ServiceRevision>,
): { reason: string; lines: string[] } {
  const lines: string[] = [];
  const why = d.rollback?.reason ?? d.statusReason;
  const back = revisionTaskDefinition(
    revisions,
    d.rollback?.serviceRevisionArn ?? d.sourceServiceRevisions?.[0]?.arn,
  );
  const parts: string[] = [];
  if (why) parts.push(why.replace(/\.$/, ''));
  const cb = d.deploymentCircuitBreaker;
  if (cb?.status === 'TRIGGERED' || (cb?.failureCount ?? 0) > 0)
    parts.push(
      `the circuit breaker counted ${cb?.failureCount ?? 0} failed tasks (threshold ${cb?.threshold ?? '?'})`,
    );
  const alarms = d.alarms?.triggeredAlarmNames ?? [];
  if (alarms.length) parts.push(`alarm${alarms.length > 1 ? 's' : ''} ${alarms.join(', ')} went to ALARM`);
  for (const h of d.lifecycleHookDetails ?? [])
    if (h.status === 'FAILED' || h.status === 'TIMED_OUT')
      parts.push(
        `the ${h.targetType === 'PAUSE' ? 'pause' : 'Lambda hook'} ${h.hookId} ${h.status === 'FAILED' ? 'failed' : 'timed out'}`,
      );
  const outcome =
    d.status === 'ROLLBACK_SUCCESSFUL'
      ? `ECS rolled the service back${back ? ` to ${back}` : ''}`
      : d.status === 'ROLLBACK_FAILED'
        ? `ECS tried to roll the service back${back ? ` to ${back}` : ''} and the rollback FAILED: the service may run neither revision fully`
        : d.status === 'STOPPED'
          ? 'the deployment was stopped without a rollback (a failure with rollback off, a StopServiceDeployment, or a newer deployment)'
          : `it is ${d.status}`;
  lines.push(
    `service deployment ${d.serviceDeploymentArn}: ${d.status}${d.lifecycleStage ? ` at ${d.lifecycleStage}` : ''}`,
  );
  if (d.statusReason) lines.push(`  status reason: ${d.statusReason}`);
  if (d.rollback?.reason && d.rollback.reason !== d.statusReason)
    lines.push(`  rollback reason: ${d.rollback.reason}`);
  if (cb && cb.status !== 'DISABLED')
    lines.push(
      `  circuit breaker: ${cb.status}, ${cb.failureCount ?? 0} failed tasks of ${cb.threshold ?? '?'} allowed`,
    );
  if (d.alarms && d.alarms.status !== 'DISABLED')
    lines.push(
      `  alarms: ${d.alarms.status}${alarms.length ? `, in ALARM: ${alarms.join(', ')}` : ''} (watching ${(d.alarms.alarmNames ?? []).join(', ') || 'none'})`,
    );
  return {
    reason: `${parts.length ? `${parts.join('; ')}. ` : ''}${outcome[0]!.toUpperCase()}${outcome.slice(1)}.`,
    lines,
  };
}

/**
 * The minutes of bake the deployment itself waits through up to `waitUntil`: the bake time (waited for
 * only until `succeeded`) and, for LINEAR and CANARY, the bake after each production step but the last.
 */
export function bakeMinutes(d: ServiceDeployment, waitUntil: WaitUntil): number {
  const c = d.deploymentConfiguration;
  if (!c || waitUntil === 'paused') return 0;
  let steps = 0;
  if (c.strategy === 'LINEAR') {
    const step = c.linearConfiguration?.stepPercent ?? 10;
    steps =
      Math.max(0, Math.ceil(100 / step - 1e-9) - 1) * (c.linearConfiguration?.stepBakeTimeInMinutes ?? 6);
  } else if (c.strategy === 'CANARY') {
    steps =
      (c.canaryConfiguration?.canaryPercent ?? 5) < 100
        ? (c.canaryConfiguration?.canaryBakeTimeInMinutes ?? 10)
        : 0;
  }
  return steps + (waitUntil === 'succeeded' ? (c.bakeTimeInMinutes ?? 0) : 0);
}
