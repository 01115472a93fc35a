/**
 * run-task: one-off tasks such as database migrations — run them, wait until they stop, and fail when an
 * essential container exits non-zero, with its reason and last log lines.
 */
import { PollCancelledError, PollTimeoutError } from '../../aws/poller.js';
import { UserError } from '../../errors.js';
import { defineAction } from '../../github/action.js';
import {
  boolean,
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
import { loadTaskDefinitionInput } from '../../taskdef/source.js';
import { parseCommandInput } from '../../taskdef/words.js';

const NAME = 'run-task';
const TD_REF =
  /^([A-Za-z0-9_-]{1,255}(:\d+)?|arn:aws[a-z-]*:ecs:[a-z0-9-]+:\d{12}:task-definition\/[A-Za-z0-9_-]{1,255}:\d+)$/;

export const inputs = {
  'task-definition': text({
    required: true,
    accepted: 'a task definition file, family[:revision] or task definition ARN',
  }),
  cluster: text({ default: 'default', pattern: /^[A-Za-z0-9_-]{1,255}$/, accepted: 'a cluster name' }),
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

export default defineAction({
  name: NAME,
  inputs,
  outputs: ['task-arns', 'exit-codes'],

  async main(ctx) {
    const s = ctx.settings;
    if (s['launch-type'] && s['capacity-provider-strategy']) {
      throw new UserError(
        "Give input 'launch-type' or input 'capacity-provider-strategy', not both: ECS takes one or the other.",
      );
    }
    if ((s.command || s.environment) && !s.container) {
      throw new UserError(
        "Inputs 'command' and 'environment' override one container: name it with input 'container'.",
      );
    }
    let definition: Record<string, unknown> | undefined;
    if (!TD_REF.test(s['task-definition'])) {
      definition = await loadTaskDefinitionInput(
        s['task-definition'],
        'task-definition',
        ctx.env['GITHUB_WORKSPACE'] ?? process.cwd(),
        ctx.log,
      );
    }
    const aws = await import('./aws.js');
    const region = aws.resolveRegion(s.region, ctx.env);
    const options = { region, action: NAME, env: ctx.env };
    const ecs = aws.createClient(aws.ECSClient, options);
    const taskDefinition = definition
      ? (await aws.registerIfChanged(ecs, definition, { force: false, log: ctx.log })).arn
      : s['task-definition'];

    const taskArns = await aws.runTasks(ecs, {
      cluster: s.cluster,
      taskDefinition,
      count: s.count,
      startedBy: s['started-by'],
      ...(s['launch-type'] ? { launchType: s['launch-type'] } : {}),
      ...(s['capacity-provider-strategy']
        ? { capacityProviderStrategy: s['capacity-provider-strategy'] as never }
        : {}),
      ...(s.subnets.length || s['security-groups'].length
        ? {
            networkConfiguration: {
              awsvpcConfiguration: {
                subnets: s.subnets,
                securityGroups: s['security-groups'],
                assignPublicIp: s['assign-public-ip'] ? 'ENABLED' : 'DISABLED',
              },
            },
          }
        : {}),
      ...(s.container && (s.command || s.environment)
        ? {
            overrides: {
              containerOverrides: [
                {
                  name: s.container,
                  ...(s.command ? { command: s.command } : {}),
                  ...(s.environment
                    ? { environment: Object.entries(s.environment).map(([name, value]) => ({ name, value })) }
                    : {}),
                },
              ],
            },
          }
        : {}),
      ...(s.tags ? { tags: Object.entries(s.tags).map(([key, value]) => ({ key, value })) } : {}),
    });
    ctx.setOutput('task-arns', JSON.stringify(taskArns));
    ctx.log.info(`Started ${taskArns.join(', ')} from ${taskDefinition}.`);
    if (!s.wait) return;

    let tasks;
    try {
      tasks = await aws.waitForTasks(ecs, s.cluster, taskArns, {
        timeoutMs: s.timeout,
        signal: ctx.signal,
        log: ctx.log,
      });
    } catch (error) {
      if (error instanceof PollTimeoutError || error instanceof PollCancelledError) {
        throw new UserError(`${error.message} The task(s) go on running in ECS: ${taskArns.join(', ')}.`);
      }
      throw error;
    }
    const verdict = await aws.judgeTasks(
      ecs,
      () => aws.createClient(aws.CloudWatchLogsClient, options),
      tasks,
    );
    ctx.setOutput('exit-codes', JSON.stringify(verdict.exitCodes));
    await ctx.summary
      .addHeading(`One-off task${taskArns.length > 1 ? 's' : ''} ${verdict.ok ? 'succeeded' : 'failed'}`, 3)
      .addCodeBlock(verdict.ok ? JSON.stringify(verdict.exitCodes, null, 2) : verdict.problems.join('\n'))
      .write();
    if (!verdict.ok) {
      for (const p of verdict.problems) ctx.log.info(p);
      throw new UserError(`${verdict.problems[0]}. The log above has the last log lines.`);
    }
  },
});
