/**
 * run-task's run: from the plan and injected clients to a report. A task definition file is registered
 * when it changed; a reference is read from ECS only when the overrides need its containers; then the
 * tasks are started, followed until they stop, and judged by the exit codes of their essential
 * containers. The report is filled in as things happen, so that a failure still says what was started.
 */
import type { CloudWatchLogsClient } from '@aws-sdk/client-cloudwatch-logs';
import { DescribeTaskDefinitionCommand, type ECSClient } from '@aws-sdk/client-ecs';
import { type Clock, PollCancelledError, PollTimeoutError } from '../aws/poller.js';
import { UserError } from '../errors.js';
import type { Logger } from '../log.js';
import { registerIfChanged } from './deploy.js';
import { judgeTasks, runTasks, type Verdict, waitForTasks } from './run-task.js';
import { overrideTarget, type RunTaskPlan } from './run-task-plan.js';

export interface RunTaskClients {
  ecs: Pick<ECSClient, 'send'>;
  logs: () => Pick<CloudWatchLogsClient, 'send'>;
}

export interface RunTaskDeps {
  clients: RunTaskClients;
  region: string;
  log: Logger;
  clock?: Clock;
  signal?: AbortSignal;
}

/** What run-task did and saw; filled in as it goes. */
export interface RunTaskReport {
  cluster: string;
  region?: string;
  /** The task definition the tasks run (the ARN when registered or read, else the reference given). */
  taskDefinition?: string;
  /** Whether a new revision was registered from the file. */
  registered?: boolean;
  /** The container the overrides went to. */
  container?: string;
  taskArns: string[];
  /** task ARN → container name → exit code, once the tasks stopped. */
  exitCodes?: Verdict['exitCodes'];
  /** The failed containers, their reasons and last log lines. */
  problems: string[];
  outcome?: 'started' | 'succeeded' | 'failed';
  /** Why it failed, in one paragraph (the step's error). */
  reason?: string;
}

export function newReport(cluster: string): RunTaskReport {
  return { cluster, taskArns: [], problems: [] };
}

export async function runRunTask(p: RunTaskPlan, deps: RunTaskDeps, report: RunTaskReport): Promise<void> {
  const { ecs } = deps.clients;
  const { log } = deps;
  report.region = deps.region;
  let taskDefinition = p.reference ?? '';
  if (p.definition) {
    const registration = await registerIfChanged(ecs, p.definition, { force: false, log });
    taskDefinition = registration.arn;
    report.registered = registration.registered;
  }
  report.taskDefinition = taskDefinition;
  let container = p.container;
  if (p.override && !container) {
    // Which container the overrides go to is known once the task definition is read.
    const out = await ecs.send(new DescribeTaskDefinitionCommand({ taskDefinition }));
    const names = (out.taskDefinition?.containerDefinitions ?? []).map((c) => c.name ?? '');
    taskDefinition = out.taskDefinition?.taskDefinitionArn ?? taskDefinition;
    report.taskDefinition = taskDefinition;
    container = overrideTarget(undefined, names, `the task definition ${taskDefinition}`);
  }
  if (container) report.container = container;

  const taskArns = await runTasks(ecs, {
    ...p.request,
    taskDefinition,
    ...(p.override && container
      ? { overrides: { containerOverrides: [{ name: container, ...p.override }] } }
      : {}),
  });
  report.taskArns = taskArns;
  report.outcome = 'started';
  log.info(`Started ${taskArns.join(', ')} from ${taskDefinition}.`);
  if (!p.wait) return;

  let tasks;
  try {
    tasks = await waitForTasks(ecs, p.cluster, taskArns, {
      timeoutMs: p.timeoutMs,
      log,
      ...(deps.signal ? { signal: deps.signal } : {}),
      ...(deps.clock ? { clock: deps.clock } : {}),
    });
  } catch (error) {
    if (error instanceof PollTimeoutError || error instanceof PollCancelledError) {
      throw new UserError(`${error.message} The task(s) go on running in ECS: ${taskArns.join(', ')}.`);
    }
    throw error;
  }
  const verdict = await judgeTasks(ecs, deps.clients.logs, tasks);
  report.exitCodes = verdict.exitCodes;
  report.problems = verdict.problems;
  if (verdict.ok) {
    report.outcome = 'succeeded';
    return;
  }
  report.outcome = 'failed';
  for (const line of verdict.problems) log.info(line);
  report.reason = `${verdict.problems[0]}. The log above has the last log lines.`;
  throw new UserError(report.reason);
}
