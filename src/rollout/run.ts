/**
 * rollout-ecs-ami's run: with clients made for the region, it finds the groups, refuses what it cannot
 * do (a refresh already running with if-refresh-running: fail, a version AWS cannot roll back to, an AMI
 * not in the region) before it changes anything, then makes one launch template version per template,
 * starts one instance refresh per group, follows them and checks the fleet. The report is filled in as it
 * goes, so that a failure still tells what was changed.
 */
import type { AutoScalingClient, InstanceRefresh } from '@aws-sdk/client-auto-scaling';
import type { EC2Client } from '@aws-sdk/client-ec2';
import type { ECSClient } from '@aws-sdk/client-ecs';
import { type Clock, PollCancelledError, PollTimeoutError } from '../aws/poller.js';
import { UserError } from '../errors.js';
import type { Logger } from '../log.js';
import { amiForRegion, type RolloutPlan } from './plan.js';
import {
  activeRefresh,
  cancelRefresh,
  describeProgress,
  desiredFor,
  isInProgressError,
  preferencesFor,
  rollbackFor,
  startRefresh,
  waitForRefreshes,
} from './refresh.js';
import {
  type ClusterCapacity,
  clusterCapacity,
  describeGroups,
  findTargets,
  type TargetGroup,
} from './targets.js';
import {
  checkImage,
  type CurrentVersion,
  currentVersion,
  explainMissingTemplate,
  moveTemplate,
  type TemplateMove,
} from './templates.js';
import { type Straggler, type UnsteadyService, verifyFleet } from './verify.js';

export interface GroupReport {
  group: string;
  capacityProvider?: string;
  launchTemplate: string;
  fromVersion: number;
  toVersion: number;
  previousAmi: string;
  refreshId?: string;
  status: string;
  percentage?: number;
  instancesReplaced: number;
  reason?: string;
  /**
   * Which AMI the group's new instances launch with now (set when no refresh moves the group): a group
   * that launches a numbered version keeps launching the old one until a refresh or an edit moves it.
   */
  newInstances?: 'new-ami' | 'previous-ami';
}

export interface TemplateReport {
  launchTemplateId: string;
  launchTemplateName: string;
  version: number;
  previousVersion: number;
  previousAmi: string;
  created: boolean;
  default: boolean;
}

export interface RolloutReport {
  region: string;
  ami?: string;
  imageName?: string;
  /** The launch template versions made or kept (once step 1 has run). */
  templates?: TemplateReport[];
  /** One row per group (once the templates are known). */
  groups?: GroupReport[];
  /** Overall: NotStarted, Skipped, InProgress, Successful, or the first failed group's status. */
  status?: string;
  /** The fleet check, when it ran. */
  verified?: { ok: boolean; stragglers: Straggler[]; unsteady: UnsteadyService[] };
  /** Capacity providers of the cluster left out, with why. */
  leftOut: string[];
  /** Why the step ended early, or failed, in words for the summary. */
  note?: string;
}

export interface RolloutDeps {
  clients: {
    ecs: Pick<ECSClient, 'send'>;
    asg: Pick<AutoScalingClient, 'send'>;
    ec2: Pick<EC2Client, 'send'>;
  };
  region: string;
  log: Logger;
  signal?: AbortSignal;
  clock?: Clock;
}

export const newRolloutReport = (region: string): RolloutReport => ({ region, leftOut: [] });

async function findAll(plan: RolloutPlan, deps: RolloutDeps, cluster: ClusterCapacity | undefined) {
  return findTargets(deps.clients.asg, {
    region: deps.region,
    ...(cluster && plan.cluster ? { cluster, clusterName: plan.cluster.name } : {}),
    ...(plan.capacityProviders ? { capacityProviders: plan.capacityProviders } : {}),
    ...(plan.groups ? { groups: plan.groups } : {}),
    ...(plan.launchTemplates ? { launchTemplates: plan.launchTemplates } : {}),
  });
}

/**
 * A refresh already running on a group is dealt with before any launch template changes: refused with
 * if-refresh-running: fail (so nothing is left half done), else waited for. Returns whether it waited.
 */
async function settleRunning(plan: RolloutPlan, deps: RolloutDeps, targets: TargetGroup[]): Promise<boolean> {
  const running: { group: string; refresh: InstanceRefresh }[] = [];
  for (const t of targets) {
    const refresh = await activeRefresh(deps.clients.asg, t.name);
    if (refresh) running.push({ group: t.name, refresh });
  }
  if (running.length === 0) return false;
  for (const { group, refresh } of running) await onRunning(plan, deps, group, refresh, 'before');
  return true;
}

async function onRunning(
  plan: RolloutPlan,
  deps: RolloutDeps,
  group: string,
  running: InstanceRefresh,
  when: 'before' | 'at-start',
): Promise<void> {
  const what = `instance refresh ${running.InstanceRefreshId} of ${group} (${describeProgress(running)}, started ${running.StartTime?.toISOString() ?? 'earlier'})`;
  if (plan.ifRefreshRunning === 'fail') {
    throw new UserError(
      `An ${what} is still running, and 'if-refresh-running' is fail. AWS allows one refresh per group at a time: wait for it, cancel it (aws autoscaling cancel-instance-refresh --auto-scaling-group-name ${group}), or set if-refresh-running: wait.${when === 'before' ? ' Nothing was changed.' : ''}`,
    );
  }
  deps.log.info(`Waiting for the ${what} to end before starting this one (if-refresh-running: wait).`);
  await waitForRefreshes(deps.clients.asg, [{ group, id: running.InstanceRefreshId! }], {
    what: `earlier instance refresh of ${group}`,
    timeoutMs: plan.timeoutMs,
    maxIntervalMs: plan.pollIntervalMs,
    ...(deps.signal ? { signal: deps.signal } : {}),
    ...(deps.clock ? { clock: deps.clock } : {}),
    log: deps.log,
  });
}

function preferenceWords(p: ReturnType<typeof preferencesFor>): string {
  return [
    `min healthy ${p.MinHealthyPercentage}%`,
    p.MaxHealthyPercentage !== undefined ? `max healthy ${p.MaxHealthyPercentage}%` : '',
    p.SkipMatching ? 'skip matching' : '',
    `auto rollback ${p.AutoRollback ? 'on' : 'off'}`,
    p.ScaleInProtectedInstances ? `scale-in protected: ${p.ScaleInProtectedInstances}` : '',
    p.CheckpointPercentages ? `checkpoints ${p.CheckpointPercentages.join('/')}%` : '',
    p.AlarmSpecification ? `alarms ${p.AlarmSpecification.Alarms!.join(', ')}` : '',
  ]
    .filter(Boolean)
    .join(', ');
}

export async function runRollout(plan: RolloutPlan, deps: RolloutDeps, report: RolloutReport): Promise<void> {
  const { clients, log, region } = deps;
  const { ecs, asg, ec2 } = clients;
  const ami = amiForRegion(plan.ami, region);
  report.ami = ami;

  // 0. What to change, and everything that can refuse, before the first change.
  const cluster = plan.cluster ? await clusterCapacity(ecs, plan.cluster.ref, region) : undefined;
  for (const name of cluster?.managedInstances ?? []) {
    const line = `${name} (ECS Managed Instances: AWS chooses and patches the AMI of its instances itself)`;
    report.leftOut.push(line);
    if (!plan.capacityProviders) log.info(`Leaving out the capacity provider ${line}.`);
  }
  let targets = await findAll(plan, deps, cluster);
  report.imageName = await checkImage(ec2, ami, region);
  log.info(
    `Rolling ${ami} (${report.imageName}) out to ${targets.length ? targets.map((t) => t.name).join(', ') : 'no Auto Scaling group'} in ${region}.`,
  );
  const checkTargets = () => {
    for (const t of targets) {
      rollbackFor(t, plan.preferences.autoRollback);
      if (t.template.version === '$Default' && plan.setDefaultVersion === 'false') {
        throw new UserError(
          `The Auto Scaling group ${t.name} launches the default version of ${t.template.name}, and 'set-default-version' is false: its new instances would keep the old AMI. Set it to auto or true.`,
        );
      }
    }
  };
  checkTargets();
  // Every launch template version the groups launch, resolved before any version is made (a group on
  // $Latest is copied from what it runs, whatever another group of the same template makes first).
  const resolve = async () => {
    const onlyTemplates = (plan.launchTemplates ?? []).filter(
      (ref) => !targets.some((t) => t.template.id === ref || t.template.name === ref),
    );
    const wanted = [
      ...targets.map((t) => ({ template: t.template, group: t as TargetGroup | undefined })),
      ...onlyTemplates.map((ref) => ({
        template: { id: ref, name: ref, version: '$Default' },
        group: undefined,
      })),
    ];
    const jobs = new Map<
      string,
      { template: TargetGroup['template']; group?: TargetGroup; current: CurrentVersion }
    >();
    for (const w of wanted) {
      const key = `${w.template.id}@${w.template.version}`;
      if (jobs.has(key)) continue;
      const current = await currentVersion(ec2, w.template).catch((error: unknown) =>
        explainMissingTemplate(error, w.template.name, region),
      );
      jobs.set(key, { template: w.template, ...(w.group ? { group: w.group } : {}), current });
    }
    return jobs;
  };
  let jobs = await resolve();
  const keyOf = (t: TargetGroup) => `${t.template.id}@${t.template.version}`;
  // A group whose every instance already runs a version with the AMI needs no refresh (and no wait).
  const upToDate = (t: TargetGroup) => {
    const current = jobs.get(keyOf(t))!.current;
    const instances = t.group.Instances ?? [];
    return (
      current.image === ami &&
      instances.length > 0 &&
      plan.preferences.skipMatching &&
      instances.every((i) => i.LaunchTemplate?.Version === String(current.versionNumber))
    );
  };
  if (
    plan.refresh &&
    (await settleRunning(
      plan,
      deps,
      targets.filter((t) => !upToDate(t)),
    ))
  ) {
    // The refresh that ended may have moved a group to another launch template version.
    targets = await findAll(plan, deps, cluster);
    checkTargets();
    jobs = await resolve();
  }
  for (const t of targets) {
    const protectedCount = (t.group.Instances ?? []).filter((i) => i.ProtectedFromScaleIn).length;
    if (
      plan.refresh &&
      protectedCount &&
      plan.preferences.scaleInProtectedInstances === 'auto' &&
      !t.managedTerminationProtection
    ) {
      log.warning(
        `${protectedCount} instances of ${t.name} are protected from scale-in and no ECS capacity provider with managed termination protection was found for the group: AWS waits for them (up to an hour) and then fails the refresh. Set 'scale-in-protected-instances' to Refresh to replace them, or Ignore to leave them.`,
      );
    }
  }

  // 1. Launch templates: one new version per template version launched, shared by the groups that launch it.
  const moves = new Map<string, TemplateMove>();
  const templatesOf = () =>
    [...new Map([...moves.values()].map((m) => [m.id, m])).values()].map((m): TemplateReport => ({
      launchTemplateId: m.id,
      launchTemplateName: m.name,
      version: m.version,
      previousVersion: m.previousVersion,
      previousAmi: m.previousImage,
      created: m.created,
      default: m.madeDefault,
    }));
  for (const [key, job] of jobs) {
    const makeDefault =
      plan.setDefaultVersion === 'true' ||
      (plan.setDefaultVersion === 'auto' && (job.template.version === '$Default' || !job.group));
    const move = await moveTemplate(ec2, job.current, ami, {
      makeDefault,
      description: `ecs-shipyard: ${ami} (${plan.runUrl ?? 'run outside GitHub Actions'})`,
      log,
    });
    moves.set(key, move);
    report.templates = templatesOf();
  }
  report.templates = templatesOf();

  // 2. Instance refreshes.
  const groups: GroupReport[] = targets.map((t) => {
    const m = moves.get(`${t.template.id}@${t.template.version}`)!;
    return {
      group: t.name,
      ...(t.capacityProvider ? { capacityProvider: t.capacityProvider } : {}),
      launchTemplate: m.name,
      fromVersion: m.previousVersion,
      toVersion: m.version,
      previousAmi: m.previousImage,
      status: 'NotStarted',
      instancesReplaced: 0,
    };
  });
  report.groups = groups;
  report.status = 'NotStarted';
  if (!plan.refresh) {
    notRefreshing(plan, targets, moves, report, log, ami);
    return;
  }
  const toUpdate = new Map<string, number>();
  const started: { group: string; id: string }[] = [];
  for (const [i, t] of targets.entries()) {
    const row = groups[i]!;
    const version = row.toVersion;
    const instances = t.group.Instances ?? [];
    const stale = instances.filter(
      (inst) => !(plan.preferences.skipMatching && inst.LaunchTemplate?.Version === String(version)),
    );
    if (instances.length && stale.length === 0) {
      row.status = 'Successful';
      row.reason = `every instance already runs version ${version}`;
      log.info(
        `${t.name}: every instance already launched from ${row.launchTemplate} version ${version}; nothing to refresh.`,
      );
      continue;
    }
    toUpdate.set(t.name, stale.length);
    const desired = desiredFor(t, version);
    const preferences = preferencesFor(t, plan.preferences);
    let id: string;
    try {
      id = await startRefresh(asg, t, desired, preferences);
    } catch (error) {
      if (!isInProgressError(error)) throw error;
      // Someone started one between the look and the start (it may have ended since).
      const now = await activeRefresh(asg, t.name);
      if (now) await onRunning(plan, deps, t.name, now, 'at-start');
      id = await startRefresh(asg, t, desired, preferences);
    }
    row.refreshId = id;
    row.status = 'Pending';
    started.push({ group: t.name, id });
    report.status = 'InProgress';
    log.info(`${t.name}: instance refresh ${id} started (${preferenceWords(preferences)}).`);
    if (!preferences.AutoRollback && plan.preferences.autoRollback === 'auto') {
      log.info(
        `${t.name}: auto rollback is off because the group launches ${t.template.version}, which AWS cannot roll back to.`,
      );
    }
  }
  report.status = started.length ? 'InProgress' : 'Successful';

  if (!plan.wait) {
    log.info(
      `Not waiting (wait: false); the refreshes go on in Auto Scaling.${plan.verify ? ' The fleet check was skipped.' : ''}`,
    );
    return;
  }

  // 3. Wait.
  let results = new Map<string, InstanceRefresh>();
  if (started.length) {
    try {
      ({ results } = await waitForRefreshes(asg, started, {
        what: started.length === 1 ? `instance refresh of ${started[0]!.group}` : 'instance refreshes',
        timeoutMs: plan.timeoutMs,
        maxIntervalMs: plan.pollIntervalMs,
        ...(deps.signal ? { signal: deps.signal } : {}),
        ...(deps.clock ? { clock: deps.clock } : {}),
        log,
      }));
    } catch (error) {
      if (error instanceof PollTimeoutError) {
        throw new UserError(
          `${error.message} The refreshes go on in Auto Scaling (${started.map((r) => `${r.group}: ${r.id}`).join(', ')}). Raise 'timeout', or check them in the console.`,
        );
      }
      if (error instanceof PollCancelledError) {
        if (plan.cancelOnAbort) {
          for (const r of started) await cancelRefresh(asg, r.group).catch(() => undefined);
          throw new UserError(
            `${error.message} Cancelled the instance refreshes (cancel-on-abort): ${started.map((r) => r.group).join(', ')}.`,
          );
        }
        throw new UserError(
          `${error.message} The instance refreshes go on: ${started.map((r) => `${r.group} (${r.id})`).join(', ')}. Set cancel-on-abort: true to cancel them with the job.`,
        );
      }
      throw error;
    }
  }
  for (const row of groups) {
    const seen = results.get(row.group);
    if (!seen) continue;
    row.status = seen.Status ?? 'Unknown';
    row.percentage = seen.PercentageComplete ?? 0;
    const before = toUpdate.get(row.group) ?? 0;
    row.instancesReplaced =
      row.status === 'RollbackSuccessful'
        ? 0
        : row.status === 'Successful'
          ? before
          : Math.max(0, before - (seen.InstancesToUpdate ?? before));
    const reason = seen.RollbackDetails?.RollbackReason ?? seen.StatusReason;
    if (reason) row.reason = reason;
  }
  const failed = groups.filter((r) => r.status !== 'Successful');
  report.status = failed.length === 0 ? 'Successful' : failed[0]!.status;
  if (failed.length) {
    const lines = failed.map((r) => {
      const rolled = r.status.startsWith('Rollback')
        ? ` and was rolled back (${r.status}): its instances are on ${r.previousAmi} again`
        : '';
      return `${r.group}: the instance refresh ${r.refreshId} ended ${r.status}${rolled}. AWS said: ${r.reason ?? 'no reason given'}`;
    });
    throw new UserError(
      `The rollout of ${ami} did not finish. ${lines.join(' ')} The new launch template versions are kept; fix the cause and re-run (instances already on ${ami} are skipped).`,
    );
  }

  // 4. Verify.
  if (!plan.verify || !plan.cluster || !cluster) return;
  const all = !plan.capacityProviders && !plan.groups && !plan.launchTemplates;
  const described = all
    ? []
    : await describeGroups(
        asg,
        targets.map((t) => t.name),
      );
  const result = await verifyFleet(ecs, {
    cluster: plan.cluster.ref,
    ami,
    scope: {
      all,
      capacityProviders: new Set(targets.map((t) => t.capacityProvider ?? '').filter(Boolean)),
      instanceIds: new Set(described.flatMap((g) => (g.Instances ?? []).map((i) => i.InstanceId ?? ''))),
      exclude: new Set(cluster.managedInstances),
    },
    ...(plan.services ? { services: plan.services } : {}),
    timeoutMs: plan.verifyTimeoutMs,
    maxIntervalMs: Math.min(plan.pollIntervalMs, 15_000),
    ...(deps.signal ? { signal: deps.signal } : {}),
    ...(deps.clock ? { clock: deps.clock } : {}),
    log,
  });
  report.verified = result;
  if (!result.ok) {
    const parts: string[] = [];
    if (result.stragglers.length) {
      parts.push(
        `${result.stragglers.length} container instances of ${plan.cluster.name} still run another AMI: ${result.stragglers
          .map(
            (x) =>
              `${x.ec2InstanceId} (${x.amiId}${x.capacityProvider ? `, ${x.capacityProvider}` : ', in no capacity provider'})`,
          )
          .join(
            ', ',
          )}. Instances protected from scale-in are skipped with scale-in-protected-instances: Ignore; instances outside the refreshed groups are not replaced.`,
      );
    }
    if (result.unsteady.length) {
      parts.push(
        `Services not steady: ${result.unsteady.map((u) => `${u.name} (${u.runningCount}/${u.desiredCount} running${u.deployments > 1 ? `, ${u.deployments} deployments` : ''}${u.lastEvent ? `; last event: ${u.lastEvent}` : ''})`).join(', ')}.`,
      );
    }
    throw new UserError(
      `The refreshes succeeded but the cluster is not all on ${ami} after ${Math.round(plan.verifyTimeoutMs / 1000)}s: ${parts.join(' ')}`,
    );
  }
  log.info(
    `Every container instance in scope of ${plan.cluster.name} reports ${ami}, and its services are steady.`,
  );
}

/**
 * refresh: false. Running instances keep their AMI; what new ones launch with depends on how each group
 * names its version: $Latest and (when made default) $Default follow the new version, a number does not.
 */
function notRefreshing(
  plan: RolloutPlan,
  targets: TargetGroup[],
  moves: Map<string, TemplateMove>,
  report: RolloutReport,
  log: Logger,
  ami: string,
): void {
  report.status = 'Skipped';
  const follow: string[] = [];
  const stay: string[] = [];
  const stayNames: string[] = [];
  for (const [i, t] of targets.entries()) {
    const row = report.groups![i]!;
    const m = moves.get(`${t.template.id}@${t.template.version}`)!;
    const launchesNew =
      m.previousImage === ami ||
      t.template.version === '$Latest' ||
      (t.template.version === '$Default' && m.madeDefault);
    row.status = 'Skipped';
    row.newInstances = launchesNew ? 'new-ami' : 'previous-ami';
    if (launchesNew) follow.push(`${t.name} (${t.template.version})`);
    else {
      stay.push(`${t.name} (version ${t.template.version}, ${m.previousImage})`);
      stayNames.push(t.name);
    }
  }
  const parts = ['Not refreshing (refresh: false): running instances keep their AMI.'];
  if (follow.length) parts.push(`New instances of ${follow.join(', ')} launch with ${ami}.`);
  if (stay.length)
    parts.push(
      `New instances of ${stay.join(', ')} still launch with the previous AMI: those groups name a launch template version by number, and only a refresh (refresh: true) or an update of the group moves them to the new version.`,
    );
  if (plan.verify) parts.push('The fleet check was skipped: nothing was replaced.');
  log.info(parts.join(' '));
  if (stay.length) {
    log.warning(
      `refresh is false and ${stayNames.join(', ')} launch a numbered launch template version: their new instances keep the previous AMI.`,
    );
  }
}
