/**
 * run-task: one-off tasks such as database migrations — run them, wait until they stop, and fail when an
 * essential container exits non-zero, with its reason and last log lines. The shell: inputs, the plan
 * (every check before AWS is called), the run with clients made for this step, the report as outputs and
 * the job summary.
 */
import { explainError } from '../../aws/errors.js';
import { planRunTask } from '../../ecs/run-task-plan.js';
import type { RunTaskReport } from '../../ecs/run-task-run.js';
import { defineAction } from '../../github/action.js';
import {
  boolean,
  cluster,
  duration,
  integer,
  json,
  list,
  oneOf,
  pairs,
  parsed,
  region,
  text,
} from '../../github/inputs.js';
import { parseCommandInput } from '../../taskdef/words.js';
import type * as AwsModule from './aws.js';

const NAME = 'run-task';

export const inputs = {
  'task-definition': text({
    required: true,
    accepted: 'a task definition file, family[:revision] or task definition ARN',
  }),
  cluster: cluster({ default: 'default' }),
  'launch-type': oneOf(['FARGATE', 'EC2', 'EXTERNAL'], {}),
  'capacity-provider-strategy': json({ shape: 'array' }),
  subnets: list({
    item: (s: string) =>
      /^subnet-[0-9a-f]{8,17}$/.test(s)
        ? s
        : { problem: 'expected a subnet ID such as subnet-0123456789abcdef0' },
    default: '',
  }),
  'security-groups': list({
    item: (s: string) =>
      /^sg-[0-9a-f]{8,17}$/.test(s)
        ? s
        : { problem: 'expected a security group ID such as sg-0123456789abcdef0' },
    default: '',
  }),
  'assign-public-ip': boolean({ default: 'false' }),
  container: text({ pattern: /^[A-Za-z0-9_-]{1,255}$/, accepted: 'a container name' }),
  command: parsed(parseCommandInput, { accepted: 'a JSON array of strings, or shell words' }),
  environment: pairs({ key: /^[^=\s]+$/, keyAccepted: 'NAME' }),
  count: integer({ min: 1, max: 10, default: '1' }),
  'started-by': text({ default: 'ecs-shipyard', maxLength: 128, accepted: 'up to 128 characters' }),
  tags: pairs({ key: /^[^=\s]+$/, keyAccepted: 'key' }),
  wait: boolean({ default: 'true' }),
  timeout: duration({ default: '30m', min: '1s', max: '6h' }),
  region: region(),
};

export const outputs = ['task-arns', 'exit-codes'] as const;

/** The report as outputs: the tasks once started, their exit codes once they stopped. */
export function outputsOf(report: RunTaskReport): Partial<Record<(typeof outputs)[number], string>> {
  return {
    ...(report.taskArns.length ? { 'task-arns': JSON.stringify(report.taskArns) } : {}),
    ...(report.exitCodes ? { 'exit-codes': JSON.stringify(report.exitCodes) } : {}),
  };
}

export default defineAction({
  name: NAME,
  inputs,
  outputs,

  async main(ctx) {
    const plan = await planRunTask(ctx.settings, ctx.env, ctx.log);
    const aws: typeof AwsModule = await import('./aws.js');
    const region = aws.resolveRegion(plan.region, ctx.env);
    const options = { region, action: NAME, env: ctx.env };
    const report = aws.newReport(plan.cluster);
    try {
      await aws.runRunTask(
        plan,
        {
          clients: {
            ecs: aws.createClient(aws.ECSClient, options),
            logs: () => aws.createClient(aws.CloudWatchLogsClient, options),
          },
          region,
          log: ctx.log,
          signal: ctx.signal,
        },
        report,
      );
    } catch (error) {
      report.reason ??= explainError(error);
      throw error;
    } finally {
      ctx.setOutputs(outputsOf(report));
      if (report.exitCodes) {
        const ok = report.outcome === 'succeeded';
        await ctx.summary
          .addHeading(
            `One-off task${report.taskArns.length > 1 ? 's' : ''} ${ok ? 'succeeded' : 'failed'}`,
            3,
          )
          .addCodeBlock(ok ? JSON.stringify(report.exitCodes, null, 2) : report.problems.join('\n'))
          .write();
      }
    }
  },
});
