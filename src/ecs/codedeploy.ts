/**
 * Blue/green deployments of ECS services through CodeDeploy: the deployment group checked against the
 * service, the deployment created from an AppSpec, and followed through its lifecycle events until it
 * is ready for test traffic, has moved production traffic, or has succeeded — or, when it fails, why:
 * the failed lifecycle event with its hook's message and log tail, and CodeDeploy's rollback.
 */
import { createHash } from 'node:crypto';
import {
  type CodeDeployClient,
  CreateDeploymentCommand,
  type DeploymentGroupInfo,
  type DeploymentInfo,
  GetDeploymentCommand,
  GetDeploymentGroupCommand,
  GetDeploymentTargetCommand,
  type LifecycleEvent,
  ListDeploymentTargetsCommand,
} from '@aws-sdk/client-codedeploy';
import { type Clock, poll } from '../aws/poller.js';
import { UserError } from '../errors.js';
import type { Logger } from '../log.js';

type CodeDeploy = Pick<CodeDeployClient, 'send'>;

export type WaitUntil = 'ready' | 'traffic-shifted' | 'succeeded';

export interface GroupRef {
  application: string;
  group: string;
  cluster: string;
  service: string;
}

/** The deployment group, checked to deploy this very service. */
export async function deploymentGroup(client: CodeDeploy, ref: GroupRef): Promise<DeploymentGroupInfo> {
  let info: DeploymentGroupInfo | undefined;
  try {
    info = (
      await client.send(
        new GetDeploymentGroupCommand({ applicationName: ref.application, deploymentGroupName: ref.group }),
      )
    ).deploymentGroupInfo;
  } catch (error) {
    const name = (error as { name?: string }).name;
    if (name === 'ApplicationDoesNotExistException') {
      throw new UserError(
        `The CodeDeploy application "${ref.application}" does not exist (input 'codedeploy-application'; the default is AppECS-<cluster>-<service>, as the ECS console names it).`,
      );
    }
    if (name === 'DeploymentGroupDoesNotExistException') {
      throw new UserError(
        `The CodeDeploy application "${ref.application}" has no deployment group "${ref.group}" (input 'codedeploy-deployment-group'; the default is DgpECS-<cluster>-<service>).`,
      );
    }
    throw error;
  }
  if (!info) throw new UserError(`CodeDeploy returned no deployment group "${ref.group}".`);
  const services = info.ecsServices ?? [];
  if (
    services.length &&
    !services.some((s) => s.serviceName === ref.service && (s.clusterName ?? 'default') === ref.cluster)
  ) {
    const deploys = services.map((s) => `${s.clusterName}/${s.serviceName}`).join(', ');
    throw new UserError(
      `The deployment group "${ref.group}" deploys ${deploys}, not ${ref.cluster}/${ref.service}: check 'codedeploy-application' and 'codedeploy-deployment-group'.`,
    );
  }
  return info;
}

/** Minutes the group itself waits: for someone to reroute traffic, and before terminating the original tasks. */
export function groupWaits(info: DeploymentGroupInfo): {
  readyMinutes: number;
  stopsWhenReady: boolean;
  terminationMinutes: number;
} {
  const bg = info.blueGreenDeploymentConfiguration;
  const stops = bg?.deploymentReadyOption?.actionOnTimeout === 'STOP_DEPLOYMENT';
  return {
    stopsWhenReady: stops,
    readyMinutes: stops ? (bg?.deploymentReadyOption?.waitTimeInMinutes ?? 0) : 0,
    terminationMinutes:
      bg?.terminateBlueInstancesOnDeploymentSuccess?.action === 'KEEP_ALIVE'
        ? 0
        : (bg?.terminateBlueInstancesOnDeploymentSuccess?.terminationWaitTimeInMinutes ?? 0),
  };
}

export async function createDeployment(
  client: CodeDeploy,
  options: { ref: GroupRef; appSpec: unknown; config?: string; description?: string },
): Promise<string> {
  const content = JSON.stringify(options.appSpec);
  const out = await client.send(
    new CreateDeploymentCommand({
      applicationName: options.ref.application,
      deploymentGroupName: options.ref.group,
      ...(options.config ? { deploymentConfigName: options.config } : {}),
      ...(options.description ? { description: options.description } : {}),
      revision: {
        revisionType: 'AppSpecContent',
        appSpecContent: { content, sha256: createHash('sha256').update(content).digest('hex') },
      },
    }),
  );
  return out.deploymentId!;
}

/** Why a CodeDeploy deployment did not reach what was waited for. */
export class CodeDeployFailed extends Error {
  override readonly name = 'CodeDeployFailed';
  constructor(
    readonly deployment: DeploymentInfo,
    readonly events: readonly LifecycleEvent[],
  ) {
    const error = deployment.errorInformation;
    super(
      `CodeDeploy deployment ${deployment.deploymentId} ${deployment.status === 'Stopped' ? 'stopped' : 'failed'}${error?.message ? `: ${error.message}` : ''}`,
    );
  }
}

export interface CodeDeployProgress {
  deployment: DeploymentInfo;
  events: LifecycleEvent[];
}

function describe(
  p: CodeDeployProgress,
  waits: { readyMinutes: number; terminationMinutes: number },
): string {
  const d = p.deployment;
  if (d.status === 'Ready')
    return `Ready: the replacement task set takes test traffic; waiting for traffic to be rerouted (ContinueDeployment, or it stops after ${waits.readyMinutes} min)`;
  if (d.instanceTerminationWaitTimeStarted)
    return `traffic moved; the original task set is kept for ${waits.terminationMinutes} min before it is terminated`;
  const current =
    p.events.find((e) => e.status === 'InProgress') ?? p.events.find((e) => e.status === 'Pending');
  const done = p.events.filter((e) => e.status === 'Succeeded' || e.status === 'Skipped').length;
  return `${d.status}${current ? `: ${current.lifecycleEventName} ${current.status}` : ''}${p.events.length ? ` (${done}/${p.events.length} lifecycle events done)` : ''}`;
}

export interface CodeDeployWaitOptions {
  deploymentId: string;
  until: WaitUntil;
  timeoutMs: number;
  waits: { readyMinutes: number; terminationMinutes: number };
  signal?: AbortSignal;
  clock?: Clock;
  log?: Logger;
}

/** Follows the deployment until `until` is reached; throws CodeDeployFailed when it fails or stops. */
export async function waitForCodeDeploy(client: CodeDeploy, options: CodeDeployWaitOptions) {
  let targetId: string | undefined;
  const look = async (): Promise<CodeDeployProgress> => {
    const { deploymentInfo } = await client.send(
      new GetDeploymentCommand({ deploymentId: options.deploymentId }),
    );
    targetId ??= (await client.send(new ListDeploymentTargetsCommand({ deploymentId: options.deploymentId })))
      .targetIds?.[0];
    const events = targetId
      ? ((await client.send(new GetDeploymentTargetCommand({ deploymentId: options.deploymentId, targetId })))
          .deploymentTarget?.ecsTarget?.lifecycleEvents ?? [])
      : [];
    return { deployment: deploymentInfo ?? {}, events };
  };
  return poll<CodeDeployProgress>({
    what: `CodeDeploy deployment ${options.deploymentId}`,
    timeoutMs: options.timeoutMs,
    initialIntervalMs: 2000,
    maxIntervalMs: 15_000,
    backoff: 1.5,
    jitter: 0.1,
    ...(options.signal ? { signal: options.signal } : {}),
    ...(options.clock ? { clock: options.clock } : {}),
    ...(options.log ? { log: options.log } : {}),
    check: async () => {
      const p = await look();
      const status = p.deployment.status;
      if (status === 'Failed' || status === 'Stopped') throw new CodeDeployFailed(p.deployment, p.events);
      const reached =
        status === 'Succeeded' ||
        (options.until !== 'succeeded' && p.deployment.instanceTerminationWaitTimeStarted === true) ||
        (options.until === 'ready' && status === 'Ready');
      if (reached) return { done: true, value: p };
      return { done: false, state: describe(p, options.waits) };
    },
  });
}

/** The lifecycle events as lines: name, status, how long, and a failed hook's message and log tail. */
export function lifecycleLines(events: readonly LifecycleEvent[]): string[] {
  const lines: string[] = [];
  for (const e of events) {
    const took =
      e.startTime && e.endTime
        ? ` (${Math.round((e.endTime.getTime() - e.startTime.getTime()) / 1000)} s)`
        : '';
    lines.push(`${e.lifecycleEventName}: ${e.status}${took}`);
    const d = e.diagnostics;
    if (d?.message) lines.push(`  ${d.errorCode ? `${d.errorCode}: ` : ''}${d.message}`);
    for (const line of (d?.logTail ?? '').split('\n').filter(Boolean).slice(-10)) lines.push(`  | ${line}`);
  }
  return lines;
}
