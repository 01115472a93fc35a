/**
 * ECS clusters, services and tasks over time. Each deployment UpdateService starts is a ServiceDeployment
 * played on the simulator's clock (ecs-deployments.ts): provisioning, tasks starting one after another,
 * traffic shifts, hooks and bake times, the old tasks draining, then SUCCESSFUL — or tasks failing until
 * the circuit breaker trips, an alarm, a failed hook, and the rollback ECS performs. Events, running and
 * stopped tasks, the `deployments` list and the failing containers' log lines are derived from the same
 * deployments, so every view agrees.
 */
import { createHash } from 'node:crypto';
import { AwsError } from '../errors.js';
import { DEFAULT_ACCOUNT, type RolloutPlan } from '../scenario.js';
import type { Operation, RequestContext, Simulator } from '../server.js';
import { any, bool, int, list, str, struct } from '../shapes.js';
import { checkRegistration, ecsState, findTaskDefinition, type StoredTaskDefinition } from './ecs.js';
import {
  advanceService,
  continueDeployment,
  type DeployedService,
  failures,
  legacyView,
  newRevision,
  refuseConfiguration,
  serviceArnOf,
  type ServiceDeploymentRecord,
  serviceDeploymentView,
  startDeployment,
  stopDeployment,
  taskDefinitionArn as tdArn,
  id19,
} from './ecs-deployments.js';

type Json = Record<string, unknown>;

interface ServiceRecord extends DeployedService {
  status: 'ACTIVE' | 'DRAINING' | 'INACTIVE';
  controller: 'ECS' | 'CODE_DEPLOY' | 'EXTERNAL';
  rollouts: RolloutPlan[];
  /** Deployments UpdateService has started (the plan of the next one is rollouts[started]). */
  started: number;
  launchType: 'EC2' | 'FARGATE';
  /** Given instead of a launch type: ECS then reports the strategy and no launchType. */
  capacityProviderStrategy?: { capacityProvider: string; weight: number; base: number }[];
  /** Fargate only, as the service was created with it (LATEST by default). */
  platformVersion?: string;
  /** Tasks short of the desired count, whatever the deployments say. */
  missingTasks: number;
  networkConfiguration?: Json;
  staleCurrentServiceDeployment: boolean;
  serviceDeploymentsUnsupported: boolean;
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
      const [family, number] = s.taskDefinition.split(':');
      const td = tds.find((t) => t.region === region && t.family === family && t.revision === Number(number));
      if (!td)
        throw new Error(
          `scenario: service ${s.name} names task definition ${s.taskDefinition}, which is not seeded`,
        );
      const desired = s.desiredCount ?? 2;
      const svc: ServiceRecord = {
        cluster: s.cluster,
        name: s.name,
        region,
        account,
        status: s.status ?? 'ACTIVE',
        controller: s.deploymentController ?? 'ECS',
        deploymentConfiguration: {
          maximumPercent: 200,
          minimumHealthyPercent: 100,
          ...structuredClone(s.deploymentConfiguration ?? {}),
          deploymentCircuitBreaker: s.circuitBreaker ?? { enable: true, rollback: true },
        },
        rollouts: s.rollouts ?? [{}],
        started: 0,
        revisions: [],
        legacy: [],
        serviceDeployments: [],
        events: [],
        createdAt: now - 7 * 86_400_000,
        desiredCount: desired,
        launchType: s.launchType ?? 'FARGATE',
        ...(s.capacityProviderStrategy
          ? {
              capacityProviderStrategy: s.capacityProviderStrategy.map((c) => ({
                capacityProvider: c.capacityProvider,
                weight: c.weight ?? 0,
                base: c.base ?? 0,
              })),
            }
          : {}),
        ...(s.platformVersion ? { platformVersion: s.platformVersion } : {}),
        missingTasks: s.missingTasks ?? 0,
        loadBalancers: structuredClone(s.loadBalancers ?? []) as Json[],
        ...(s.serviceConnectConfiguration
          ? { serviceConnectConfiguration: structuredClone(s.serviceConnectConfiguration) }
          : {}),
        ...(s.networkConfiguration ? { networkConfiguration: s.networkConfiguration } : {}),
        staleCurrentServiceDeployment: s.staleCurrentServiceDeployment === true,
        serviceDeploymentsUnsupported: s.serviceDeploymentsUnsupported === true,
      };
      // The deployment the service runs since before the scenario (made before ServiceDeployments kept history).
      const revision = newRevision(svc, td, now - 3_600_000);
      svc.legacy.push({
        id: `ecs-svc/${id19(`${s.name}/initial`)}`,
        revision,
        desiredCount: desired,
        createdAt: now - 3_600_000,
        role: 'initial',
      });
      return svc;
    }),
    tasks: [],
    seeded: true,
  };
  sim.state.set(key, state);
  return state;
}

function clusterArn(region: string, account: string, name: string): string {
  return `arn:aws:ecs:${region}:${account}:cluster/${name}`;
}

/** The events of the service, newest first: those the deployments recorded and one per failed task. */
function serviceEvents(svc: ServiceRecord, now: number): { at: number; message: string }[] {
  const events = svc.events.filter((e) => e.at <= now);
  for (const sd of svc.serviceDeployments) {
    for (const f of failures(sd, now))
      events.push({ at: f.at, message: `(service ${svc.name}) has started 1 tasks: (task ${f.taskId}).` });
  }
  return events.sort((a, b) => b.at - a.at);
}

/** Fargate: by launch type, or a strategy over the FARGATE and FARGATE_SPOT capacity providers. */
function onFargate(svc: ServiceRecord): boolean {
  if (!svc.capacityProviderStrategy) return svc.launchType === 'FARGATE';
  return svc.capacityProviderStrategy.every((c) => c.capacityProvider.startsWith('FARGATE'));
}

/**
 * How the service says where its tasks run, as ECS answers it: a launchType, or (a strategy given) the
 * capacityProviderStrategy and no launchType; on Fargate the platform version and family too. The
 * service keeps the version it was given ("LATEST"); its deployments show the one it resolved to.
 */
function placement(svc: ServiceRecord, td: StoredTaskDefinition | undefined, resolved: boolean): Json {
  const family = (td?.definition['runtimePlatform'] as { operatingSystemFamily?: string } | undefined)
    ?.operatingSystemFamily;
  const version = svc.platformVersion ?? 'LATEST';
  return {
    ...(svc.capacityProviderStrategy
      ? { capacityProviderStrategy: svc.capacityProviderStrategy }
      : { launchType: svc.launchType }),
    ...(onFargate(svc)
      ? {
          platformVersion: resolved && version === 'LATEST' ? FARGATE_LATEST : version,
          platformFamily: !family || family === 'LINUX' ? 'Linux' : family,
        }
      : {}),
  };
}

/** The Fargate platform version LATEST stands for (Linux). */
const FARGATE_LATEST = '1.4.0';

function describeService(svc: ServiceRecord, now: number, options: { stale?: boolean } = {}): Json {
  advanceService(svc, now);
  const tdOf = (arn: unknown) => svc.revisions.find((r) => tdArn(r.td) === arn)?.td;
  const deployments = legacyView(svc, now, svc.launchType).map((d) => {
    const { launchType: _launchType, ...rest } = d;
    return { ...rest, ...placement(svc, tdOf(d['taskDefinition']), true) };
  });
  const latest = svc.serviceDeployments.filter((d) => d.createdAt <= now);
  const current = options.stale ? latest.at(-2) : latest.at(-1);
  const events = serviceEvents(svc, now);
  return {
    serviceArn: serviceArnOf(svc),
    serviceName: svc.name,
    clusterArn: clusterArn(svc.region, svc.account, svc.cluster),
    status: svc.status,
    desiredCount: svc.desiredCount,
    runningCount: Math.max(
      0,
      deployments.reduce((n, d) => n + (d['runningCount'] as number), 0) - svc.missingTasks,
    ),
    pendingCount: deployments.reduce((n, d) => n + (d['pendingCount'] as number), 0),
    ...placement(svc, tdOf(deployments[0]?.['taskDefinition']), false),
    taskDefinition: deployments[0]?.['taskDefinition'],
    deploymentConfiguration: svc.deploymentConfiguration,
    deployments,
    ...(current ? { currentServiceDeployment: current.arn } : {}),
    events: events.slice(0, 100).map((e, i) => ({
      id: createHash('sha256').update(`${e.at}/${i}/${e.message}`).digest('hex').slice(0, 36),
      createdAt: e.at / 1000,
      message: e.message,
    })),
    createdAt: svc.createdAt / 1000,
    deploymentController: { type: svc.controller },
    schedulingStrategy: 'REPLICA',
    loadBalancers: svc.loadBalancers,
    ...(svc.serviceConnectConfiguration
      ? { serviceConnectConfiguration: svc.serviceConnectConfiguration }
      : {}),
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
  const revision = newRevision(svc, td, at);
  for (const l of svc.legacy) if (l.createdAt <= at) l.removedAt ??= at;
  svc.legacy.push({
    id: `ecs-svc/${id19(`${svc.name}/${deploymentId}`)}`,
    revision,
    desiredCount: svc.desiredCount,
    createdAt: at,
    role: 'cutover',
  });
  svc.legacy.sort((a, b) => a.createdAt - b.createdAt);
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
    advanceService(svc, now);
    for (const sd of svc.serviceDeployments) {
      const plan = sd.plan;
      if (plan.outcome !== 'fail') continue;
      const td = sd.target.td;
      const containers = (td.definition['containerDefinitions'] as Json[]) ?? [];
      const essential = containers.find((c) => c['essential'] !== false) ?? containers[0]!;
      for (const f of failures(sd, now)) {
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
            startedBy: sd.legacyTarget.id,
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

const SD_STATUSES = [
  'PENDING',
  'SUCCESSFUL',
  'STOPPED',
  'STOP_REQUESTED',
  'IN_PROGRESS',
  'ROLLBACK_REQUESTED',
  'ROLLBACK_IN_PROGRESS',
  'ROLLBACK_SUCCESSFUL',
  'ROLLBACK_FAILED',
];
const HOOK_STAGES = [
  'RECONCILE_SERVICE',
  'PRE_SCALE_UP',
  'POST_SCALE_UP',
  'TEST_TRAFFIC_SHIFT',
  'POST_TEST_TRAFFIC_SHIFT',
  'PRE_PRODUCTION_TRAFFIC_SHIFT',
  'PRODUCTION_TRAFFIC_SHIFT',
  'POST_PRODUCTION_TRAFFIC_SHIFT',
];

/** UpdateService's deploymentConfiguration as the ECS API model constrains it. */
const DEPLOYMENT_CONFIGURATION = struct({
  deploymentCircuitBreaker: struct(
    {
      enable: bool,
      rollback: bool,
      resetOnHealthyTask: bool,
      thresholdConfiguration: struct({
        type: str({ enum: ['BOUNDED_PERCENT', 'COUNT', 'UNBOUNDED_PERCENT'] }),
        value: int(),
      }),
    },
    ['enable', 'rollback'],
  ),
  maximumPercent: int(),
  minimumHealthyPercent: int(),
  alarms: struct({ alarmNames: list(str()), rollback: bool, enable: bool }, [
    'alarmNames',
    'rollback',
    'enable',
  ]),
  strategy: str({ enum: ['ROLLING', 'BLUE_GREEN', 'LINEAR', 'CANARY'] }),
  bakeTimeInMinutes: int(),
  lifecycleHooks: list(
    struct({
      targetType: str({ enum: ['AWS_LAMBDA', 'PAUSE'] }),
      hookTargetArn: str(),
      roleArn: str(),
      lifecycleStages: list(str({ enum: HOOK_STAGES })),
      hookDetails: any,
      timeoutConfiguration: struct({
        timeoutInMinutes: int({ min: 1, max: 20160 }),
        action: str({ enum: ['CONTINUE', 'ROLLBACK'] }),
      }),
    }),
  ),
  linearConfiguration: struct({ stepPercent: any, stepBakeTimeInMinutes: int() }),
  canaryConfiguration: struct({ canaryPercent: any, canaryBakeTimeInMinutes: int() }),
  earlySuccessCriteria: struct({
    enable: bool,
    healthyPercent: int(),
    sourceServiceRevisionCleanup: str({ enum: ['BLOCKING', 'DEFERRED'] }),
  }),
});

/** A service whose ServiceDeployment calls this scenario does not support. */
function supported(svc: ServiceRecord): void {
  if (svc.serviceDeploymentsUnsupported)
    // ours: AWS's message for this case is not on record.
    throw new AwsError(
      'UnsupportedFeatureException',
      'Service deployments are not supported for this service.',
    );
}

function findServiceDeployment(
  ctx: RequestContext,
  arn: string,
): { svc: ServiceRecord; sd: ServiceDeploymentRecord } | undefined {
  for (const svc of servicesState(ctx.sim, ctx.region).services) {
    const sd = svc.serviceDeployments.find((d) => d.arn === arn);
    if (sd) return { svc, sd };
  }
  return undefined;
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
        deploymentConfiguration: DEPLOYMENT_CONFIGURATION,
        deploymentController: struct({ type: str({ enum: ['ECS', 'CODE_DEPLOY', 'EXTERNAL'] }) }, ['type']),
        capacityProviderStrategy: any,
        enableECSManagedTags: bool,
        propagateTags: str({ enum: ['TASK_DEFINITION', 'SERVICE', 'NONE'] }),
        networkConfiguration: any,
        loadBalancers: list(
          struct({
            targetGroupArn: str(),
            loadBalancerName: str(),
            containerName: str(),
            containerPort: int(),
            advancedConfiguration: struct({
              alternateTargetGroupArn: str(),
              productionListenerRule: str(),
              testListenerRule: str(),
              roleArn: str(),
            }),
          }),
        ),
        serviceConnectConfiguration: struct(
          { enabled: bool, namespace: str(), services: any, logConfiguration: any },
          ['enabled'],
        ),
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
      advanceService(svc, ctx.now);
      const controller = (input['deploymentController'] as { type?: string } | undefined)?.type;
      if (controller === 'EXTERNAL' || (controller && svc.controller === 'EXTERNAL'))
        throw new AwsError(
          'InvalidParameterException',
          'Unable to update the deployment controller of a service to or from EXTERNAL.',
        ); // ours
      const willBe = (controller as ServiceRecord['controller'] | undefined) ?? svc.controller;
      if (willBe === 'CODE_DEPLOY' && input['taskDefinition'] !== undefined) {
        throw new AwsError(
          'InvalidParameterException',
          'Unable to update task definition on services with a CODE_DEPLOY deployment controller. Use AWS CodeDeploy to trigger a new deployment.',
        );
      }
      if (willBe === 'CODE_DEPLOY' && input['loadBalancers'] !== undefined) {
        throw new AwsError(
          'InvalidParameterException',
          'Unable to update load balancers on services with a CODE_DEPLOY deployment controller. Use AWS CodeDeploy to trigger a new deployment.',
        );
      }
      const primary = svc.legacy.filter((l) => l.createdAt <= ctx.now && l.removedAt === undefined).at(-1)!;
      let td = primary.revision.td;
      if (input['taskDefinition'] !== undefined) {
        const found = findTaskDefinition(ctx, String(input['taskDefinition']));
        if (!found) throw new AwsError('InvalidParameterException', 'TaskDefinition not found.');
        if (found.status !== 'ACTIVE')
          throw new AwsError('InvalidParameterException', 'TaskDefinition is inactive');
        td = found;
      }
      const config = (input['deploymentConfiguration'] as Json | undefined) ?? svc.deploymentConfiguration;
      const loadBalancers = (input['loadBalancers'] as Json[] | undefined) ?? svc.loadBalancers;
      const serviceConnect =
        (input['serviceConnectConfiguration'] as Json | undefined) ?? svc.serviceConnectConfiguration;
      if (willBe === 'ECS')
        refuseConfiguration(config, { loadBalancers, ...(serviceConnect ? { serviceConnect } : {}) });
      // Everything is checked: now the service changes.
      if (controller) svc.controller = controller as ServiceRecord['controller'];
      if (input['deploymentConfiguration'] !== undefined)
        svc.deploymentConfiguration = structuredClone(config);
      svc.loadBalancers = structuredClone(loadBalancers);
      if (serviceConnect) svc.serviceConnectConfiguration = structuredClone(serviceConnect);
      const desired = (input['desiredCount'] as number | undefined) ?? svc.desiredCount;
      svc.desiredCount = desired;
      const newDeployment =
        td !== primary.revision.td ||
        input['forceNewDeployment'] === true ||
        input['loadBalancers'] !== undefined ||
        input['serviceConnectConfiguration'] !== undefined;
      if (newDeployment && svc.controller === 'ECS') {
        const plan = svc.rollouts[Math.min(svc.started, svc.rollouts.length - 1)] ?? {};
        svc.started++;
        startDeployment(svc, { revision: newRevision(svc, td, ctx.now), at: ctx.now, plan, desired });
      } else {
        primary.desiredCount = desired;
      }
      return { service: describeService(svc, ctx.now, { stale: svc.staleCurrentServiceDeployment }) };
    },
  },
  ListServiceDeployments: {
    input: struct(
      {
        service: str(),
        cluster: str(),
        status: list(str({ enum: SD_STATUSES })),
        createdAt: struct({ before: { type: 'timestamp' }, after: { type: 'timestamp' } }),
        nextToken: str(),
        maxResults: int({ min: 1, max: 100 }),
      },
      ['service'],
    ),
    handler(input, ctx) {
      const cluster = findCluster(ctx, input['cluster'] as string | undefined);
      const svc = findService(ctx, cluster.name, String(input['service']));
      if (!svc) throw new AwsError('ServiceNotFoundException', 'Service not found.');
      supported(svc);
      advanceService(svc, ctx.now);
      const statuses = input['status'] as string[] | undefined;
      const created = (input['createdAt'] ?? {}) as { before?: number; after?: number };
      const matching = svc.serviceDeployments.filter(
        (d) =>
          (!statuses?.length || statuses.includes(d.status)) &&
          (created.after === undefined || d.createdAt >= created.after * 1000) &&
          d.createdAt <= (created.before !== undefined ? created.before * 1000 : ctx.now),
      );
      // The order is not documented: oldest first here, so that nothing relies on an order.
      const start = Number(input['nextToken'] ?? 0);
      const size = (input['maxResults'] as number | undefined) ?? 20;
      const page = matching.slice(start, start + size);
      return {
        serviceDeployments: page.map((d) => ({
          serviceDeploymentArn: d.arn,
          serviceArn: serviceArnOf(svc),
          clusterArn: clusterArn(svc.region, svc.account, svc.cluster),
          startedAt: d.startedAt / 1000,
          createdAt: d.createdAt / 1000,
          ...(d.finishedAt !== undefined ? { finishedAt: d.finishedAt / 1000 } : {}),
          targetServiceRevisionArn: d.target.arn,
          status: d.status,
          ...(d.statusReason ? { statusReason: d.statusReason } : {}),
        })),
        ...(start + size < matching.length ? { nextToken: String(start + size) } : {}),
      };
    },
  },
  DescribeServiceDeployments: {
    input: struct({ serviceDeploymentArns: list(str(), { min: 1, max: 20 }) }, ['serviceDeploymentArns']),
    handler(input, ctx) {
      const serviceDeployments: Json[] = [];
      const failed: Json[] = [];
      for (const arn of input['serviceDeploymentArns'] as string[]) {
        const hit = findServiceDeployment(ctx, arn);
        if (!hit) {
          failed.push({ arn, reason: 'MISSING', detail: 'The service deployment does not exist.' });
          continue;
        }
        supported(hit.svc);
        advanceService(hit.svc, ctx.now);
        serviceDeployments.push(serviceDeploymentView(hit.svc, hit.sd, ctx.now));
      }
      return { serviceDeployments, failures: failed };
    },
  },
  DescribeServiceRevisions: {
    input: struct({ serviceRevisionArns: list(str(), { min: 1, max: 20 }) }, ['serviceRevisionArns']),
    handler(input, ctx) {
      const serviceRevisions: Json[] = [];
      const failed: Json[] = [];
      for (const arn of input['serviceRevisionArns'] as string[]) {
        const svc = servicesState(ctx.sim, ctx.region).services.find((s) =>
          s.revisions.some((r) => r.arn === arn),
        );
        const r = svc?.revisions.find((x) => x.arn === arn);
        if (!svc || !r) {
          failed.push({ arn, reason: 'MISSING' });
          continue;
        }
        supported(svc);
        serviceRevisions.push({
          serviceRevisionArn: r.arn,
          serviceArn: serviceArnOf(svc),
          clusterArn: clusterArn(svc.region, svc.account, svc.cluster),
          taskDefinition: tdArn(r.td),
          launchType: svc.launchType,
          loadBalancers: r.loadBalancers,
          ...(r.serviceConnectConfiguration
            ? { serviceConnectConfiguration: r.serviceConnectConfiguration }
            : {}),
          createdAt: r.createdAt / 1000,
        });
      }
      return { serviceRevisions, failures: failed };
    },
  },
  ContinueServiceDeployment: {
    input: struct(
      {
        serviceDeploymentArn: str(),
        hookId: str(),
        action: str({ enum: ['CONTINUE', 'ROLLBACK'] }),
      },
      ['serviceDeploymentArn', 'hookId'],
    ),
    handler(input, ctx) {
      const hit = findServiceDeployment(ctx, String(input['serviceDeploymentArn']));
      if (!hit)
        throw new AwsError('ServiceDeploymentNotFoundException', 'The service deployment does not exist.');
      supported(hit.svc);
      advanceService(hit.svc, ctx.now);
      continueDeployment(
        hit.svc,
        hit.sd,
        String(input['hookId']),
        (input['action'] as 'CONTINUE' | 'ROLLBACK' | undefined) ?? 'CONTINUE',
        ctx.now,
      );
      return { serviceDeploymentArn: hit.sd.arn };
    },
  },
  StopServiceDeployment: {
    input: struct({ serviceDeploymentArn: str(), stopType: str({ enum: ['ABORT', 'ROLLBACK'] }) }, [
      'serviceDeploymentArn',
    ]),
    handler(input, ctx) {
      const hit = findServiceDeployment(ctx, String(input['serviceDeploymentArn']));
      if (!hit)
        throw new AwsError('ServiceDeploymentNotFoundException', 'The service deployment does not exist.');
      supported(hit.svc);
      advanceService(hit.svc, ctx.now);
      stopDeployment(
        hit.svc,
        hit.sd,
        (input['stopType'] as 'ROLLBACK' | 'ABORT' | undefined) ?? 'ROLLBACK',
        ctx.now,
      );
      return { serviceDeploymentArn: hit.sd.arn };
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
