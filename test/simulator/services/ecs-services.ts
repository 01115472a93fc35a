/**
 * ECS clusters, services and tasks over time. A deployment is a plan (scenario) played on the
 * simulator's clock: provisioning, tasks starting one after another, the old deployment draining, then
 * COMPLETED — or tasks failing until the circuit breaker trips (FAILED, and a rollback deployment when
 * rollback is on), or tasks that never leave PENDING. Events, running and stopped tasks and the failing
 * containers' log lines are derived from the same plan, so every view agrees.
 */
import { createHash } from 'node:crypto';
import { AwsError } from '../errors.js';
import { DEFAULT_ACCOUNT, type RolloutPlan } from '../scenario.js';
import type { Operation, RequestContext, Simulator } from '../server.js';
import { any, bool, int, list, str, struct } from '../shapes.js';
import { checkRegistration, ecsState, findTaskDefinition, type StoredTaskDefinition } from './ecs.js';

type Json = Record<string, unknown>;

interface DeploymentRecord {
  id: string;
  taskDefinition: StoredTaskDefinition;
  desiredCount: number;
  createdAt: number;
  plan: RolloutPlan;
  /** For a rollback: the deployment it replaces. */
  rollbackOf?: string;
}

interface ServiceRecord {
  cluster: string;
  name: string;
  region: string;
  account: string;
  status: 'ACTIVE' | 'DRAINING' | 'INACTIVE';
  controller: 'ECS' | 'CODE_DEPLOY' | 'EXTERNAL';
  circuitBreaker: { enable: boolean; rollback: boolean };
  rollouts: RolloutPlan[];
  deployments: DeploymentRecord[];
  extraEvents: { at: number; message: string }[];
  createdAt: number;
  desiredCount: number;
  launchType: 'EC2' | 'FARGATE';
  /** Tasks short of the desired count, whatever the deployments say. */
  missingTasks: number;
  loadBalancers: Json[];
  networkConfiguration?: Json;
}

interface StandaloneTask {
  taskArn: string;
  cluster: string;
  td: StoredTaskDefinition;
  createdAt: number;
  startedBy: string;
  plan: { provisionMs: number; runMs: number; exitCode: number; reason?: string; logLines: string[] };
  overrides?: Json;
}

interface ServicesState {
  clusters: {
    name: string;
    region: string;
    status: string;
    capacityProviders: string[];
    standaloneInstances: { imageId: string; count?: number }[];
  }[];
  services: ServiceRecord[];
  tasks: StandaloneTask[];
  seeded: boolean;
}

const id19 = (seed: string) =>
  BigInt(`0x${createHash('sha256').update(seed).digest('hex').slice(0, 15)}`)
    .toString()
    .padStart(19, '0')
    .slice(0, 19);

function tdArn(t: StoredTaskDefinition): string {
  return `arn:aws:ecs:${t.region}:${t.account}:task-definition/${t.family}:${t.revision}`;
}

export function servicesState(sim: Simulator, region: string): ServicesState {
  const key = `ecs-services/${region}`;
  let state = sim.state.get(key) as ServicesState | undefined;
  if (state) return state;
  const scenario = sim.scenario.ecs ?? {};
  const account = sim.scenario.account ?? DEFAULT_ACCOUNT;
  const now = sim.now();
  // Task definitions first: services refer to them.
  const tds = ecsState(sim).taskDefinitions;
  for (const input of scenario.taskDefinitions ?? []) {
    checkRegistration(input);
    const family = String(input['family']);
    const revision =
      Math.max(0, ...tds.filter((t) => t.family === family && t.region === region).map((t) => t.revision)) +
      1;
    tds.push({
      family,
      revision,
      region,
      account,
      status: 'ACTIVE',
      definition: input,
      tags: [],
      registeredAt: now - 86_400_000,
    });
  }
  state = {
    clusters: (scenario.clusters ?? []).map((c) => ({
      name: c.name,
      region,
      status: c.status ?? 'ACTIVE',
      capacityProviders: c.capacityProviders ?? [],
      standaloneInstances: c.standaloneInstances ?? [],
    })),
    services: (scenario.services ?? []).map((s) => {
      const [family, revision] = s.taskDefinition.split(':');
      const td = tds.find(
        (t) => t.region === region && t.family === family && t.revision === Number(revision),
      );
      if (!td)
        throw new Error(
          `scenario: service ${s.name} names task definition ${s.taskDefinition}, which is not seeded`,
        );
      const desired = s.desiredCount ?? 2;
      return {
        cluster: s.cluster,
        name: s.name,
        region,
        account,
        status: s.status ?? 'ACTIVE',
        controller: s.deploymentController ?? 'ECS',
        circuitBreaker: s.circuitBreaker ?? { enable: true, rollback: true },
        rollouts: s.rollouts ?? [{}],
        deployments: [
          {
            id: `ecs-svc/${id19(`${s.name}/initial`)}`,
            taskDefinition: td,
            desiredCount: desired,
            createdAt: now - 3_600_000,
            plan: { outcome: 'success', provisionMs: 0, perTaskMs: 0, drainMs: 0 },
          },
        ],
        extraEvents: [],
        createdAt: now - 7 * 86_400_000,
        desiredCount: desired,
        launchType: s.launchType ?? 'FARGATE',
        missingTasks: s.missingTasks ?? 0,
        loadBalancers: s.loadBalancers ?? [],
        ...(s.networkConfiguration ? { networkConfiguration: s.networkConfiguration } : {}),
      };
    }),
    tasks: [],
    seeded: true,
  };
  sim.state.set(key, state);
  return state;
}

/** Where one deployment is at `now`. */
interface DeploymentView {
  record: DeploymentRecord;
  rolloutState: 'IN_PROGRESS' | 'COMPLETED' | 'FAILED';
  rolloutStateReason: string;
  running: number;
  pending: number;
  failed: number;
  /** When it reached its end state (completed, or failed), if it did. */
  endedAt?: number;
  /** When all its tasks were running (the old deployment starts draining then). */
  allRunningAt?: number;
  failures: { taskId: string; at: number }[];
  startedTasksAt?: number;
}

function view(d: DeploymentRecord, now: number, breaker = false): DeploymentView {
  const plan = d.plan;
  const e = now - d.createdAt;
  const base = { record: d, failures: [] as { taskId: string; at: number }[] };
  if (plan.outcome === 'hang') {
    return {
      ...base,
      rolloutState: 'IN_PROGRESS',
      rolloutStateReason: `ECS deployment ${d.id} in progress.`,
      running: 0,
      pending: d.desiredCount,
      failed: 0,
    };
  }
  const provision = plan.provisionMs ?? 3000;
  const perTask = plan.perTaskMs ?? 1000;
  if (plan.outcome === 'fail') {
    const threshold = plan.failAfterTasks ?? 3;
    const failures: { taskId: string; at: number }[] = [];
    // With the circuit breaker on, no task is started after it trips.
    for (let k = 1; d.createdAt + provision + k * perTask <= now && !(breaker && k > threshold); k++) {
      failures.push({
        taskId: createHash('sha256').update(`${d.id}/${k}`).digest('hex').slice(0, 32),
        at: d.createdAt + provision + k * perTask,
      });
      if (k >= 10_000) break;
    }
    const trippedAt = d.createdAt + provision + threshold * perTask;
    return {
      ...base,
      failures,
      rolloutState: 'IN_PROGRESS',
      rolloutStateReason: `ECS deployment ${d.id} in progress.`,
      running: 0,
      pending: e < provision ? d.desiredCount : 1,
      failed: failures.length,
      endedAt: trippedAt,
      startedTasksAt: d.createdAt + provision,
    };
  }
  const drain = plan.drainMs ?? 2000;
  const allRunningAt = d.createdAt + provision + Math.max(0, d.desiredCount - 1) * perTask;
  const running =
    e < provision ? 0 : Math.min(d.desiredCount, Math.floor((e - provision) / Math.max(perTask, 1)) + 1);
  const completedAt = allRunningAt + drain;
  return {
    ...base,
    rolloutState: now >= completedAt ? 'COMPLETED' : 'IN_PROGRESS',
    rolloutStateReason:
      now >= completedAt ? `ECS deployment ${d.id} completed.` : `ECS deployment ${d.id} in progress.`,
    running,
    pending: d.desiredCount - running,
    failed: 0,
    endedAt: completedAt,
    allRunningAt,
    startedTasksAt: d.createdAt + provision,
  };
}

/** Plays the service forward to `now`: a tripped circuit breaker fails its deployment and may start a rollback. */
function advance(
  svc: ServiceRecord,
  now: number,
): { views: DeploymentView[]; events: { at: number; message: string }[] } {
  const events: { at: number; message: string }[] = [...svc.extraEvents];
  const label = `(service ${svc.name})`;
  const views: DeploymentView[] = [];
  for (let i = 0; i < svc.deployments.length; i++) {
    const d = svc.deployments[i]!;
    // A cut-over that CodeDeploy has scheduled for later has not happened yet.
    if (d.createdAt > now) continue;
    const v = view(d, now, svc.circuitBreaker.enable);
    if (
      d.plan.outcome === 'fail' &&
      svc.circuitBreaker.enable &&
      v.endedAt !== undefined &&
      now >= v.endedAt
    ) {
      v.rolloutState = 'FAILED';
      v.rolloutStateReason = 'ECS deployment circuit breaker: tasks failed to start.';
      events.push({
        at: v.endedAt,
        message: `${label} (deployment ${d.id}) deployment failed: tasks failed to start.`,
      });
      const previous = svc.deployments[i - 1];
      if (svc.circuitBreaker.rollback && previous && !svc.deployments.some((x) => x.rollbackOf === d.id)) {
        svc.deployments.push({
          id: `ecs-svc/${id19(`${d.id}/rollback`)}`,
          taskDefinition: previous.taskDefinition,
          desiredCount: d.desiredCount,
          createdAt: v.endedAt,
          plan: { outcome: 'success', provisionMs: 1000, perTaskMs: 500, drainMs: 1000 },
          rollbackOf: d.id,
        });
        events.push({ at: v.endedAt, message: `${label} rolling back to deployment ${previous.id}.` });
      }
    }
    for (const f of v.failures) {
      if (f.at <= now)
        events.push({ at: f.at, message: `${label} has started 1 tasks: (task ${f.taskId}).` });
    }
    if (
      v.startedTasksAt !== undefined &&
      d.plan.outcome !== 'fail' &&
      now >= v.startedTasksAt &&
      d.createdAt > svc.createdAt + 1
    ) {
      events.push({
        at: v.startedTasksAt,
        message: `${label} has started ${d.desiredCount} tasks: (task ${createHash('sha256').update(d.id).digest('hex').slice(0, 32)}).`,
      });
    }
    if (v.rolloutState === 'COMPLETED' && v.endedAt !== undefined && d.createdAt > svc.createdAt + 1) {
      events.push({ at: v.endedAt, message: `${label} (deployment ${d.id}) deployment completed.` });
      events.push({ at: v.endedAt + 1, message: `${label} has reached a steady state.` });
    }
    views.push(v);
  }
  return { views, events: events.sort((a, b) => b.at - a.at) };
}

function serviceArn(s: ServiceRecord): string {
  return `arn:aws:ecs:${s.region}:${s.account}:service/${s.cluster}/${s.name}`;
}
function clusterArn(region: string, account: string, name: string): string {
  return `arn:aws:ecs:${region}:${account}:cluster/${name}`;
}

/** The deployments ECS shows: the newest is PRIMARY; finished older ones are gone once the newer completes. */
function describeService(svc: ServiceRecord, now: number): Json {
  const { views, events } = advance(svc, now);
  const primary = views.at(-1)!;
  const shown = views.filter((v, i) => {
    if (i === views.length - 1) return true;
    const next = views[i + 1]!;
    // An older deployment stays while the next one has not all its tasks running and drained.
    if (v.rolloutState === 'FAILED') return next.rolloutState !== 'COMPLETED';
    return next.rolloutState !== 'COMPLETED';
  });
  const deployments = shown.reverse().map((v) => {
    const isPrimary = v === primary;
    const olderRunning = isPrimary ? v.running : Math.max(0, v.record.desiredCount - (primary.running ?? 0));
    return {
      id: v.record.id,
      status: isPrimary ? 'PRIMARY' : 'ACTIVE',
      taskDefinition: tdArn(v.record.taskDefinition),
      desiredCount: isPrimary ? v.record.desiredCount : olderRunning,
      pendingCount: isPrimary ? v.pending : 0,
      runningCount: isPrimary ? v.running : olderRunning,
      failedTasks: v.failed,
      createdAt: v.record.createdAt / 1000,
      // ECS stamps a deployment when it changes last: a finished one when it finished.
      updatedAt:
        (v.rolloutState === 'IN_PROGRESS' || v.endedAt === undefined ? now : Math.min(now, v.endedAt)) / 1000,
      launchType: svc.launchType,
      rolloutState: v.rolloutState,
      rolloutStateReason: v.rolloutStateReason,
    };
  });
  return {
    serviceArn: serviceArn(svc),
    serviceName: svc.name,
    clusterArn: clusterArn(svc.region, svc.account, svc.cluster),
    status: svc.status,
    desiredCount: svc.desiredCount,
    runningCount: Math.max(
      0,
      deployments.reduce((n, d) => n + (d.runningCount as number), 0) - svc.missingTasks,
    ),
    pendingCount: deployments.reduce((n, d) => n + (d.pendingCount as number), 0),
    launchType: svc.launchType,
    taskDefinition: tdArn(primary.record.taskDefinition),
    deploymentConfiguration: {
      deploymentCircuitBreaker: svc.circuitBreaker,
      maximumPercent: 200,
      minimumHealthyPercent: 100,
    },
    deployments,
    events: events.slice(0, 100).map((e, i) => ({
      id: createHash('sha256').update(`${e.at}/${i}/${e.message}`).digest('hex').slice(0, 36),
      createdAt: e.at / 1000,
      message: e.message,
    })),
    createdAt: svc.createdAt / 1000,
    deploymentController: { type: svc.controller },
    schedulingStrategy: 'REPLICA',
    loadBalancers: svc.loadBalancers,
    ...(svc.networkConfiguration ? { networkConfiguration: svc.networkConfiguration } : {}),
  };
}

/** Finds a service by cluster and name, for CodeDeploy (which deploys to it). */
export function serviceRecord(sim: Simulator, region: string, cluster: string, name: string) {
  return servicesState(sim, region).services.find((s) => s.cluster === cluster && s.name === name);
}

/** CodeDeploy moved all traffic to `td` at `at`: from then on the service runs it. */
export function cutOver(
  svc: ServiceRecord,
  td: StoredTaskDefinition,
  at: number,
  deploymentId: string,
): void {
  svc.deployments.push({
    id: `ecs-svc/${id19(`${svc.name}/${deploymentId}`)}`,
    taskDefinition: td,
    desiredCount: svc.desiredCount,
    createdAt: at,
    plan: { outcome: 'success', provisionMs: 0, perTaskMs: 0, drainMs: 0 },
  });
  svc.deployments.sort((a, b) => a.createdAt - b.createdAt);
}

export function findCluster(ctx: RequestContext, ref: string | undefined) {
  const name = (ref ?? 'default').replace(/^arn:aws[a-z-]*:ecs:[^:]+:\d{12}:cluster\//, '');
  const cluster = servicesState(ctx.sim, ctx.region).clusters.find((c) => c.name === name);
  if (!cluster) throw new AwsError('ClusterNotFoundException', 'Cluster not found.');
  return cluster;
}

function findService(ctx: RequestContext, cluster: string, ref: string) {
  const name = ref.replace(/^arn:aws[a-z-]*:ecs:[^:]+:\d{12}:service\/(?:[^/]+\/)?/, '');
  return servicesState(ctx.sim, ctx.region).services.find((s) => s.cluster === cluster && s.name === name);
}

/** Tasks the simulator knows of: stopped tasks of failed deployments and one-off tasks (with their log lines). */
export function knownTasks(sim: Simulator, region: string, now: number) {
  const out: {
    task: Json;
    logs: { group: string; stream: string; lines: string[]; at: number }[];
    service: string;
    cluster: string;
  }[] = [];
  for (const svc of servicesState(sim, region).services) {
    const { views } = advance(svc, now);
    for (const v of views) {
      const plan = v.record.plan;
      if (plan.outcome !== 'fail') continue;
      const td = v.record.taskDefinition;
      const containers = (td.definition['containerDefinitions'] as Json[]) ?? [];
      const essential = containers.find((c) => c['essential'] !== false) ?? containers[0]!;
      for (const f of v.failures) {
        const taskArn = `arn:aws:ecs:${region}:${svc.account}:task/${svc.cluster}/${f.taskId}`;
        const logs: { group: string; stream: string; lines: string[]; at: number }[] = [];
        const log = essential['logConfiguration'] as
          { logDriver?: string; options?: Record<string, string> } | undefined;
        if (log?.logDriver === 'awslogs' && log.options?.['awslogs-group']) {
          const prefix = log.options['awslogs-stream-prefix'];
          logs.push({
            group: log.options['awslogs-group'],
            stream: prefix ? `${prefix}/${String(essential['name'])}/${f.taskId}` : f.taskId,
            lines: plan.logLines ?? [],
            at: f.at - 500,
          });
        }
        out.push({
          service: svc.name,
          cluster: svc.cluster,
          logs,
          task: {
            taskArn,
            clusterArn: clusterArn(region, svc.account, svc.cluster),
            taskDefinitionArn: tdArn(td),
            group: `service:${svc.name}`,
            startedBy: v.record.id,
            lastStatus: 'STOPPED',
            desiredStatus: 'STOPPED',
            stopCode: plan.stopCode ?? 'EssentialContainerExited',
            stoppedReason: plan.stoppedReason ?? 'Essential container in task exited',
            stoppedAt: f.at / 1000,
            createdAt: (f.at - 800) / 1000,
            launchType: 'FARGATE',
            containers: containers.map((c) => ({
              name: c['name'],
              image: c['image'],
              taskArn,
              lastStatus: 'STOPPED',
              ...(c === essential
                ? {
                    exitCode: plan.exitCode ?? 1,
                    ...(plan.containerReason ? { reason: plan.containerReason } : {}),
                  }
                : { exitCode: 0 }),
            })),
          },
        });
      }
    }
  }
  for (const t of servicesState(sim, region).tasks) {
    out.push({ service: '', cluster: t.cluster, logs: taskLogs(t), task: standaloneView(t, now) });
  }
  return out;
}

function taskLogs(t: StandaloneTask) {
  const containers = (t.td.definition['containerDefinitions'] as Json[]) ?? [];
  const essential = containers.find((c) => c['essential'] !== false) ?? containers[0]!;
  const log = essential['logConfiguration'] as
    { logDriver?: string; options?: Record<string, string> } | undefined;
  if (log?.logDriver !== 'awslogs' || !log.options?.['awslogs-group']) return [];
  const id = t.taskArn.split('/').pop()!;
  const prefix = log.options['awslogs-stream-prefix'];
  return [
    {
      group: log.options['awslogs-group'],
      stream: prefix ? `${prefix}/${String(essential['name'])}/${id}` : id,
      lines: t.plan.logLines,
      at: t.createdAt + t.plan.provisionMs,
    },
  ];
}

/** A one-off task at `now`: PROVISIONING, RUNNING, then STOPPED with its exit code. */
function standaloneView(t: StandaloneTask, now: number): Json {
  const e = now - t.createdAt;
  const stoppedAt = t.createdAt + t.plan.provisionMs + t.plan.runMs;
  const status = e < t.plan.provisionMs ? 'PROVISIONING' : now < stoppedAt ? 'RUNNING' : 'STOPPED';
  const containers = (t.td.definition['containerDefinitions'] as Json[]) ?? [];
  const essential = containers.find((c) => c['essential'] !== false) ?? containers[0]!;
  return {
    taskArn: t.taskArn,
    clusterArn: clusterArn(t.td.region, t.td.account, t.cluster),
    taskDefinitionArn: tdArn(t.td),
    startedBy: t.startedBy,
    lastStatus: status,
    desiredStatus: status === 'STOPPED' ? 'STOPPED' : 'RUNNING',
    createdAt: t.createdAt / 1000,
    launchType: 'FARGATE',
    ...(t.overrides ? { overrides: t.overrides } : {}),
    ...(status === 'STOPPED'
      ? {
          stoppedAt: stoppedAt / 1000,
          stopCode: 'EssentialContainerExited',
          stoppedReason: 'Essential container in task exited',
        }
      : {}),
    containers: containers.map((c) => ({
      name: c['name'],
      image: c['image'],
      taskArn: t.taskArn,
      lastStatus: status === 'PROVISIONING' ? 'PENDING' : status,
      ...(status === 'STOPPED'
        ? c === essential
          ? { exitCode: t.plan.exitCode, ...(t.plan.reason ? { reason: t.plan.reason } : {}) }
          : { exitCode: 0 }
        : {}),
    })),
  };
}

export const ecsServiceOperations: Record<string, Operation> = {
  DescribeClusters: {
    input: struct({ clusters: list(str()), include: any }),
    handler(input, ctx) {
      const refs = (input['clusters'] as string[] | undefined) ?? ['default'];
      const all = servicesState(ctx.sim, ctx.region).clusters;
      const clusters: Json[] = [];
      const failures: Json[] = [];
      for (const ref of refs) {
        const name = ref.replace(/^arn:aws[a-z-]*:ecs:[^:]+:\d{12}:cluster\//, '');
        const c = all.find((x) => x.name === name);
        if (c)
          clusters.push({
            clusterArn: clusterArn(ctx.region, ctx.account, c.name),
            clusterName: c.name,
            status: c.status,
            capacityProviders: c.capacityProviders,
          });
        else failures.push({ arn: clusterArn(ctx.region, ctx.account, name), reason: 'MISSING' });
      }
      return { clusters, failures };
    },
  },
  DescribeServices: {
    input: struct({ cluster: str(), services: list(str(), { max: 10 }), include: any }, ['services']),
    handler(input, ctx) {
      const cluster = findCluster(ctx, input['cluster'] as string | undefined);
      const services: Json[] = [];
      const failures: Json[] = [];
      for (const ref of input['services'] as string[]) {
        const svc = findService(ctx, cluster.name, ref);
        if (svc) services.push(describeService(svc, ctx.now));
        else
          failures.push({
            arn: `arn:aws:ecs:${ctx.region}:${ctx.account}:service/${cluster.name}/${ref}`,
            reason: 'MISSING',
          });
      }
      return { services, failures };
    },
  },
  UpdateService: {
    input: struct(
      {
        cluster: str(),
        service: str(),
        desiredCount: int({ min: 0 }),
        taskDefinition: str(),
        forceNewDeployment: bool,
        deploymentConfiguration: any,
        capacityProviderStrategy: any,
        enableECSManagedTags: bool,
        propagateTags: str({ enum: ['TASK_DEFINITION', 'SERVICE', 'NONE'] }),
        networkConfiguration: any,
        platformVersion: str(),
        healthCheckGracePeriodSeconds: int(),
        enableExecuteCommand: bool,
      },
      ['service'],
    ),
    handler(input, ctx) {
      const cluster = findCluster(ctx, input['cluster'] as string | undefined);
      const svc = findService(ctx, cluster.name, String(input['service']));
      if (!svc) throw new AwsError('ServiceNotFoundException', 'Service not found.');
      if (svc.status !== 'ACTIVE') throw new AwsError('ServiceNotActiveException', 'Service was not ACTIVE.');
      if (svc.controller === 'CODE_DEPLOY' && input['taskDefinition'] !== undefined) {
        throw new AwsError(
          'InvalidParameterException',
          'Unable to update task definition on services with a CODE_DEPLOY deployment controller. Use AWS CodeDeploy to trigger a new deployment.',
        );
      }
      const current = svc.deployments.filter((d) => d.createdAt <= ctx.now).at(-1)!;
      let td = current.taskDefinition;
      if (input['taskDefinition'] !== undefined) {
        const found = findTaskDefinition(ctx, String(input['taskDefinition']));
        if (!found) throw new AwsError('InvalidParameterException', 'TaskDefinition not found.');
        if (found.status !== 'ACTIVE')
          throw new AwsError('InvalidParameterException', 'TaskDefinition is inactive');
        td = found;
      }
      if (input['deploymentConfiguration'] !== undefined) {
        const cb = (input['deploymentConfiguration'] as Json)['deploymentCircuitBreaker'] as
          { enable: boolean; rollback: boolean } | undefined;
        if (cb) svc.circuitBreaker = cb;
      }
      const desired = (input['desiredCount'] as number | undefined) ?? svc.desiredCount;
      svc.desiredCount = desired;
      if (td !== current.taskDefinition || input['forceNewDeployment'] === true) {
        const n = svc.deployments.filter((d) => !d.rollbackOf).length - 1;
        const plan = svc.rollouts[Math.min(n, svc.rollouts.length - 1)] ?? {};
        svc.deployments.push({
          id: `ecs-svc/${id19(`${svc.name}/${ctx.now}/${svc.deployments.length}`)}`,
          taskDefinition: td,
          desiredCount: desired,
          createdAt: ctx.now,
          plan,
        });
      } else {
        current.desiredCount = desired;
      }
      return { service: describeService(svc, ctx.now) };
    },
  },
  ListTasks: {
    input: struct({
      cluster: str(),
      serviceName: str(),
      family: str(),
      startedBy: str(),
      desiredStatus: str({ enum: ['RUNNING', 'PENDING', 'STOPPED'] }),
      maxResults: int({ min: 1, max: 100 }),
      nextToken: str(),
    }),
    handler(input, ctx) {
      const cluster = findCluster(ctx, input['cluster'] as string | undefined);
      const service = input['serviceName'] as string | undefined;
      if (service && !findService(ctx, cluster.name, service))
        throw new AwsError('ServiceNotFoundException', 'Service not found.');
      if ((input['desiredStatus'] ?? 'RUNNING') !== 'STOPPED') return { taskArns: [] };
      const tasks = knownTasks(ctx.sim, ctx.region, ctx.now).filter(
        (t) =>
          t.cluster === cluster.name &&
          (!service || t.service === service) &&
          (!input['startedBy'] || t.task['startedBy'] === input['startedBy']),
      );
      // Newest first, as the tasks that matter for a failure are the latest ones.
      return {
        taskArns: tasks
          .map((t) => t.task['taskArn'])
          .reverse()
          .slice(0, (input['maxResults'] as number | undefined) ?? 100),
      };
    },
  },
  RunTask: {
    input: struct(
      {
        cluster: str(),
        taskDefinition: str(),
        count: int({ min: 1, max: 10 }),
        launchType: str({ enum: ['EC2', 'FARGATE', 'EXTERNAL', 'MANAGED_INSTANCES'] }),
        capacityProviderStrategy: any,
        networkConfiguration: any,
        overrides: any,
        startedBy: str({ max: 128 }),
        tags: any,
        group: str(),
        platformVersion: str(),
        enableECSManagedTags: bool,
        propagateTags: str({ enum: ['TASK_DEFINITION', 'SERVICE', 'NONE'] }),
      },
      ['taskDefinition'],
    ),
    handler(input, ctx) {
      const cluster = findCluster(ctx, input['cluster'] as string | undefined);
      const td = findTaskDefinition(ctx, String(input['taskDefinition']));
      if (!td) throw new AwsError('InvalidParameterException', 'TaskDefinition not found.');
      if (td.definition['networkMode'] === 'awsvpc' && !input['networkConfiguration']) {
        throw new AwsError(
          'InvalidParameterException',
          "Network Configuration must be provided when networkMode 'awsvpc' is specified.",
        );
      }
      const plan = ctx.sim.scenario.ecs?.runTasks?.[td.family] ?? {};
      const state = servicesState(ctx.sim, ctx.region);
      const tasks: Json[] = [];
      for (let i = 0; i < ((input['count'] as number | undefined) ?? 1); i++) {
        const id = createHash('sha256')
          .update(`${td.family}/${ctx.now}/${state.tasks.length}`)
          .digest('hex')
          .slice(0, 32);
        const task: StandaloneTask = {
          taskArn: `arn:aws:ecs:${ctx.region}:${ctx.account}:task/${cluster.name}/${id}`,
          cluster: cluster.name,
          td,
          createdAt: ctx.now,
          startedBy: (input['startedBy'] as string | undefined) ?? '',
          plan: {
            provisionMs: plan.provisionMs ?? 1000,
            runMs: plan.runMs ?? 2000,
            exitCode: plan.exitCode ?? 0,
            logLines: plan.logLines ?? [],
            ...(plan.reason ? { reason: plan.reason } : {}),
          },
          ...(input['overrides'] ? { overrides: input['overrides'] as Json } : {}),
        };
        state.tasks.push(task);
        tasks.push(standaloneView(task, ctx.now));
      }
      return { tasks, failures: [] };
    },
  },
  DescribeTasks: {
    input: struct({ cluster: str(), tasks: list(str(), { max: 100 }), include: any }, ['tasks']),
    handler(input, ctx) {
      const cluster = findCluster(ctx, input['cluster'] as string | undefined);
      const all = knownTasks(ctx.sim, ctx.region, ctx.now).filter((t) => t.cluster === cluster.name);
      const tasks: Json[] = [];
      const failures: Json[] = [];
      for (const ref of input['tasks'] as string[]) {
        const hit = all.find(
          (t) => t.task['taskArn'] === ref || String(t.task['taskArn']).endsWith(`/${ref}`),
        );
        if (hit) tasks.push(hit.task);
        else failures.push({ arn: ref, reason: 'MISSING' });
      }
      return { tasks, failures };
    },
  },
};
