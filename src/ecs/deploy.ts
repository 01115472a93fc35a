/**
 * Task definitions to running services: register only when the definition changed, update the
 * service, follow the deployment that update created until COMPLETED or FAILED (circuit breaker), and
 * when it fails, gather why: service events since the update, stopped tasks with their reasons and exit
 * codes, and the last lines the failing containers logged.
 */
import type { CloudWatchLogsClient } from '@aws-sdk/client-cloudwatch-logs';
import {
  DeregisterTaskDefinitionCommand,
  DescribeServicesCommand,
  DescribeTaskDefinitionCommand,
  DescribeTasksCommand,
  type ECSClient,
  ListTasksCommand,
  paginateListTaskDefinitions,
  RegisterTaskDefinitionCommand,
  type RegisterTaskDefinitionCommandInput,
  type Service,
  type UpdateServiceCommandInput,
  UpdateServiceCommand,
} from '@aws-sdk/client-ecs';
import { unreadable } from '../aws/errors.js';
import { type Clock, type Observation, poll, systemClock } from '../aws/poller.js';
import { UserError } from '../errors.js';
import type { Logger } from '../log.js';
import { sameTaskDefinition } from '../taskdef/compare.js';
import { normalizeTaskDefinition } from '../taskdef/normalize.js';
import { DeploymentFailed } from './deployment-failed.js';
import { lastLogLines } from './logs.js';

type Ecs = Pick<ECSClient, 'send'>;
type Json = Record<string, unknown>;

export interface Registration {
  arn: string;
  revision: number;
  registered: boolean;
  /** The revision that was ACTIVE before, for the summary's comparison. */
  previous?: Json;
}

export async function registerIfChanged(
  client: Ecs,
  definition: Json,
  options: { force: boolean; log: Logger },
): Promise<Registration> {
  const family = String(definition['family'] ?? '');
  let previous: Json | undefined;
  try {
    const out = await client.send(new DescribeTaskDefinitionCommand({ taskDefinition: family }));
    previous = out.taskDefinition as Json | undefined;
  } catch (error) {
    // A family with no ACTIVE revision yet is answered with ClientException.
    if ((error as { name?: string }).name !== 'ClientException') throw error;
  }
  // The registered revision carries describe-only fields (ARN, revision, status …): compare without them.
  if (
    previous &&
    !options.force &&
    sameTaskDefinition(definition, normalizeTaskDefinition(previous).definition)
  ) {
    options.log.info(
      `${String(previous['taskDefinitionArn'])} already says the same: not registering a new revision.`,
    );
    return {
      arn: String(previous['taskDefinitionArn']),
      revision: Number(previous['revision']),
      registered: false,
      previous,
    };
  }
  const out = await client.send(
    new RegisterTaskDefinitionCommand(definition as unknown as RegisterTaskDefinitionCommandInput),
  );
  const td = out.taskDefinition!;
  options.log.info(`Registered ${td.taskDefinitionArn}.`);
  return {
    arn: td.taskDefinitionArn!,
    revision: td.revision!,
    registered: true,
    ...(previous ? { previous } : {}),
  };
}

/**
 * Keeps the newest `keep` ACTIVE revisions of a family and deregisters the rest; returns what it
 * deregistered. The revisions are put in order here, by number, rather than trusting the order of the
 * answer: a wrong order would deregister the newest.
 */
export async function deregisterOlder(
  client: Ecs,
  family: string,
  keep: number,
  inUse: string,
): Promise<string[]> {
  const arns: string[] = [];
  for await (const page of paginateListTaskDefinitions(
    { client: client as ECSClient },
    { familyPrefix: family, status: 'ACTIVE', sort: 'DESC' },
  )) {
    arns.push(
      ...(page.taskDefinitionArns ?? []).filter((a) => a.split('/').pop()?.replace(/:\d+$/, '') === family),
    );
  }
  const revision = (arn: string) => Number(/:(\d+)$/.exec(arn)?.[1] ?? 0);
  arns.sort((a, b) => revision(b) - revision(a));
  const old = arns.slice(keep).filter((a) => a !== inUse);
  for (const arn of old) await client.send(new DeregisterTaskDefinitionCommand({ taskDefinition: arn }));
  return old;
}

export async function describeService(
  client: Ecs,
  cluster: string,
  service: string,
  region: string,
): Promise<Service> {
  const out = await client.send(new DescribeServicesCommand({ cluster, services: [service] }));
  const found = out.services?.[0];
  if (!found) {
    throw new UserError(
      `The service "${service}" does not exist in cluster "${cluster}" (${region}). Check the service and cluster names and the region.`,
    );
  }
  return found;
}

export interface UpdateResult {
  deploymentId: string | undefined;
  /** When the update was made, by the service's clock: events after it are this deployment's. */
  since: Date;
  service: Service;
  /** How long the deployment this one replaces took, when that is known and plausible. */
  expectedMs?: number;
}

/** Rollouts shorter or longer than this are not taken as a forecast (a count change, not a rollout). */
const PLAUSIBLE_ROLLOUT_MS = { min: 5_000, max: 3_600_000 };

export async function updateService(client: Ecs, input: UpdateServiceCommandInput): Promise<UpdateResult> {
  const before = new Date();
  const out = await client.send(new UpdateServiceCommand(input));
  const service = out.service!;
  const primary = service.deployments?.find((d) => d.status === 'PRIMARY');
  const expectedMs = lastRolloutMs(service, primary?.id);
  return {
    deploymentId: primary?.id,
    since: primary?.createdAt ?? before,
    service,
    ...(expectedMs !== undefined ? { expectedMs } : {}),
  };
}

/**
 * How long the service's last rollout took: the deployment the update replaced, when it was the only
 * one and had completed (ECS stamps updatedAt when it completes). The same service with the same load
 * balancer, health checks and drain delay tends to take the same time again.
 */
export function lastRolloutMs(service: Service, newId: string | undefined): number | undefined {
  const older = (service.deployments ?? []).filter((d) => d.id !== newId);
  const last = older.length === 1 ? older[0] : undefined;
  if (!last || last.rolloutState !== 'COMPLETED' || !last.createdAt || !last.updatedAt) return undefined;
  const ms = last.updatedAt.getTime() - last.createdAt.getTime();
  return ms >= PLAUSIBLE_ROLLOUT_MS.min && ms <= PLAUSIBLE_ROLLOUT_MS.max ? ms : undefined;
}

export interface WaitOptions {
  cluster: string;
  service: string;
  deploymentId: string;
  region: string;
  timeoutMs: number;
  signal?: AbortSignal;
  clock?: Clock;
  log?: Logger;
  /** How long the rollout should take (the service's last one): looks are planned around it. */
  expectedMs?: number;
}

/**
 * When to look next, given a forecast of when the rollout ends: progress looks every quarter of it
 * (30 s to 60 s apart), one look just after the forecast, then looks 1 s, 1.5 s, 2.25 s … apart (up to
 * 15 s) while it runs late. Undefined once the forecast has failed and plain back-off takes over.
 */
export function plannedLook(elapsedMs: number, expectedMs: number, late: { next: number }): number {
  const due = expectedMs + 250;
  if (elapsedMs < due) {
    const step = Math.min(60_000, Math.max(30_000, expectedMs / 4));
    // A progress look that would fall close to the end is not worth its call.
    return elapsedMs + step >= due - step / 2 ? due - elapsedMs : step;
  }
  const wait = late.next;
  late.next = Math.min(15_000, late.next * 1.5);
  return wait;
}

/**
 * Follows one deployment. With a forecast (how long the service's last rollout took), it looks a few
 * times for progress, then just after the forecast end, then often while it runs late. Without one, or
 * once tasks fail or the forecast proves wrong (tasks still pending after it), it polls fast when the
 * new tasks are all running (the end is a drain away) and slower while they provision.
 */
export async function waitForDeployment(client: Ecs, options: WaitOptions) {
  const clock = options.clock ?? systemClock;
  const start = clock.now();
  let forecast = options.expectedMs;
  const late = { next: 1000 };
  let nearMs = 2000;
  return poll<Service>({
    what: `service ${options.service}`,
    timeoutMs: options.timeoutMs,
    // UpdateService has just shown the state: the first look is worth making only later.
    firstLookMs: forecast !== undefined ? plannedLook(0, forecast, late) : 2000,
    initialIntervalMs: 2000,
    maxIntervalMs: 15_000,
    backoff: 1.5,
    jitter: 0.1,
    ...(options.signal ? { signal: options.signal } : {}),
    clock,
    ...(options.log ? { log: options.log } : {}),
    check: async (): Promise<Observation<Service>> => {
      const service = await describeService(client, options.cluster, options.service, options.region);
      const mine = service.deployments?.find((d) => d.id === options.deploymentId);
      const primary = service.deployments?.find((d) => d.status === 'PRIMARY');
      if (!mine) {
        // Gone from the list: ECS removes a deployment that was rolled back (once the rollback completes)
        // or replaced. A deployment that succeeded stays as the PRIMARY, COMPLETED one.
        const runs = primary?.taskDefinition
          ? ` the service's PRIMARY deployment ${primary.id} runs ${primary.taskDefinition.split('/').pop()}`
          : '';
        throw new DeploymentFailed(
          options.deploymentId,
          `it is no longer among the service's deployments, which ECS does when it rolls a deployment back or another replaces it;${runs || ' the service has no PRIMARY deployment'}`,
          primary?.taskDefinition,
          primary?.rolloutState === 'COMPLETED',
        );
      }
      if (mine.rolloutState === 'COMPLETED') {
        if (mine.status === 'PRIMARY') return { done: true, value: service };
        throw new DeploymentFailed(
          options.deploymentId,
          `it completed, but another deployment (${primary?.id ?? 'unknown'}, ${primary?.taskDefinition?.split('/').pop() ?? 'unknown task definition'}) has replaced it as the service's PRIMARY one`,
          undefined,
        );
      }
      if (mine.rolloutState === 'FAILED') {
        const rollback = primary && primary.id !== mine.id ? primary.taskDefinition : undefined;
        throw new DeploymentFailed(mine.id!, mine.rolloutStateReason ?? 'rollout failed', rollback);
      }
      const desired = mine.desiredCount ?? 0;
      const running = mine.runningCount ?? 0;
      const pending = mine.pendingCount ?? 0;
      const others = (service.deployments ?? [])
        .filter((d) => d.id !== mine.id)
        .reduce((n, d) => n + (d.runningCount ?? 0), 0);
      const failed = mine.failedTasks ?? 0;
      const state = `${running}/${desired} running, ${pending} pending${failed ? `, ${failed} failed` : ''}${others ? `, ${others} old draining` : ''}`;
      // All new tasks up: completion is a drain away, so look often.
      const near = running >= desired && pending === 0;
      if (forecast !== undefined) {
        const elapsed = clock.now() - start;
        // Failing tasks, or tasks still pending after the forecast end: this rollout is not like the last.
        if (failed > 0 || (!near && elapsed > forecast)) forecast = undefined;
        else return { done: false, state, plannedMs: plannedLook(elapsed, forecast, late) };
      }
      if (!near) {
        nearMs = 2000;
        return { done: false, state };
      }
      // The end is a drain away, of unknown length: look often, a little less often as it goes on.
      const next = nearMs;
      nearMs = Math.min(5000, nearMs * 1.25);
      return { done: false, state, nextIntervalMs: next };
    },
  });
}

/** Why a deployment failed, in lines a user can act on; each read that fails is one line saying so. */
export async function explainFailure(
  clients: { ecs: Ecs; logs: () => Pick<CloudWatchLogsClient, 'send'> },
  options: { cluster: string; service: string; deploymentId: string; since: Date },
): Promise<string[]> {
  const lines: string[] = [];
  const attempt = async <T>(what: string, read: () => Promise<T>): Promise<T | undefined> => {
    try {
      return await read();
    } catch (error) {
      lines.push(unreadable(what, error));
      return undefined;
    }
  };
  const described = await attempt('the service events', () =>
    clients.ecs.send(new DescribeServicesCommand({ cluster: options.cluster, services: [options.service] })),
  );
  const events = (described?.services?.[0]?.events ?? [])
    .filter((e) => e.createdAt && e.createdAt >= options.since)
    .reverse();
  for (const e of events.slice(-10)) lines.push(`event: ${e.message}`);

  const listed = await attempt('the stopped tasks', () =>
    clients.ecs.send(
      new ListTasksCommand({
        cluster: options.cluster,
        serviceName: options.service,
        desiredStatus: 'STOPPED',
        startedBy: options.deploymentId,
      }),
    ),
  );
  const taskArns = listed?.taskArns ?? [];
  if (!taskArns.length) return lines;
  const described2 = await attempt('the stopped tasks', () =>
    clients.ecs.send(new DescribeTasksCommand({ cluster: options.cluster, tasks: taskArns.slice(0, 3) })),
  );
  const tasks = described2?.tasks ?? [];
  for (const task of tasks) {
    const id = task.taskArn?.split('/').pop() ?? '';
    lines.push(
      `stopped task ${id}: ${task.stoppedReason ?? 'no reason given'}${task.stopCode ? ` (${task.stopCode})` : ''}`,
    );
    for (const c of task.containers ?? []) {
      if (c.exitCode === undefined && !c.reason) continue;
      lines.push(`  container ${c.name}: exit code ${c.exitCode ?? '?'}${c.reason ? ` — ${c.reason}` : ''}`);
    }
  }
  // The last lines the first stopped task's failing container logged, when it logs to CloudWatch.
  const first = tasks[0];
  if (!first?.taskArn || !first.taskDefinitionArn) return lines;
  const definition = await attempt('the task definition of the stopped task', () =>
    clients.ecs.send(new DescribeTaskDefinitionCommand({ taskDefinition: first.taskDefinitionArn })),
  );
  const failing = first.containers?.find((c) => (c.exitCode ?? 0) !== 0) ?? first.containers?.[0];
  const def = definition?.taskDefinition?.containerDefinitions?.find((c) => c.name === failing?.name);
  const log = await lastLogLines(clients.logs(), def, first.taskArn);
  if (log?.lines.length)
    lines.push(`last log lines of ${failing?.name} (${log.where}):`, ...log.lines.map((m) => `  ${m}`));
  return lines;
}
