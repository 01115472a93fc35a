/**
 * rollout-ecs-ami: rolls a new AMI out to ECS capacity — new launch template versions with only the
 * ImageId changed, an instance refresh per Auto Scaling group with ECS-minded preferences, a wait with
 * one line per change, and a check that every container instance reports the AMI and the services on
 * it are steady.
 */
import type { AutoScalingClient, InstanceRefresh } from '@aws-sdk/client-auto-scaling';
import { PollCancelledError, PollTimeoutError } from '../../aws/poller.js';
import { UserError } from '../../errors.js';
import { type ActionContext, defineAction } from '../../github/action.js';
import type { Logger } from '../../log.js';
import { boolean, duration, integer, list, oneOf, parsed, region, text } from '../../github/inputs.js';
import type { TemplateMove } from '../../rollout/templates.js';
import type { TargetGroup } from '../../rollout/targets.js';
import type { Straggler, UnsteadyService } from '../../rollout/verify.js';

const NAME = 'rollout-ecs-ami';
const AMI = /^ami-[0-9a-f]{8}([0-9a-f]{9})?$/;

/** An AMI ID, or image-pipeline's `amis` output (JSON list of {region, image}) to pick this region's from. */
export type AmiInput = { ami: string } | { byRegion: Record<string, string> };

export function parseAmi(raw: string): AmiInput | { problem: string } {
  if (AMI.test(raw)) return { ami: raw };
  if (!raw.startsWith('['))
    return {
      problem: 'expected an AMI ID (ami- and 8 or 17 hex digits) or image-pipeline\'s "amis" JSON output',
    };
  let list: unknown;
  try {
    list = JSON.parse(raw);
  } catch (error) {
    return { problem: `it looks like JSON but does not parse (${(error as Error).message})` };
  }
  const byRegion: Record<string, string> = {};
  for (const item of Array.isArray(list) ? list : []) {
    const { region: r, image } = (item ?? {}) as { region?: unknown; image?: unknown };
    if (typeof r !== 'string' || typeof image !== 'string' || !AMI.test(image)) {
      return {
        problem:
          'each item of the JSON list needs a region and an image (an AMI ID), as image-pipeline\'s "amis" output has',
      };
    }
    byRegion[r] = image;
  }
  if (Object.keys(byRegion).length === 0) return { problem: 'the JSON list has no AMIs' };
  return { byRegion };
}

const PERCENT = (raw: string) =>
  /^\d{1,3}$/.test(raw) && Number(raw) >= 1 && Number(raw) <= 100
    ? Number(raw)
    : { problem: 'expected a whole percentage from 1 to 100' };
const ALARM = /^[^\s].{0,253}[^\s]$|^[^\s]$/;

export const inputs = {
  ami: parsed(parseAmi, {
    required: true,
    accepted:
      "an AMI ID (ami-0123456789abcdef0), or image-pipeline's 'amis' output to take this region's AMI from",
  }),
  cluster: text({
    pattern: /^(arn:aws[a-z-]*:ecs:[a-z0-9-]+:\d{12}:cluster\/)?[A-Za-z0-9_-]{1,255}$/,
    accepted: 'an ECS cluster name (letters, digits, - and _) or cluster ARN',
  }),
  'capacity-providers': list({
    item: (v) => (/^[A-Za-z0-9_-]{1,255}$/.test(v) ? v : { problem: 'expected a capacity provider name' }),
    itemAccepted: 'capacity provider names',
  }),
  'auto-scaling-groups': list({
    item: (v) =>
      /^[\x20-\x7e]{1,255}$/.test(v) && !v.includes(':')
        ? v
        : { problem: 'expected an Auto Scaling group name (not an ARN)' },
    itemAccepted: 'Auto Scaling group names',
  }),
  'launch-templates': list({
    item: (v) =>
      /^lt-[0-9a-f]{17}$/.test(v) || /^[a-zA-Z0-9().\-/_]{3,128}$/.test(v)
        ? v
        : { problem: 'expected a launch template ID (lt-…) or name (3-128 letters, digits and ( ) . - / _)' },
    itemAccepted: 'launch template IDs or names',
  }),
  'set-default-version': oneOf(['auto', 'true', 'false'], { default: 'auto' }),
  refresh: boolean({ default: 'true' }),
  'min-healthy-percentage': integer({ min: 0, max: 100, default: '90' }),
  'max-healthy-percentage': integer({ min: 100, max: 200 }),
  'instance-warmup': duration({ min: '0s', max: '24h' }),
  'skip-matching': boolean({ default: 'true' }),
  'auto-rollback': oneOf(['auto', 'true', 'false'], { default: 'auto' }),
  'scale-in-protected-instances': oneOf(['auto', 'Refresh', 'Ignore', 'Wait'], { default: 'auto' }),
  'standby-instances': oneOf(['Terminate', 'Ignore', 'Wait'], {}),
  checkpoints: list({
    item: PERCENT,
    itemAccepted: 'percentages from 1 to 100 in ascending order, the last 100',
  }),
  'checkpoint-delay': duration({ min: '0s', max: '48h' }),
  alarms: list({
    item: (v) => (ALARM.test(v) ? v : { problem: 'expected a CloudWatch alarm name (1-255 characters)' }),
    itemAccepted: 'CloudWatch alarm names (at most 10)',
  }),
  'bake-time': duration({ min: '0s', max: '48h' }),
  'if-refresh-running': oneOf(['wait', 'fail'], { default: 'wait' }),
  wait: boolean({ default: 'true' }),
  timeout: duration({ default: '2h', min: '1s', max: '6h' }),
  'poll-interval': duration({ default: '30s', min: '1s', max: '5m' }),
  verify: boolean({ default: 'true' }),
  'verify-timeout': duration({ default: '10m', min: '0s', max: '2h' }),
  services: list({
    item: (v) =>
      /^[A-Za-z0-9_-]{1,255}$/.test(v) || v.startsWith('arn:')
        ? v
        : { problem: 'expected a service name or ARN' },
    itemAccepted: 'ECS service names',
  }),
  'cancel-on-abort': boolean({ default: 'false' }),
  region: region(),
};

const seconds = (ms: number | undefined) => (ms === undefined ? undefined : Math.round(ms / 1000));

interface GroupReport {
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
}

async function onRunning(
  ctx: {
    settings: { 'if-refresh-running': 'wait' | 'fail'; timeout: number; 'poll-interval': number };
    signal: AbortSignal;
    log: Logger;
  },
  asg: AutoScalingClient,
  group: string,
  running: InstanceRefresh,
): Promise<void> {
  const aws = await import('./aws.js');
  const what = `instance refresh ${running.InstanceRefreshId} of ${group} (${aws.describeProgress(running)}, started ${running.StartTime?.toISOString() ?? 'earlier'})`;
  if (ctx.settings['if-refresh-running'] === 'fail') {
    throw new UserError(
      `An ${what} is still running, and 'if-refresh-running' is fail. AWS allows one refresh per group at a time: wait for it, cancel it (aws autoscaling cancel-instance-refresh --auto-scaling-group-name ${group}), or set if-refresh-running: wait.`,
    );
  }
  ctx.log.info(`Waiting for the ${what} to end before starting this one (if-refresh-running: wait).`);
  await aws.waitForRefreshes(asg, [{ group, id: running.InstanceRefreshId! }], {
    what: `earlier instance refresh of ${group}`,
    timeoutMs: ctx.settings.timeout,
    maxIntervalMs: ctx.settings['poll-interval'],
    signal: ctx.signal,
    log: ctx.log,
  });
}

async function summarize(
  ctx: { summary: ActionContext<typeof inputs>['summary'] },
  ami: string,
  region: string,
  reports: GroupReport[],
  verified: { ok: boolean; stragglers: Straggler[]; unsteady: UnsteadyService[] } | undefined,
): Promise<void> {
  const s = ctx.summary.addHeading(`AMI rollout: ${ami} (${region})`, 3).addTable([
    [
      { data: 'Group', header: true },
      { data: 'Launch template', header: true },
      { data: 'Version', header: true },
      { data: 'Refresh', header: true },
      { data: 'Status', header: true },
      { data: 'Replaced', header: true },
      { data: 'Reason', header: true },
    ],
    ...reports.map((r) => [
      r.capacityProvider ? `${r.group} (${r.capacityProvider})` : r.group,
      r.launchTemplate,
      r.fromVersion === r.toVersion ? String(r.toVersion) : `${r.fromVersion} → ${r.toVersion}`,
      r.refreshId ?? '',
      r.percentage !== undefined && r.status !== 'Successful' ? `${r.status} (${r.percentage}%)` : r.status,
      String(r.instancesReplaced),
      r.reason ?? '',
    ]),
  ]);
  if (verified) {
    s.addRaw(
      verified.ok
        ? `Every container instance reports ${ami}; the services on it are steady.`
        : `Not on ${ami}: ${verified.stragglers.map((x) => x.ec2InstanceId).join(', ') || 'none'}. Not steady: ${verified.unsteady.map((u) => u.name).join(', ') || 'none'}.`,
      true,
    );
  }
  await s.write();
}

export default defineAction({
  name: NAME,
  inputs,
  outputs: [
    'launch-template-versions',
    'instance-refresh-ids',
    'status',
    'instances-replaced',
    'groups',
    'stragglers',
    'ami-id',
  ],

  async main(ctx) {
    const s = ctx.settings;
    if (s['capacity-providers'] && !s.cluster) {
      throw new UserError(
        "Input 'capacity-providers' picks among a cluster's capacity providers: give 'cluster' too.",
      );
    }
    if (!s.cluster && !s['auto-scaling-groups'] && !s['launch-templates']) {
      throw new UserError(
        "Say where to roll the AMI out: input 'cluster' (its capacity providers' Auto Scaling groups), 'auto-scaling-groups', or 'launch-templates'.",
      );
    }
    if (s['capacity-providers'] && (s['auto-scaling-groups'] || s['launch-templates'])) {
      throw new UserError(
        "Input 'capacity-providers' picks groups through the cluster; with 'auto-scaling-groups' or 'launch-templates' the groups are named already. Give one way.",
      );
    }
    const checkpoints = s.checkpoints;
    if (checkpoints) {
      if (checkpoints.some((c, i) => i > 0 && c <= checkpoints[i - 1]!)) {
        throw new UserError(
          `Input 'checkpoints' has the value "${checkpoints.join(', ')}": the percentages must go up.`,
        );
      }
      if (checkpoints.at(-1) !== 100) {
        throw new UserError(
          `Input 'checkpoints' has the value "${checkpoints.join(', ')}": the last checkpoint must be 100, or the refresh stops before replacing every instance.`,
        );
      }
    }
    if (s['checkpoint-delay'] !== undefined && !checkpoints) {
      throw new UserError(
        "Input 'checkpoint-delay' is the pause at each checkpoint: give 'checkpoints' too.",
      );
    }
    if ((s.alarms?.length ?? 0) > 10) {
      throw new UserError(
        `Input 'alarms' names ${s.alarms!.length} alarms; an instance refresh takes at most 10.`,
      );
    }
    const maxHealthy = s['max-healthy-percentage'];
    if (maxHealthy !== undefined && maxHealthy - s['min-healthy-percentage'] > 100) {
      throw new UserError(
        `Inputs 'min-healthy-percentage' (${s['min-healthy-percentage']}) and 'max-healthy-percentage' (${maxHealthy}) are more than 100 apart; AWS allows a range of at most 100.`,
      );
    }
    if (s.verify && s.wait && s.refresh && !s.cluster) {
      ctx.log.info(
        "No 'cluster' given: the container instances cannot be checked after the refresh (verify skipped).",
      );
    }

    const aws = await import('./aws.js');
    const clusterRegion = s.cluster?.startsWith('arn:') ? s.cluster.split(':')[3] : undefined;
    const region = clusterRegion ?? aws.resolveRegion(s.region, ctx.env);
    const amiInput = s.ami;
    let ami: string;
    if ('ami' in amiInput) ami = amiInput.ami;
    else {
      const here = amiInput.byRegion[region];
      if (!here) {
        throw new UserError(
          `The image has no AMI in ${region}, where the groups launch: it was distributed to ${Object.keys(amiInput.byRegion).join(', ')}. Add ${region} to the image's distribution configuration, or run this step in one of those regions.`,
        );
      }
      ami = here;
    }
    ctx.setOutput('ami-id', ami);

    const opts = { region, action: NAME, env: ctx.env };
    const ecs = aws.createClient(aws.ECSClient, opts);
    const asg = aws.createClient(aws.AutoScalingClient, opts);
    const ec2 = aws.createClient(aws.EC2Client, opts);

    const cluster = s.cluster ? await aws.clusterCapacity(ecs, s.cluster, region) : undefined;
    const targets = await aws.findTargets(asg, {
      region,
      ...(cluster ? { cluster, clusterName: s.cluster! } : {}),
      ...(s['capacity-providers'] ? { capacityProviders: s['capacity-providers'] } : {}),
      ...(s['auto-scaling-groups'] ? { groups: s['auto-scaling-groups'] } : {}),
      ...(s['launch-templates'] ? { launchTemplates: s['launch-templates'] } : {}),
    });
    const imageName = await aws.checkImage(ec2, ami, region);
    ctx.log.info(
      `Rolling ${ami} (${imageName}) out to ${targets.length ? targets.map((t) => t.name).join(', ') : 'no Auto Scaling group'} in ${region}.`,
    );

    const prefs = {
      minHealthyPercentage: s['min-healthy-percentage'],
      ...(maxHealthy !== undefined ? { maxHealthyPercentage: maxHealthy } : {}),
      ...(s['instance-warmup'] !== undefined
        ? { instanceWarmupSeconds: seconds(s['instance-warmup'])! }
        : {}),
      skipMatching: s['skip-matching'],
      autoRollback: s['auto-rollback'],
      scaleInProtectedInstances: s['scale-in-protected-instances'],
      ...(s['standby-instances'] ? { standbyInstances: s['standby-instances'] } : {}),
      ...(checkpoints ? { checkpoints } : {}),
      ...(s['checkpoint-delay'] !== undefined
        ? { checkpointDelaySeconds: seconds(s['checkpoint-delay'])! }
        : {}),
      ...(s.alarms ? { alarms: s.alarms } : {}),
      ...(s['bake-time'] !== undefined ? { bakeTimeSeconds: seconds(s['bake-time'])! } : {}),
    };
    // Everything that can be refused is checked before the first change.
    for (const t of targets) {
      aws.rollbackFor(t, prefs.autoRollback);
      if (t.template.version === '$Default' && s['set-default-version'] === 'false') {
        throw new UserError(
          `The Auto Scaling group ${t.name} launches the default version of ${t.template.name}, and 'set-default-version' is false: its new instances would keep the old AMI. Set it to auto or true.`,
        );
      }
      const protectedCount = (t.group.Instances ?? []).filter((i) => i.ProtectedFromScaleIn).length;
      if (
        s.refresh &&
        protectedCount &&
        prefs.scaleInProtectedInstances === 'auto' &&
        !t.managedTerminationProtection
      ) {
        ctx.log.warning(
          `${protectedCount} instances of ${t.name} are protected from scale-in and no ECS capacity provider with managed termination protection was found for the group: AWS waits for them (up to an hour) and then fails the refresh. Set 'scale-in-protected-instances' to Refresh to replace them, or Ignore to leave them.`,
        );
      }
    }

    // 1. Launch templates: one new version per template, shared by the groups that launch it.
    const runUrl = ctx.env['GITHUB_RUN_ID']
      ? `${ctx.env['GITHUB_SERVER_URL'] ?? 'https://github.com'}/${ctx.env['GITHUB_REPOSITORY'] ?? ''}/actions/runs/${ctx.env['GITHUB_RUN_ID']}`
      : 'ecs-shipyard';
    const moves = new Map<string, TemplateMove>();
    const onlyTemplates = (s['launch-templates'] ?? []).filter(
      (ref) => !targets.some((t) => t.template.id === ref || t.template.name === ref),
    );
    const templateJobs = [
      ...targets.map((t) => ({
        key: `${t.template.id}@${t.template.version}`,
        template: t.template,
        group: t as TargetGroup | undefined,
      })),
      ...onlyTemplates.map((ref) => ({
        key: `${ref}@$Default`,
        template: { id: ref, name: ref, version: '$Default' },
        group: undefined,
      })),
    ];
    for (const job of templateJobs) {
      if (moves.has(job.key)) continue;
      const makeDefault =
        s['set-default-version'] === 'true' ||
        (s['set-default-version'] === 'auto' && (job.template.version === '$Default' || !job.group));
      const move = await aws
        .moveTemplate(ec2, job.template, ami, {
          makeDefault,
          description: `ecs-shipyard: ${ami} (${runUrl})`,
          log: ctx.log,
        })
        .catch((error: unknown) => aws.explainMissingTemplate(error, job.template.name, region));
      moves.set(job.key, move);
    }
    const versionsOut = [...new Map([...moves.values()].map((m) => [m.id, m])).values()].map((m) => ({
      launchTemplateId: m.id,
      launchTemplateName: m.name,
      version: m.version,
      previousVersion: m.previousVersion,
      previousAmi: m.previousImage,
      created: m.created,
      default: m.madeDefault,
    }));
    ctx.setOutput('launch-template-versions', JSON.stringify(versionsOut));

    // 2. Instance refreshes.
    const reports: GroupReport[] = targets.map((t) => {
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
    const toUpdate = new Map<string, number>();
    const started: { group: string; id: string }[] = [];
    const writeOutputs = (status: string) => {
      ctx.setOutput(
        'instance-refresh-ids',
        JSON.stringify(
          Object.fromEntries(reports.filter((r) => r.refreshId).map((r) => [r.group, r.refreshId])),
        ),
      );
      ctx.setOutput('groups', JSON.stringify(reports));
      ctx.setOutput('instances-replaced', String(reports.reduce((n, r) => n + r.instancesReplaced, 0)));
      ctx.setOutput('status', status);
    };
    if (!s.refresh) {
      for (const r of reports) r.status = 'Skipped';
      writeOutputs('Skipped');
      ctx.log.info(
        'Not refreshing (refresh: false): instances launched from now on use the new version; running ones keep their AMI.',
      );
      await summarize(ctx, ami, region, reports, undefined);
      return;
    }
    for (const [i, t] of targets.entries()) {
      const report = reports[i]!;
      const version = report.toVersion;
      const instances = t.group.Instances ?? [];
      const stale = instances.filter(
        (inst) => !(s['skip-matching'] && inst.LaunchTemplate?.Version === String(version)),
      );
      if (instances.length && stale.length === 0) {
        report.status = 'Successful';
        report.reason = `every instance already runs version ${version}`;
        ctx.log.info(
          `${t.name}: every instance already launched from ${report.launchTemplate} version ${version}; nothing to refresh.`,
        );
        continue;
      }
      toUpdate.set(t.name, stale.length);
      const running = await aws.activeRefresh(asg, t.name);
      if (running) await onRunning(ctx, asg, t.name, running);
      const desired = aws.desiredFor(t, version);
      const preferences = aws.preferencesFor(t, prefs);
      let id: string;
      try {
        id = await aws.startRefresh(asg, t, desired, preferences);
      } catch (error) {
        if (!aws.isInProgressError(error)) throw error;
        // Someone started one between the look and the start (it may have ended since).
        const now = await aws.activeRefresh(asg, t.name);
        if (now) await onRunning(ctx, asg, t.name, now);
        id = await aws.startRefresh(asg, t, desired, preferences);
      }
      report.refreshId = id;
      report.status = 'Pending';
      started.push({ group: t.name, id });
      const how = [
        `min healthy ${preferences.MinHealthyPercentage}%`,
        preferences.MaxHealthyPercentage !== undefined
          ? `max healthy ${preferences.MaxHealthyPercentage}%`
          : '',
        preferences.SkipMatching ? 'skip matching' : '',
        `auto rollback ${preferences.AutoRollback ? 'on' : 'off'}`,
        preferences.ScaleInProtectedInstances
          ? `scale-in protected: ${preferences.ScaleInProtectedInstances}`
          : '',
        preferences.CheckpointPercentages
          ? `checkpoints ${preferences.CheckpointPercentages.join('/')}%`
          : '',
        preferences.AlarmSpecification ? `alarms ${preferences.AlarmSpecification.Alarms!.join(', ')}` : '',
      ].filter(Boolean);
      ctx.log.info(`${t.name}: instance refresh ${id} started (${how.join(', ')}).`);
      if (!preferences.AutoRollback && prefs.autoRollback === 'auto') {
        ctx.log.info(
          `${t.name}: auto rollback is off because the group launches ${t.template.version}, which AWS cannot roll back to.`,
        );
      }
    }
    writeOutputs(started.length ? 'InProgress' : 'Successful');

    if (!s.wait) {
      ctx.log.info('Not waiting (wait: false); the refreshes go on in Auto Scaling.');
      await summarize(ctx, ami, region, reports, undefined);
      return;
    }

    // 3. Wait.
    let results = new Map<string, InstanceRefresh>();
    if (started.length) {
      try {
        ({ results } = await aws.waitForRefreshes(asg, started, {
          what: started.length === 1 ? `instance refresh of ${started[0]!.group}` : 'instance refreshes',
          timeoutMs: s.timeout,
          maxIntervalMs: s['poll-interval'],
          signal: ctx.signal,
          log: ctx.log,
        }));
      } catch (error) {
        if (error instanceof PollTimeoutError) {
          writeOutputs('InProgress');
          throw new UserError(
            `${error.message} The refreshes go on in Auto Scaling (${started.map((r) => `${r.group}: ${r.id}`).join(', ')}). Raise 'timeout', or check them in the console.`,
          );
        }
        if (error instanceof PollCancelledError) {
          writeOutputs('InProgress');
          if (s['cancel-on-abort']) {
            for (const r of started) await aws.cancelRefresh(asg, r.group).catch(() => undefined);
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
    for (const report of reports) {
      const seen = results.get(report.group);
      if (!seen) continue;
      report.status = seen.Status ?? 'Unknown';
      report.percentage = seen.PercentageComplete ?? 0;
      const before = toUpdate.get(report.group) ?? 0;
      report.instancesReplaced =
        report.status === 'RollbackSuccessful'
          ? 0
          : report.status === 'Successful'
            ? before
            : Math.max(0, before - (seen.InstancesToUpdate ?? before));
      const reason = seen.RollbackDetails?.RollbackReason ?? seen.StatusReason;
      if (reason) report.reason = reason;
    }
    const failed = reports.filter((r) => r.status !== 'Successful');
    const overall = failed.length === 0 ? 'Successful' : failed[0]!.status;
    writeOutputs(overall);
    if (failed.length) {
      await summarize(ctx, ami, region, reports, undefined);
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
    let stragglers: Straggler[] = [];
    let unsteady: UnsteadyService[] = [];
    if (s.verify && s.cluster && cluster) {
      const all = !s['capacity-providers'] && !s['auto-scaling-groups'] && !s['launch-templates'];
      const groups = all
        ? []
        : await aws.describeGroups(
            asg,
            targets.map((t) => t.name),
          );
      const result = await aws.verifyFleet(ecs, {
        cluster: s.cluster,
        ami,
        scope: {
          all,
          capacityProviders: new Set(targets.map((t) => t.capacityProvider ?? '').filter(Boolean)),
          instanceIds: new Set(groups.flatMap((g) => (g.Instances ?? []).map((i) => i.InstanceId ?? ''))),
        },
        ...(s.services ? { services: s.services } : {}),
        timeoutMs: s['verify-timeout'],
        maxIntervalMs: Math.min(s['poll-interval'], 15_000),
        signal: ctx.signal,
        log: ctx.log,
      });
      stragglers = result.stragglers;
      unsteady = result.unsteady;
      ctx.setOutput('stragglers', JSON.stringify(stragglers));
      await summarize(ctx, ami, region, reports, result);
      if (!result.ok) {
        const parts: string[] = [];
        if (stragglers.length) {
          parts.push(
            `${stragglers.length} container instances of ${s.cluster} still run another AMI: ${stragglers
              .map(
                (x) =>
                  `${x.ec2InstanceId} (${x.amiId}${x.capacityProvider ? `, ${x.capacityProvider}` : ', in no capacity provider'})`,
              )
              .join(
                ', ',
              )}. Instances protected from scale-in are skipped with scale-in-protected-instances: Ignore; instances outside the refreshed groups are not replaced.`,
          );
        }
        if (unsteady.length) {
          parts.push(
            `Services not steady: ${unsteady.map((u) => `${u.name} (${u.runningCount}/${u.desiredCount} running${u.deployments > 1 ? `, ${u.deployments} deployments` : ''}${u.lastEvent ? `; last event: ${u.lastEvent}` : ''})`).join(', ')}.`,
          );
        }
        throw new UserError(
          `The refreshes succeeded but the cluster is not all on ${ami} after ${Math.round(s['verify-timeout'] / 1000)}s: ${parts.join(' ')}`,
        );
      }
      ctx.log.info(
        `Every container instance in scope of ${s.cluster} reports ${ami}, and its services are steady.`,
      );
    } else {
      await summarize(ctx, ami, region, reports, undefined);
    }
  },
});
