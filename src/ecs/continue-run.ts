/**
 * continue-deployment: the decision at a paused ECS service deployment. `continue` lets a PAUSE hook
 * awaiting action go on (ContinueServiceDeployment CONTINUE); `rollback` rolls back at that hook
 * (ContinueServiceDeployment ROLLBACK) or, when nothing is paused, stops the deployment with a rollback
 * (StopServiceDeployment ROLLBACK). Then it follows the deployment as deploy does: the step succeeds when
 * what was decided happened — SUCCESSFUL (or the next pause, or traffic shifted) after a continue,
 * ROLLBACK_SUCCESSFUL after a rollback.
 */
import {
  ContinueServiceDeploymentCommand,
  type ECSClient,
  type ServiceDeployment,
  StopServiceDeploymentCommand,
} from '@aws-sdk/client-ecs';
import { type Clock, PollCancelledError, PollTimeoutError } from '../aws/poller.js';
import { UserError } from '../errors.js';
import type { Logger } from '../log.js';
import { describeService } from './deploy.js';
import { consoleServiceDeployment, type DeployReport } from './deploy-run.js';
import type { ContinuePlan } from './continue-plan.js';
import {
  awaitingHook,
  bakeMinutes,
  describeRevisions,
  describeServiceDeployment,
  explainServiceDeployment,
  followServiceDeployment,
  revisionTaskDefinition,
} from './service-deployment.js';

export interface ContinueDeps {
  ecs: Pick<ECSClient, 'send'>;
  region: string;
  log: Logger;
  clock?: Clock;
  signal?: AbortSignal;
}

/** Where the deployment is, in words, for refusals: its status, stage and hooks. */
function where(d: ServiceDeployment): string {
  const hooks = (d.lifecycleHookDetails ?? []).map((h) => `${h.targetType} hook ${h.hookId} is ${h.status}`);
  return `${d.status}${d.lifecycleStage ? ` at ${d.lifecycleStage}` : ''}${hooks.length ? `; ${hooks.join('; ')}` : '; no hook awaits action'}`;
}

export async function runContinue(p: ContinuePlan, deps: ContinueDeps, report: DeployReport): Promise<void> {
  const { ecs, log, region } = deps;
  report.region = region;
  report.service = p.service;
  report.controller = 'ECS';
  // Everything that can refuse, first.
  const service = await describeService(ecs, p.cluster, p.service, region);
  const controller = service.deploymentController?.type ?? 'ECS';
  if (controller !== 'ECS')
    throw new UserError(
      `The service "${p.service}" uses the ${controller} deployment controller: continue-deployment acts on ECS service deployments (paused at a PAUSE lifecycle hook).${controller === 'CODE_DEPLOY' ? ' Continue a CodeDeploy deployment that waits in Ready with CodeDeploy (aws deploy continue-deployment), or stop it with a rollback (aws deploy stop-deployment --auto-rollback-enabled).' : ''}`,
    );
  const arn = p.arn ?? service.currentServiceDeployment;
  if (!arn)
    throw new UserError(
      `The service "${p.service}" in cluster "${p.cluster}" has no current service deployment: give 'service-deployment-arn' (deploy's output).`,
    );
  const d = await describeServiceDeployment(ecs, arn);
  report.serviceDeploymentArn = arn;
  if (d.status) report.status = d.status;
  if (d.lifecycleStage) report.lifecycleStage = d.lifecycleStage;
  const revisions = await describeRevisions(
    ecs,
    [d.targetServiceRevision?.arn, ...(d.sourceServiceRevisions ?? []).map((s) => s.arn)].filter(
      (a): a is string => !!a,
    ),
  ).catch(() => new Map());
  const target = d.targetServiceRevision?.arn ? revisions.get(d.targetServiceRevision.arn) : undefined;
  if (target?.taskDefinition) {
    report.taskDefinitionArn = target.taskDefinition;
    report.revision = target.taskDefinition.split(':').pop()!;
  }
  // A rollback asked for again (a re-run of the job) is followed, not refused.
  const rollingBack = ['ROLLBACK_REQUESTED', 'ROLLBACK_IN_PROGRESS', 'ROLLBACK_SUCCESSFUL'].includes(
    d.status ?? '',
  );
  if (p.decision === 'rollback' && rollingBack)
    log.info(`${arn} is already ${d.status}: following the rollback to its end.`);
  else if (d.status !== 'IN_PROGRESS' && d.status !== 'PENDING')
    throw new UserError(
      `The service deployment ${arn} is ${where(d)}: there is nothing to ${p.decision === 'continue' ? 'continue' : 'roll back'}.`,
    );
  const again = p.decision === 'rollback' && rollingBack;
  const awaiting = (d.lifecycleHookDetails ?? []).filter((h) => h.status === 'AWAITING_ACTION');
  let hookId = again ? undefined : p.hookId;
  if (hookId && !awaiting.some((h) => h.hookId === hookId))
    throw new UserError(
      `Input 'hook-id' is "${hookId}", which is not awaiting action in ${arn}: the deployment is ${where(d)}.${awaiting.length ? ` The hook awaiting action is ${awaiting.map((h) => h.hookId).join(', ')}.` : ''}`,
    );
  hookId ??= awaitingHook(d);
  if (p.decision === 'continue' && !hookId)
    throw new UserError(
      `Nothing is paused: the service deployment ${arn} is ${where(d)}. continue-deployment continues a PAUSE hook awaiting action; wait for it with deploy's 'wait-until: paused'.`,
    );

  // The decision.
  const link = consoleServiceDeployment(region, p.cluster, p.service, arn);
  if (again) {
    // Decided before: nothing to send.
  } else if (hookId) {
    await ecs.send(
      new ContinueServiceDeploymentCommand({
        serviceDeploymentArn: arn,
        hookId,
        action: p.decision === 'continue' ? 'CONTINUE' : 'ROLLBACK',
      }),
    );
    log.info(
      `${p.decision === 'continue' ? 'Continued' : 'Rolled back'} ${arn} at hook ${hookId} (${d.lifecycleStage ?? 'paused'}): ${link}`,
    );
  } else {
    await ecs.send(new StopServiceDeploymentCommand({ serviceDeploymentArn: arn, stopType: 'ROLLBACK' }));
    log.info(`Stopped ${arn} with a rollback (it was ${where(d)}): ${link}`);
  }
  const bake = p.decision === 'continue' ? bakeMinutes(d, p.waitUntil) : 0;
  let result: Awaited<ReturnType<typeof followServiceDeployment>>;
  try {
    result = await followServiceDeployment(ecs, {
      arn,
      service: p.service,
      waitUntil: p.decision === 'continue' ? p.waitUntil : 'succeeded',
      timeoutMs: p.timeoutMs + bake * 60_000,
      ...(hookId ? { ignoreHooks: [hookId] } : {}),
      log: { ...log, info: (m: string) => (report.timeline.push(m), log.info(m)) },
      ...(deps.clock ? { clock: deps.clock } : {}),
      ...(deps.signal ? { signal: deps.signal } : {}),
    });
  } catch (error) {
    if (error instanceof PollTimeoutError || error instanceof PollCancelledError)
      throw new UserError(
        `${error.message} The deployment ${arn} is left as it is in ECS; follow it in the console: ${link}`,
      );
    throw error;
  }
  report.stages = result.stages;
  const end = result.deployment;
  if (end.status) report.status = end.status;
  if (end.lifecycleStage) report.lifecycleStage = end.lifecycleStage;
  const asked = p.decision === 'rollback';
  if (asked && end.status === 'ROLLBACK_SUCCESSFUL') {
    report.outcome = 'succeeded';
    const back = revisionTaskDefinition(
      revisions,
      end.rollback?.serviceRevisionArn ?? end.sourceServiceRevisions?.[0]?.arn,
    );
    log.info(`Rolled back: the service runs ${back ?? 'the previous revision'} again.`);
    return;
  }
  if (!asked && result.outcome !== 'failed') {
    report.outcome = result.outcome;
    if (result.hookId) {
      report.hookId = result.hookId;
      log.info(`Paused again at ${end.lifecycleStage ?? 'a lifecycle hook'} (hook ${result.hookId}).`);
    }
    return;
  }
  report.outcome = 'failed';
  const explained = explainServiceDeployment(end, revisions);
  report.diagnostics.push(...explained.lines);
  for (const line of explained.lines) log.info(line);
  report.reason = asked
    ? `The rollback of ${p.service} did not succeed: the service deployment ended ${end.status}. ${explained.reason}`
    : `The service deployment of ${p.service} ended ${end.status} after it was continued: ${explained.reason}`;
  throw new UserError(report.reason);
}
