/** CloudWatch Logs (awsJson1_1): GetLogEvents for the log streams of the simulator's stopped tasks. */
import { AwsError } from '../errors.js';
import type { JsonService } from '../server.js';
import { bool, int, str, struct } from '../shapes.js';
import { knownTasks } from './ecs-services.js';

export const logsService: JsonService = {
  protocol: 'awsJson1_1',
  name: 'logs',
  iamPrefix: 'logs',
  targetPrefix: 'Logs_20140328',
  operations: {
    GetLogEvents: {
      input: struct(
        {
          logGroupName: str({ min: 1, max: 512 }),
          logGroupIdentifier: str(),
          logStreamName: str({ min: 1, max: 512 }),
          limit: int({ min: 1, max: 10000 }),
          startFromHead: bool,
          nextToken: str(),
          startTime: int(),
          endTime: int(),
        },
        ['logStreamName'],
      ),
      handler(input, ctx) {
        const group = input['logGroupName'] ?? input['logGroupIdentifier'];
        const stream = knownTasks(ctx.sim, ctx.region, ctx.now)
          .flatMap((t) => t.logs)
          .find((l) => l.group === group && l.stream === input['logStreamName']);
        if (!stream)
          throw new AwsError('ResourceNotFoundException', 'The specified log stream does not exist.');
        const limit = (input['limit'] as number | undefined) ?? 10000;
        const events = stream.lines.map((message, i) => ({
          timestamp: stream.at + i,
          message,
          ingestionTime: stream.at + i + 100,
        }));
        const page = input['startFromHead'] === true ? events.slice(0, limit) : events.slice(-limit);
        return { events: page, nextForwardToken: 'f/end', nextBackwardToken: 'b/start' };
      },
    },
  },
};
