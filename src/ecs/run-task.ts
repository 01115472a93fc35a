/** One-off tasks (migrations and the like): run them, wait until they stop, judge their exit codes. */
import type { CloudWatchLogsClient } from '@aws-sdk/client-cloudwatch-logs';
import {
  type ContainerDefinition,
  DescribeTaskDefinitionCommand,
  DescribeTasksCommand,
  type ECSClient,
  RunTaskCommand,
  type RunTaskCommandInput,
  type Task,
} from '@aws-sdk/client-ecs';
import { type Clock, type Observation, poll } from '../aws/poller.js';
import type { Logger } from '../log.js';
import { lastLogLines } from './logs.js';

type Ecs = Pick<ECSClient, 'send'>;

export async function runTasks(client: Ecs, input: RunTaskCommandInput): Promise<string[]> {
  const out = await client.send(new RunTaskCommand(input));
  if (out.failures?.length) {
    throw new Error(
      `ECS could not start every task: ${out.failures.map((f) => `${f.arn ?? ''} ${f.reason ?? ''} ${f.detail ?? ''}`.trim()).join('; ')}`,
    );
  }
  return (out.tasks ?? []).map((t) => t.taskArn!);
}

export async function waitForTasks(
  client: Ecs,
  cluster: string,
  taskArns: string[],
  options: { timeoutMs: number; signal?: AbortSignal; clock?: Clock; log?: Logger },
): Promise<Task[]> {
  const result = await poll<Task[]>({
    what: taskArns.length === 1 ? 'task' : `${taskArns.length} tasks`,
    timeoutMs: options.timeoutMs,
    initialIntervalMs: 2000,
    maxIntervalMs: 10_000,
    backoff: 1.5,
    jitter: 0.1,
    ...(options.signal ? { signal: options.signal } : {}),
    ...(options.clock ? { clock: options.clock } : {}),
    ...(options.log ? { log: options.log } : {}),
    check: async (): Promise<Observation<Task[]>> => {
      const { tasks } = await client.send(new DescribeTasksCommand({ cluster, tasks: taskArns }));
      const all = tasks ?? [];
      if (all.length === taskArns.length && all.every((t) => t.lastStatus === 'STOPPED'))
        return { done: true, value: all };
      const states = [...new Set(all.map((t) => t.lastStatus ?? '?'))].join(', ');
      return { done: false, state: states };
    },
  });
  return result.value;
}

export interface Verdict {
  ok: boolean;
  exitCodes: Record<string, Record<string, number | null>>;
  problems: string[];
}

/** A task fails when one of its essential containers exits non-zero (or without an exit code). */
export async function judgeTasks(
  client: Ecs,
  logs: () => Pick<CloudWatchLogsClient, 'send'>,
  tasks: Task[],
): Promise<Verdict> {
  const exitCodes: Verdict['exitCodes'] = {};
  const problems: string[] = [];
  const definitions = new Map<string, ContainerDefinition[]>();
  for (const task of tasks) {
    const arn = task.taskArn!;
    exitCodes[arn] = Object.fromEntries(
      (task.containers ?? []).map((c) => [c.name ?? '?', c.exitCode ?? null]),
    );
    const tdArn = task.taskDefinitionArn!;
    if (!definitions.has(tdArn)) {
      const out = await client.send(new DescribeTaskDefinitionCommand({ taskDefinition: tdArn }));
      definitions.set(tdArn, out.taskDefinition?.containerDefinitions ?? []);
    }
    const containerDefinitions = definitions.get(tdArn)!;
    for (const c of task.containers ?? []) {
      const def = containerDefinitions.find((d) => d.name === c.name);
      if (def?.essential === false || c.exitCode === 0) continue;
      const id = arn.split('/').pop();
      problems.push(
        `task ${id}: container ${c.name} exited ${c.exitCode ?? 'without an exit code'}${c.reason ? ` — ${c.reason}` : ''} (${task.stoppedReason ?? 'stopped'})`,
      );
      const log = await lastLogLines(logs(), def, arn);
      if (log?.lines.length)
        problems.push(`  last log lines (${log.where}):`, ...log.lines.map((l) => `    ${l}`));
    }
  }
  return { ok: problems.length === 0, exitCodes, problems };
}
