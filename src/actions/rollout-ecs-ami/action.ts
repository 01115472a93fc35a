/**
 * rollout-ecs-ami: the shell. It reads the inputs, asks the core for a plan (every check that needs no
 * AWS call), runs it with EC2, Auto Scaling and ECS clients made for the region, and maps the report —
 * filled in as the run goes, so a failure still tells what changed — to outputs and the job summary.
 */
import type * as core from '@actions/core';
import { AMI_ID_ACCEPTED } from '../../aws/identifiers.js';
import { defineAction } from '../../github/action.js';
import { boolean, cluster, duration, integer, list, oneOf, parsed, region } from '../../github/inputs.js';
import { parseAmi, planRollout } from '../../rollout/plan.js';
// Types only: the run (and the SDK with it) loads in ./aws.js, after the inputs are checked.
import type { RolloutReport } from '../../rollout/run.js';
import type * as AwsModule from './aws.js';

const NAME = 'rollout-ecs-ami';
type Summary = typeof core.summary;

const PERCENT = (raw: string) =>
  /^\d{1,3}$/.test(raw) && Number(raw) >= 1 && Number(raw) <= 100
    ? Number(raw)
    : { problem: 'expected a whole percentage from 1 to 100' };
const ALARM = /^[^\s].{0,253}[^\s]$|^[^\s]$/;

export const inputs = {
  ami: parsed(parseAmi, {
    required: true,
    accepted: `${AMI_ID_ACCEPTED}, or image-pipeline's 'amis' output to take this region's AMI from`,
  }),
  cluster: cluster(),
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

export const outputs = [
  'launch-template-versions',
  'instance-refresh-ids',
  'status',
  'instances-replaced',
  'groups',
  'stragglers',
  'ami-id',
] as const;

type Output = (typeof outputs)[number];

/** The report as outputs: every one that is known, also after a failure. */
export function outputsOf(r: RolloutReport): Partial<Record<Output, string>> {
  const out: Partial<Record<Output, string>> = {};
  if (r.ami) out['ami-id'] = r.ami;
  if (r.templates) out['launch-template-versions'] = JSON.stringify(r.templates);
  if (r.groups) {
    out['instance-refresh-ids'] = JSON.stringify(
      Object.fromEntries(r.groups.filter((g) => g.refreshId).map((g) => [g.group, g.refreshId])),
    );
    out['groups'] = JSON.stringify(r.groups);
    out['instances-replaced'] = String(r.groups.reduce((n, g) => n + g.instancesReplaced, 0));
  }
  if (r.status) out['status'] = r.status;
  if (r.verified) out['stragglers'] = JSON.stringify(r.verified.stragglers);
  return out;
}

async function writeSummary(summary: Summary, r: RolloutReport): Promise<void> {
  if (!r.ami || !r.groups) return;
  const s = summary.addHeading(`AMI rollout: ${r.ami} (${r.region})`, 3).addTable([
    [
      { data: 'Group', header: true },
      { data: 'Launch template', header: true },
      { data: 'Version', header: true },
      { data: 'Refresh', header: true },
      { data: 'Status', header: true },
      { data: 'Replaced', header: true },
      { data: 'Reason', header: true },
    ],
    ...r.groups.map((g) => [
      g.capacityProvider ? `${g.group} (${g.capacityProvider})` : g.group,
      g.launchTemplate,
      g.fromVersion === g.toVersion ? String(g.toVersion) : `${g.fromVersion} → ${g.toVersion}`,
      g.refreshId ?? '',
      g.percentage !== undefined && g.status !== 'Successful' ? `${g.status} (${g.percentage}%)` : g.status,
      String(g.instancesReplaced),
      g.reason ?? (g.newInstances === 'previous-ami' ? 'new instances still launch the previous AMI' : ''),
    ]),
  ]);
  if (r.leftOut.length) s.addRaw(`Left out: ${r.leftOut.join('; ')}.`, true);
  const v = r.verified;
  if (v) {
    s.addRaw(
      v.ok
        ? `Every container instance reports ${r.ami}; the services on it are steady.`
        : `Not on ${r.ami}: ${v.stragglers.map((x) => x.ec2InstanceId).join(', ') || 'none'}. Not steady: ${v.unsteady.map((u) => u.name).join(', ') || 'none'}.`,
      true,
    );
  }
  await s.write();
}

export default defineAction({
  name: NAME,
  inputs,
  outputs,

  async main(ctx) {
    const plan = planRollout(ctx.settings, ctx.env, ctx.log);
    const aws: typeof AwsModule = await import('./aws.js');
    const region = aws.resolveRegion(plan.region, ctx.env);
    const options = { region, action: NAME, env: ctx.env };
    const report = aws.newRolloutReport(region);
    try {
      await aws.runRollout(
        plan,
        {
          clients: {
            ecs: aws.createClient(aws.ECSClient, options),
            asg: aws.createClient(aws.AutoScalingClient, options),
            ec2: aws.createClient(aws.EC2Client, options),
          },
          region,
          log: ctx.log,
          signal: ctx.signal,
        },
        report,
      );
    } finally {
      ctx.setOutputs(outputsOf(report));
      await writeSummary(ctx.summary, report);
    }
  },
});
