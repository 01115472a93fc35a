/**
 * deploy's run: from the plan and injected clients to a report. Everything that can refuse is checked
 * first (the service, its controller, its settings against the strategy, what to wait for, whether the
 * ServiceDeployment calls may be made, a CodeDeploy group); then the task definition is registered when it
 * changed, the service updated, and the deployment followed to its true outcome — the ServiceDeployment
 * for services with the ECS controller (the `deployments` list when those calls are denied), CodeDeploy
 * for CODE_DEPLOY services. The report is filled in as things happen, so that whoever reads it after a
 * failure sees what was done.
 */
import type { CloudWatchLogsClient } from '@aws-sdk/client-cloudwatch-logs';
import type { CodeDeployClient } from '@aws-sdk/client-codedeploy';
import {
  DescribeServiceDeploymentsCommand,
  DescribeTaskDefinitionCommand,
  type ECSClient,
  ListServiceDeploymentsCommand,
  type Service,
  type ServiceDeployment,
  type UpdateServiceCommandInput,
} from '@aws-sdk/client-ecs';
import { consoleLinks } from '../aws/console.js';
import { type Clock, PollCancelledError, PollTimeoutError, systemClock } from '../aws/poller.js';
import { UserError } from '../errors.js';
import { formatDuration } from '../duration.js';
import type { Logger } from '../log.js';
import { describeChanges } from '../taskdef/diff.js';
import {
  appSpecFromService,
  checkAgainstTaskDefinition,
  serviceResource,
  withTaskDefinition,
} from './appspec.js';
import {
  CodeDeployFailed,
  createDeployment,
  deploymentGroup,
  groupWaits,
  lifecycleLines,
  waitForCodeDeploy,
} from './codedeploy.js';
import {
  deregisterOlder,
  describeService,
  explainFailure,
  registerIfChanged,
  updateService,
  waitForDeployment,
} from './deploy.js';
import type { DeployPlan } from './deploy-plan.js';
import { DeploymentFailed } from './deployment-failed.js';
import { checkAgainstService } from './deployment-config.js';
import {
  bakeMinutes,
  explainServiceDeployment,
  followServiceDeployment,
  locateServiceDeployment,
  SERVICE_DEPLOYMENT_ACTIONS,
  ServiceDeploymentsUnavailable,
  type StageSeen,
} from './service-deployment.js';

type Json = Record<string, unknown>;
type Ecs = Pick<ECSClient, 'send'>;

export interface DeployClients {
  ecs: Ecs;
  logs: () => Pick<CloudWatchLogsClient, 'send'>;
  codeDeploy: () => Pick<CodeDeployClient, 'send'>;
}

export interface RunDeps {
  clients: DeployClients;
  region: string;
  log: Logger;
  clock?: Clock;
  signal?: AbortSignal;
}

/** What deploy did and saw; filled in as it goes. */
export interface DeployReport {
  startedAt: number;
  cluster: string;
  service?: string;
  region?: string;
  taskDefinitionArn?: string;
  revision?: string;
  registered?: boolean;
  changes: string[];
  controller?: 'ECS' | 'CODE_DEPLOY';
  /** How the deployment was followed. */
  followedBy?: 'service-deployment' | 'deployments-list' | 'codedeploy';
  deploymentId?: string;
  serviceDeploymentArn?: string;
  codeDeployDeploymentId?: string;
  codeDeployGroup?: string;
  status?: string;
  lifecycleStage?: string;
  hookId?: string;
  outcome?: 'registered' | 'not-waited' | 'succeeded' | 'paused' | 'traffic-shifted' | 'failed';
  /** Why it failed, in one paragraph (the step's error). */
  reason?: string;
  /** What ECS recorded, and the diagnostics read after a failure (events, stopped tasks, logs). */
  diagnostics: string[];
  /** The progress lines the wait logged. */
  timeline: string[];
  stages: StageSeen[];
  /** CodeDeploy's lifecycle events, as lines. */
  lifecycle: string[];
  deregistered: string[];
}

export function newReport(cluster: string, clock: Clock = systemClock): DeployReport {
  return {
    startedAt: clock.now(),
    cluster,
    changes: [],
    diagnostics: [],
    timeline: [],
    stages: [],
    lifecycle: [],
    deregistered: [],
  };
}

/** A log that also keeps what it said, for the job summary's timeline. */
function recording(log: Logger, lines: string[]): Logger {
  return { ...log, info: (m: string) => (lines.push(m), log.info(m)) };
}

/** The deadline or a cancellation, in words: the deployment is left as it is. */
function waitError(error: unknown, deployment: string, where: string, service: string): unknown {
  if (error instanceof PollTimeoutError)
    return new UserError(
      `${error.message} The deployment ${deployment} is left to go on; follow it in the console: ${where}`,
    );
  if (error instanceof PollCancelledError)
    return new UserError(
      `${error.message} The deployment ${deployment} is left as it is in ${service}; follow it in the console: ${where}`,
    );
  return error;
}

export const consoleServiceDeployment = consoleLinks.ecsServiceDeployment;

export async function runDeploy(plan: DeployPlan, deps: RunDeps, report: DeployReport): Promise<void> {
  const { clients, log, region } = deps;
  const ecs = clients.ecs;
  report.region = region;
  if (plan.service) report.service = plan.service;

  // The service first: a wrong name, controller or setting fails before anything is registered.
  let service: Service | undefined;
  let codeDeploy: Awaited<ReturnType<typeof prepareCodeDeploy>> | undefined;
  let serviceDeployments = true;
  if (plan.service) {
    service = await describeService(ecs, plan.cluster, plan.service, region);
    if (service.status !== 'ACTIVE') {
      throw new UserError(
        `The service "${plan.service}" in cluster "${plan.cluster}" is ${service.status}: only an ACTIVE service can be deployed to.`,
      );
    }
    const current = service.deploymentController?.type ?? 'ECS';
    if (current === 'EXTERNAL') {
      throw new UserError(
        `The service "${plan.service}" uses the EXTERNAL deployment controller: its deployments are made with task sets by another tool, not by UpdateService. Register with this action (omit 'service') and deploy with that tool.`,
      );
    }
    const controller = plan.update.deploymentController?.type ?? current;
    report.controller = controller === 'CODE_DEPLOY' ? 'CODE_DEPLOY' : 'ECS';
    if (controller === 'CODE_DEPLOY') {
      const ecsOnly =
        plan.ecsOnlyInputs[0] ??
        (plan.update.deploymentConfiguration?.strategy ? 'deployment-configuration' : undefined);
      if (ecsOnly)
        throw new UserError(
          `Input '${ecsOnly}' sets ECS-controller deployment settings, but "${plan.service}" deploys with CodeDeploy. To move it to ECS blue/green deployments, add 'deployment-controller: ECS' (docs/deploy.md has the move step by step).`,
        );
      codeDeploy = await prepareCodeDeploy(plan, clients, log);
    } else {
      if (plan.codeDeploy.given.length)
        throw new UserError(
          `Input '${plan.codeDeploy.given[0]}' applies to services deployed by CodeDeploy; "${plan.service}" uses the ECS deployment controller.`,
        );
      if (current === 'CODE_DEPLOY')
        log.info(
          `"${plan.service}" moves from CodeDeploy to the ECS deployment controller with this deployment.`,
        );
      checkAgainstService(service, plan.update, plan.waitUntil);
      serviceDeployments = await canFollowServiceDeployments(ecs, plan, service, log);
    }
  }

  // Register, or take the ARN as it is.
  let arn: string;
  let previous: Json | undefined;
  if (plan.definition) {
    const reg = await registerIfChanged(ecs, plan.definition, { force: plan.forceRegister, log });
    arn = reg.arn;
    previous = reg.previous;
    report.registered = reg.registered;
    report.revision = String(reg.revision);
  } else {
    arn = plan.arn!;
    report.registered = false;
    report.revision = arn.split(':').pop()!;
  }
  report.taskDefinitionArn = arn;
  report.changes = plan.definition
    ? describeChanges(previous, plan.definition)
    : [`deploying ${arn} as it is`];

  if (!plan.service || !service) {
    report.outcome = 'registered';
    return;
  }
  if (codeDeploy) await deployWithCodeDeploy(plan, deps, report, { service, arn, prepared: codeDeploy });
  else
    await deployWithEcs(plan, deps, report, {
      arn,
      serviceDeployments,
      primaryBefore: service.deployments?.find((d) => d.status === 'PRIMARY')?.id,
      previousTaskDefinition: service.taskDefinition,
    });

  if (plan.deregisterPrevious && plan.definition && report.outcome === 'succeeded') {
    report.deregistered = await deregisterOlder(
      ecs,
      String(plan.definition['family']),
      plan.deregisterPrevious,
      arn,
    );
    if (report.deregistered.length)
      log.info(
        `Deregistered ${report.deregistered.length} older revision(s): ${report.deregistered.join(', ')}`,
      );
  } else if (plan.deregisterPrevious && report.outcome !== 'succeeded') {
    log.info(
      'Not deregistering older revisions: the deployment has not succeeded yet (a rollback may need them).',
    );
  }
}

/**
 * Whether the ServiceDeployment calls may be made here, asked before anything changes: when they are
 * denied or unsupported the deployments list is followed instead, with one warning naming the IAM
 * actions — except for `wait-until: paused`, which cannot see a pause without them.
 */
async function canFollowServiceDeployments(
  ecs: Ecs,
  plan: DeployPlan,
  service: Service,
  log: Logger,
): Promise<boolean> {
  if (!plan.wait) return true;
  let call = 'ecs:ListServiceDeployments';
  try {
    await ecs.send(
      new ListServiceDeploymentsCommand({ cluster: plan.cluster, service: plan.service, maxResults: 1 }),
    );
    // The deployment the service has now shows whether DescribeServiceDeployments is allowed too.
    if (service.currentServiceDeployment) {
      call = 'ecs:DescribeServiceDeployments';
      await ecs.send(
        new DescribeServiceDeploymentsCommand({ serviceDeploymentArns: [service.currentServiceDeployment] }),
      );
    }
    return true;
  } catch (error) {
    const name = (error as { name?: string }).name ?? '';
    if (!/AccessDenied|Unauthorized|UnsupportedFeature/.test(name)) throw error;
    const why =
      name === 'UnsupportedFeatureException'
        ? 'ECS does not support service deployments here'
        : `AWS denied ${call}`;
    if (plan.waitUntil !== 'succeeded')
      throw new UserError(
        `Input 'wait-until' is "${plan.waitUntil}", which needs the service deployment calls, but ${why}. Grant ${SERVICE_DEPLOYMENT_ACTIONS.join(', ')} to the role this workflow uses, or wait until 'succeeded'.`,
      );
    log.warning(
      `${why}, so this step follows the service's deployments list instead of its service deployment (no stages, hooks or bake time seen; a rollback is told by the deployment leaving the list). Grant ${SERVICE_DEPLOYMENT_ACTIONS.join(', ')} for the full picture.`,
    );
    return false;
  }
}

async function deployWithEcs(
  plan: DeployPlan,
  deps: RunDeps,
  report: DeployReport,
  o: {
    arn: string;
    serviceDeployments: boolean;
    primaryBefore: string | undefined;
    previousTaskDefinition: string | undefined;
  },
): Promise<void> {
  const { clients, log, region } = deps;
  const service = plan.service!;
  const input: UpdateServiceCommandInput = {
    cluster: plan.cluster,
    service,
    taskDefinition: o.arn,
    ...plan.update,
  };
  const update = await updateService(clients.ecs, input);
  const deploymentId = update.deploymentId ?? '';
  report.deploymentId = deploymentId;
  report.status = 'IN_PROGRESS';
  // ECS starts no deployment when nothing changed (the same task definition, no forced deployment).
  const started = deploymentId !== o.primaryBefore;
  if (started) log.info(`Updated ${service} in ${plan.cluster}: deployment ${deploymentId}.`);
  else
    log.info(
      `ECS started no new deployment: ${service} already runs ${o.arn.split('/').pop()} and nothing else changed (give 'force-new-deployment' to deploy it again). Following the service's current deployment.`,
    );
  if (update.expectedMs !== undefined && plan.wait)
    log.info(
      `The last rollout of ${service} took ${formatDuration(update.expectedMs)}: looking for the end around then.`,
    );
  const serviceLink = consoleLinks.ecsServiceDeployments(region, plan.cluster, service);

  let located: Awaited<ReturnType<typeof locateServiceDeployment>> | undefined;
  if (o.serviceDeployments) {
    try {
      located = await locateServiceDeployment(clients.ecs, {
        cluster: plan.cluster,
        service,
        currentServiceDeployment: update.service.currentServiceDeployment,
        since: update.since,
        taskDefinitionArn: o.arn,
        ...(deps.clock ? { clock: deps.clock } : {}),
        ...(deps.signal ? { signal: deps.signal } : {}),
      });
      for (const w of located.warnings) log.warning(w);
      const d = located.deployment;
      if (d.serviceDeploymentArn) report.serviceDeploymentArn = d.serviceDeploymentArn;
      report.followedBy = 'service-deployment';
      if (d.lifecycleStage) report.lifecycleStage = d.lifecycleStage;
      log.info(
        `Service deployment ${d.serviceDeploymentArn} (${d.deploymentConfiguration?.strategy ?? 'ROLLING'}): ${consoleServiceDeployment(region, plan.cluster, service, d.serviceDeploymentArn!)}`,
      );
    } catch (error) {
      if (!(error instanceof ServiceDeploymentsUnavailable)) throw error;
      if (plan.waitUntil !== 'succeeded')
        throw new UserError(
          `Cannot follow the deployment to '${plan.waitUntil}': ${error.message}. The deployment ${deploymentId} goes on in ECS.`,
        );
      log.warning(
        `${error.message}: following the service's deployments list instead. Grant ${SERVICE_DEPLOYMENT_ACTIONS.join(', ')} for stages, hooks and bake time.`,
      );
    }
  }
  if (!located) report.followedBy = 'deployments-list';
  if (!plan.wait) {
    report.outcome = 'not-waited';
    return;
  }
  const timeline = recording(log, report.timeline);

  if (!located) {
    // The deployments list, as ECS showed deployments before ServiceDeployments.
    try {
      await waitForDeployment(clients.ecs, {
        cluster: plan.cluster,
        service,
        deploymentId,
        region,
        timeoutMs: plan.timeoutMs,
        log: timeline,
        ...(deps.signal ? { signal: deps.signal } : {}),
        ...(deps.clock ? { clock: deps.clock } : {}),
        ...(update.expectedMs !== undefined ? { expectedMs: update.expectedMs } : {}),
      });
      report.status = 'SUCCESSFUL';
      report.outcome = 'succeeded';
      return;
    } catch (error) {
      if (!(error instanceof DeploymentFailed)) throw waitError(error, deploymentId, serviceLink, 'ECS');
      // Without the ServiceDeployment, a rollback is seen as a new PRIMARY deployment with the old revision.
      // A rollback puts the revision from before the update back; any other is a replacement.
      const primaryTd = error.rolledBackTo;
      const rolledBackTo =
        primaryTd &&
        primaryTd !== o.arn &&
        (!o.previousTaskDefinition || primaryTd === o.previousTaskDefinition)
          ? primaryTd
          : undefined;
      const replacedBy = primaryTd && !rolledBackTo && primaryTd !== o.arn ? primaryTd : undefined;
      report.status = !rolledBackTo
        ? 'STOPPED'
        : error.rollbackDone
          ? 'ROLLBACK_SUCCESSFUL'
          : 'ROLLBACK_IN_PROGRESS';
      report.outcome = 'failed';
      const why = await explainFailure(
        { ecs: clients.ecs, logs: clients.logs },
        { cluster: plan.cluster, service, deploymentId, since: update.since },
      );
      report.diagnostics.push(...why);
      for (const line of why) log.info(line);
      const rolledBack = rolledBackTo
        ? ` ECS rolled back to ${rolledBackTo}.`
        : replacedBy
          ? ` Another deployment, of ${replacedBy}, replaced it.`
          : '';
      report.reason = `The deployment ${deploymentId} of ${service} failed: ${error.reason}.${rolledBack}${firstCause(why)}`;
      throw new UserError(`${report.reason} The log above has the events, stopped tasks and last log lines.`);
    }
  }

  const arnSd = located.deployment.serviceDeploymentArn!;
  const link = consoleServiceDeployment(region, plan.cluster, service, arnSd);
  // The deployment's own bakes come on top of the timeout, as far as the wait goes through them.
  const bake = bakeMinutes(located.deployment, plan.waitUntil);
  if (bake)
    log.info(
      `Waiting up to ${formatDuration(plan.timeoutMs)} plus the deployment's ${bake} minutes of bake time.`,
    );
  let result: Awaited<ReturnType<typeof followServiceDeployment>>;
  try {
    result = await followServiceDeployment(clients.ecs, {
      arn: arnSd,
      service,
      waitUntil: plan.waitUntil,
      timeoutMs: plan.timeoutMs + bake * 60_000,
      first: located.deployment,
      log: timeline,
      ...(update.expectedMs !== undefined ? { expectedMs: update.expectedMs } : {}),
      ...(deps.signal ? { signal: deps.signal } : {}),
      ...(deps.clock ? { clock: deps.clock } : {}),
    });
  } catch (error) {
    throw waitError(error, arnSd, link, 'ECS');
  }
  report.stages = result.stages;
  await settle(result.deployment, result, report, {
    plan,
    deps,
    located,
    deploymentId,
    since: update.since,
    started,
  });
}

/** The outcome of a followed ServiceDeployment, into the report; a failure explained and thrown. */
async function settle(
  d: ServiceDeployment,
  result: { outcome: string; hookId?: string },
  report: DeployReport,
  o: {
    plan: DeployPlan;
    deps: RunDeps;
    located: { revisions: Awaited<ReturnType<typeof locateServiceDeployment>>['revisions'] };
    deploymentId: string;
    since: Date;
    started: boolean;
  },
): Promise<void> {
  const { deps, plan } = o;
  const service = plan.service!;
  if (d.status) report.status = d.status;
  if (d.lifecycleStage) report.lifecycleStage = d.lifecycleStage;
  if (result.outcome === 'paused') {
    report.outcome = 'paused';
    if (result.hookId) report.hookId = result.hookId;
    deps.log.info(
      `The deployment is paused at ${d.lifecycleStage ?? 'a lifecycle hook'} (hook ${result.hookId}): continue it or roll it back with continue-deployment.`,
    );
    return;
  }
  if (result.outcome === 'traffic-shifted') {
    report.outcome = 'traffic-shifted';
    deps.log.info(
      `Production traffic is on the new revision; the deployment goes on in ECS (${d.lifecycleStage ?? 'rolling update'}).`,
    );
    return;
  }
  if (result.outcome === 'succeeded') {
    report.outcome = 'succeeded';
    if (plan.waitUntil === 'paused')
      deps.log.warning(
        o.started
          ? `The deployment succeeded without pausing: no PAUSE hook awaited action (the deployment's configuration has ${(d.deploymentConfiguration?.lifecycleHooks ?? []).filter((h) => h.targetType === 'PAUSE').length} PAUSE hooks).`
          : 'Nothing to pause: ECS started no new deployment, and the service already runs this task definition.',
      );
    return;
  }
  report.outcome = 'failed';
  const explained = explainServiceDeployment(d, o.located.revisions);
  if (d.status === 'STOPPED') {
    // A deployment stops when another replaces it (or someone stops it): say which, when it can be read.
    const current = await describeService(deps.clients.ecs, plan.cluster, service, deps.region).then(
      (x) => x.currentServiceDeployment,
      () => undefined,
    );
    if (current && current !== d.serviceDeploymentArn)
      explained.reason += ` Another service deployment, ${current}, has replaced it.`;
  }
  report.diagnostics.push(...explained.lines);
  for (const line of explained.lines) deps.log.info(line);
  // Diagnostics are best effort: what cannot be read is one line, never the reason.
  const why = await explainFailure(
    { ecs: deps.clients.ecs, logs: deps.clients.logs },
    { cluster: plan.cluster, service, deploymentId: o.deploymentId, since: o.since },
  );
  report.diagnostics.push(...why);
  for (const line of why) deps.log.info(line);
  report.reason = `The service deployment of ${service} ended ${d.status}: ${explained.reason}${firstCause(why)}`;
  throw new UserError(
    `${report.reason} The log above has what ECS recorded, the events, stopped tasks and last log lines.`,
  );
}

/**
 * The first cause among the diagnostics, for the one-line reason: a stopped task, else an event that says
 * what went wrong (not the deployment's own failed/rolling back/completed events, which the reason has).
 */
function firstCause(lines: readonly string[]): string {
  const key =
    lines.find((l) => l.startsWith('stopped task')) ??
    lines.find(
      (l) =>
        l.startsWith('event:') &&
        /fail|unable|error|unhealthy/i.test(l) &&
        !/deployment failed|rolling back|deployment completed/.test(l),
    );
  return key ? ` First cause: ${key.replace(/\.$/, '')}.` : '';
}

/** CodeDeploy's deployment group for the service, checked before anything is registered. */
async function prepareCodeDeploy(plan: DeployPlan, clients: DeployClients, log: Logger) {
  const service = plan.service!;
  if (plan.update.forceNewDeployment) {
    throw new UserError(
      `Input 'force-new-deployment' does not apply to "${service}": it deploys with CodeDeploy, and every CodeDeploy deployment starts a new task set.`,
    );
  }
  if (plan.update.capacityProviderStrategy && plan.codeDeploy.appSpecPath) {
    throw new UserError(
      `Input 'capacity-provider-strategy' cannot be used with 'codedeploy-appspec' for a CodeDeploy deployment: set CapacityProviderStrategy in ${plan.codeDeploy.appSpecPath}.`,
    );
  }
  const ref = {
    application: plan.codeDeploy.application ?? `AppECS-${plan.cluster}-${service}`,
    group: plan.codeDeploy.group ?? `DgpECS-${plan.cluster}-${service}`,
    cluster: plan.cluster,
    service,
  };
  const client = clients.codeDeploy();
  const group = await deploymentGroup(client, ref);
  const waits = groupWaits(group);
  if (plan.waitUntil === 'paused' && !waits.stopsWhenReady) {
    log.warning(
      `The deployment group "${ref.group}" reroutes traffic as soon as the replacement task set is ready (its deployment ready option is not STOP_DEPLOYMENT), so there is no Ready state to stop at: waiting until traffic has moved.`,
    );
  }
  return { client, ref, waits };
}

async function deployWithCodeDeploy(
  plan: DeployPlan,
  deps: RunDeps,
  report: DeployReport,
  o: { service: Service; arn: string; prepared: Awaited<ReturnType<typeof prepareCodeDeploy>> },
): Promise<void> {
  const { clients, log, region } = deps;
  const service = plan.service!;
  const { client, ref, waits } = o.prepared;
  report.codeDeployGroup = `${ref.application}/${ref.group}`;

  // The AppSpec first, checked against the task definition: a refusal changes nothing.
  const where = plan.codeDeploy.appSpecPath ?? 'the AppSpec made from the service';
  const appSpec =
    plan.codeDeploy.appSpecFile !== undefined
      ? withTaskDefinition(plan.codeDeploy.appSpecFile, o.arn, where)
      : appSpecFromService(o.service, o.arn, plan.update.capacityProviderStrategy as Json[] | undefined);
  if (plan.codeDeploy.appSpecFile === undefined) {
    const { taskDefinition } = await clients.ecs.send(
      new DescribeTaskDefinitionCommand({ taskDefinition: o.arn }),
    );
    checkAgainstTaskDefinition(serviceResource(appSpec, where), (taskDefinition ?? {}) as Json, where);
  }
  // Properties CodeDeploy leaves to UpdateService (a task definition is never one of them).
  const { capacityProviderStrategy: _strategy, ...serviceUpdate } = plan.update;
  if (Object.keys(serviceUpdate).length) {
    await updateService(clients.ecs, { cluster: plan.cluster, service, ...serviceUpdate });
  }
  const deploymentId = await createDeployment(client, {
    ref,
    appSpec,
    ...(plan.codeDeploy.config ? { config: plan.codeDeploy.config } : {}),
    ...(plan.codeDeploy.description ? { description: plan.codeDeploy.description } : {}),
  });
  report.codeDeployDeploymentId = deploymentId;
  report.deploymentId = deploymentId;
  report.followedBy = 'codedeploy';
  report.status = 'IN_PROGRESS';
  const href = consoleLinks.codeDeployDeployment(region, deploymentId);
  log.info(
    `Created CodeDeploy deployment ${deploymentId} of ${service} (${ref.application}/${ref.group}): ${href}`,
  );
  if (!plan.wait) {
    report.outcome = 'not-waited';
    return;
  }
  const until = plan.waitUntil === 'paused' ? 'ready' : plan.waitUntil;
  const timeline = recording(log, report.timeline);
  // The group's own waits come on top of the timeout, as far as the wait goes through them.
  const extraMinutes =
    (until === 'succeeded' ? waits.terminationMinutes : 0) + (until !== 'ready' ? waits.readyMinutes : 0);
  try {
    const { value } = await waitForCodeDeploy(client, {
      deploymentId,
      until,
      timeoutMs: plan.timeoutMs + extraMinutes * 60_000,
      waits,
      log: timeline,
      ...(deps.signal ? { signal: deps.signal } : {}),
      ...(deps.clock ? { clock: deps.clock } : {}),
    });
    report.lifecycle = lifecycleLines(value.events);
    logLifecycle(log, report.lifecycle);
    const status = value.deployment.status;
    report.status = status === 'Succeeded' ? 'COMPLETED' : status === 'Ready' ? 'READY' : 'TRAFFIC_SHIFTED';
    report.outcome = status === 'Succeeded' ? 'succeeded' : status === 'Ready' ? 'paused' : 'traffic-shifted';
  } catch (error) {
    if (!(error instanceof CodeDeployFailed)) throw waitError(error, deploymentId, href, 'CodeDeploy');
    report.status = 'FAILED';
    report.outcome = 'failed';
    report.lifecycle = lifecycleLines(error.events);
    logLifecycle(log, report.lifecycle);
    const rollback = error.deployment.rollbackInfo?.rollbackDeploymentId;
    const rolledBack = rollback
      ? ` CodeDeploy rolled back with deployment ${rollback}; the service keeps the previous task set.`
      : '';
    const code = error.deployment.errorInformation?.code;
    const failed = error.events.find((e) => e.status === 'Failed');
    report.reason = `${error.message}${code ? ` (${code})` : ''}.${failed ? ` The lifecycle event ${failed.lifecycleEventName} failed${failed.diagnostics?.message ? `: ${failed.diagnostics.message}` : ''}.` : ''}${rolledBack}`;
    throw new UserError(`${report.reason} The log above has every lifecycle event.`);
  }
}

function logLifecycle(log: Logger, lines: readonly string[]): void {
  log.info('Lifecycle events:');
  for (const line of lines) log.info(`  ${line}`);
}
