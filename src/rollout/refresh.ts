/**
 * Instance refreshes: start one per group with ECS-minded preferences, deal with one already running
 * (wait for it, or refuse), and wait for all of them with the Poller — one log line per change of status
 * or progress, the full interval while only the percentage moves, so a 40-minute refresh costs about two
 * calls a minute per group and its end is seen within the interval.
 */
import {
  type AutoScalingClient,
  CancelInstanceRefreshCommand,
  DescribeInstanceRefreshesCommand,
  type DesiredConfiguration,
  type InstanceRefresh,
  type RefreshPreferences,
  StartInstanceRefreshCommand,
} from '@aws-sdk/client-auto-scaling';
import { type LongWait, longWait, type Observation, poll } from '../aws/poller.js';
import { UserError } from '../errors.js';
import type { TargetGroup } from './targets.js';

type AutoScaling = Pick<AutoScalingClient, 'send'>;

export const TERMINAL = new Set([
  'Successful',
  'Failed',
  'Cancelled',
  'RollbackSuccessful',
  'RollbackFailed',
]);

export interface PreferenceSettings {
  minHealthyPercentage: number;
  maxHealthyPercentage?: number;
  instanceWarmupSeconds?: number;
  skipMatching: boolean;
  autoRollback: 'auto' | 'true' | 'false';
  scaleInProtectedInstances: 'auto' | 'Refresh' | 'Ignore' | 'Wait';
  standbyInstances?: 'Terminate' | 'Ignore' | 'Wait';
  checkpoints?: number[];
  checkpointDelaySeconds?: number;
  alarms?: string[];
  bakeTimeSeconds?: number;
}

const follows = (version: string) => version === '$Latest' || version === '$Default';

/** AutoRollback as asked, where AWS allows it (not for groups that follow $Latest or $Default). */
export function rollbackFor(target: TargetGroup, wanted: PreferenceSettings['autoRollback']): boolean {
  if (wanted === 'false') return false;
  if (follows(target.template.version)) {
    if (wanted === 'true') {
      throw new UserError(
        `Input 'auto-rollback' is true, but the Auto Scaling group ${target.name} launches launch template ${target.template.name} version ${target.template.version}: AWS cannot roll back a refresh to "${target.template.version}". Set auto-rollback to auto (rolls back where it can) or false, or make the group launch a numbered version.`,
      );
    }
    return false;
  }
  return true;
}

export function preferencesFor(target: TargetGroup, s: PreferenceSettings): RefreshPreferences {
  const protectedMode =
    s.scaleInProtectedInstances === 'auto'
      ? target.managedTerminationProtection
        ? 'Refresh'
        : undefined
      : s.scaleInProtectedInstances;
  return {
    MinHealthyPercentage: s.minHealthyPercentage,
    ...(s.maxHealthyPercentage !== undefined ? { MaxHealthyPercentage: s.maxHealthyPercentage } : {}),
    ...(s.instanceWarmupSeconds !== undefined ? { InstanceWarmup: s.instanceWarmupSeconds } : {}),
    SkipMatching: s.skipMatching,
    AutoRollback: rollbackFor(target, s.autoRollback),
    ...(protectedMode ? { ScaleInProtectedInstances: protectedMode } : {}),
    ...(s.standbyInstances ? { StandbyInstances: s.standbyInstances } : {}),
    ...(s.checkpoints?.length ? { CheckpointPercentages: s.checkpoints } : {}),
    ...(s.checkpointDelaySeconds !== undefined ? { CheckpointDelay: s.checkpointDelaySeconds } : {}),
    ...(s.alarms?.length ? { AlarmSpecification: { Alarms: s.alarms } } : {}),
    ...(s.bakeTimeSeconds !== undefined ? { BakeTime: s.bakeTimeSeconds } : {}),
  };
}

/** What the refresh moves the group to: the new version when the group names versions by number. */
export function desiredFor(target: TargetGroup, version: number): DesiredConfiguration | undefined {
  if (follows(target.template.version)) return undefined;
  const spec = { LaunchTemplateId: target.template.id, Version: String(version) };
  if (!target.mixed) return { LaunchTemplate: spec };
  const policy = target.group.MixedInstancesPolicy!;
  return {
    MixedInstancesPolicy: {
      ...policy,
      LaunchTemplate: { ...policy.LaunchTemplate, LaunchTemplateSpecification: spec },
    },
  };
}

export async function activeRefresh(asg: AutoScaling, group: string): Promise<InstanceRefresh | undefined> {
  const out = await asg.send(
    new DescribeInstanceRefreshesCommand({ AutoScalingGroupName: group, MaxRecords: 5 }),
  );
  return (out.InstanceRefreshes ?? []).find((r) => !TERMINAL.has(r.Status ?? ''));
}

export const describeProgress = (r: InstanceRefresh) => {
  const status = r.Status ?? 'Unknown';
  if (status === 'RollbackInProgress') {
    const d = r.RollbackDetails;
    return `RollbackInProgress ${d?.PercentageCompleteOnRollback ?? 0}% (${d?.InstancesToUpdateOnRollback ?? '?'} to put back)`;
  }
  if (status === 'InProgress' || status === 'Pending' || status === 'Cancelling' || status === 'Baking') {
    const pct = r.PercentageComplete ?? 0;
    const left = r.InstancesToUpdate;
    return `${status} ${pct}%${left !== undefined ? ` (${left} to update)` : ''}`;
  }
  return status;
};

export async function startRefresh(
  asg: AutoScaling,
  target: TargetGroup,
  desired: DesiredConfiguration | undefined,
  preferences: RefreshPreferences,
): Promise<string> {
  const out = await asg.send(
    new StartInstanceRefreshCommand({
      AutoScalingGroupName: target.name,
      Strategy: 'Rolling',
      ...(desired ? { DesiredConfiguration: desired } : {}),
      Preferences: preferences,
    }),
  );
  if (!out.InstanceRefreshId) throw new Error(`StartInstanceRefresh returned no ID for ${target.name}`);
  return out.InstanceRefreshId;
}

export const isInProgressError = (error: unknown) =>
  /^InstanceRefreshInProgress(Fault)?$/.test((error as { name?: string }).name ?? '');

export interface WaitOptions extends LongWait {
  what: string;
}

/** Waits until every refresh has ended (whatever the outcome); returns each group's last view. */
export async function waitForRefreshes(
  asg: AutoScaling,
  refreshes: { group: string; id: string }[],
  options: WaitOptions,
): Promise<{ results: Map<string, InstanceRefresh>; polls: number; calls: number; elapsedMs: number }> {
  const latest = new Map<string, InstanceRefresh>();
  let calls = 0;
  let statuses = '';
  const one = refreshes.length === 1;
  const result = await poll<Map<string, InstanceRefresh>>({
    what: options.what,
    ...longWait(options),
    check: async (): Promise<Observation<Map<string, InstanceRefresh>>> => {
      for (const r of refreshes) {
        if (TERMINAL.has(latest.get(r.group)?.Status ?? '')) continue;
        calls++;
        const out = await asg.send(
          new DescribeInstanceRefreshesCommand({ AutoScalingGroupName: r.group, InstanceRefreshIds: [r.id] }),
        );
        const seen = out.InstanceRefreshes?.[0];
        if (!seen) throw new Error(`DescribeInstanceRefreshes does not know ${r.id} of ${r.group}`);
        latest.set(r.group, seen);
      }
      const views = refreshes.map((r) => latest.get(r.group)!);
      if (views.every((v) => TERMINAL.has(v.Status ?? ''))) return { done: true, value: latest };
      const state = views
        .map((v, i) => (one ? describeProgress(v) : `${refreshes[i]!.group} ${describeProgress(v)}`))
        .join('; ');
      const now = views.map((v) => v.Status).join(',');
      // A new status (Pending → InProgress, a rollback) is looked at again soon; mere progress is not.
      const statusChanged = now !== statuses;
      statuses = now;
      const reason = views
        .map((v) => v.StatusReason)
        .filter(Boolean)
        .join(' ');
      return {
        done: false,
        state,
        ...(reason ? { detail: reason } : {}),
        ...(statusChanged ? {} : { nextIntervalMs: options.maxIntervalMs }),
      };
    },
  });
  return { results: result.value, polls: result.polls, calls, elapsedMs: result.elapsedMs };
}

export async function cancelRefresh(asg: AutoScaling, group: string): Promise<void> {
  await asg.send(new CancelInstanceRefreshCommand({ AutoScalingGroupName: group }));
}
