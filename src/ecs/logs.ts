/** The last lines a task's container wrote to CloudWatch Logs (awslogs driver), for failure reports. */
import { type CloudWatchLogsClient, GetLogEventsCommand } from '@aws-sdk/client-cloudwatch-logs';
import type { ContainerDefinition } from '@aws-sdk/client-ecs';
import { unreadable } from '../aws/errors.js';

export async function lastLogLines(
  logs: Pick<CloudWatchLogsClient, 'send'>,
  container: ContainerDefinition | undefined,
  taskArn: string,
  limit = 10,
): Promise<{ where: string; lines: string[] } | undefined> {
  const opts =
    container?.logConfiguration?.logDriver === 'awslogs' ? container.logConfiguration.options : undefined;
  const group = opts?.['awslogs-group'];
  if (!container?.name || !group) return undefined;
  const id = taskArn.split('/').pop() ?? '';
  const stream = opts['awslogs-stream-prefix']
    ? `${opts['awslogs-stream-prefix']}/${container.name}/${id}`
    : id;
  try {
    const out = await logs.send(
      new GetLogEventsCommand({ logGroupName: group, logStreamName: stream, limit, startFromHead: false }),
    );
    return { where: `${group} ${stream}`, lines: (out.events ?? []).map((e) => e.message?.trimEnd() ?? '') };
  } catch (error) {
    return { where: `${group} ${stream}`, lines: [unreadable('the log stream', error)] };
  }
}
