/**
 * CloudWatch Logs (awsJson1_1): GetLogEvents for the log streams of the simulator's stopped tasks, and
 * DescribeLogGroups over the scenario's log groups (`logs.groups`, in the caller's account).
 */
import { AwsError, invalidParameter } from '../errors.js';
import type { JsonService, RequestContext } from '../server.js';
import { bool, int, list, str, struct } from '../shapes.js';
import { knownTasks } from './ecs-services.js';

interface LogGroup {
  name: string;
  region: string;
  account: string;
  retentionInDays?: number;
  kmsKeyId?: string;
  creationTime: number;
}

function logGroups(ctx: RequestContext): LogGroup[] {
  const key = `logs/${ctx.account}`;
  let state = ctx.sim.state.get(key) as LogGroup[] | undefined;
  if (!state) {
    const created = ctx.sim.now() - 30 * 86_400_000;
    state = (ctx.sim.scenario.logs?.groups ?? []).map((g, i) => ({
      name: g.name,
      region: g.region ?? 'us-east-1',
      account: ctx.account,
      ...(g.retentionInDays !== undefined ? { retentionInDays: g.retentionInDays } : {}),
      ...(g.kmsKeyId ? { kmsKeyId: g.kmsKeyId } : {}),
      creationTime: created + i * 1000,
    }));
    ctx.sim.state.set(key, state);
  }
  return state;
}

const LOG_GROUP_NAME = str({ min: 1, max: 512, pattern: '[\\.\\-_/#A-Za-z0-9]+' });

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
    DescribeLogGroups: {
      input: struct({
        accountIdentifiers: list(str({ min: 12, max: 12, pattern: '^\\d{12}$' }), { min: 0, max: 20 }),
        logGroupNamePrefix: LOG_GROUP_NAME,
        logGroupNamePattern: str({ min: 0, max: 512, pattern: '[\\.\\-_/#A-Za-z0-9]*' }),
        nextToken: str({ min: 1 }),
        limit: int({ min: 1, max: 50 }),
        includeLinkedAccounts: bool,
        logGroupClass: str({ enum: ['STANDARD', 'INFREQUENT_ACCESS', 'DELIVERY'] }),
        logGroupIdentifiers: list(str({ min: 1, max: 2048, pattern: '[\\w#+=/:,.@-]*' }), {
          min: 1,
          max: 50,
        }),
      }),
      handler(input, ctx) {
        const prefix = input['logGroupNamePrefix'] as string | undefined;
        const pattern = input['logGroupNamePattern'] as string | undefined;
        const identifiers = input['logGroupIdentifiers'] as string[] | undefined;
        // "logGroupNamePrefix and logGroupNamePattern are mutually exclusive. Only one of these
        // parameters can be passed." (API reference); logGroupIdentifiers goes with neither.
        if (prefix !== undefined && pattern !== undefined) {
          throw invalidParameter(
            'LogGroupNamePrefix and LogGroupNamePattern are mutually exclusive. Only one of these parameters can be passed.',
          );
        }
        if (identifiers && (prefix !== undefined || pattern !== undefined)) {
          throw invalidParameter(
            'LogGroupIdentifiers is mutually exclusive with LogGroupNamePrefix and LogGroupNamePattern.',
          );
        }
        const arnOf = (g: LogGroup) => `arn:aws:logs:${g.region}:${g.account}:log-group:${g.name}`;
        // Identifiers are names, or (without the trailing :*) ARNs of groups in this account.
        const named = (g: LogGroup) =>
          identifiers!.some((id) => id === g.name || id === arnOf(g) || id === `${arnOf(g)}:*`);
        const cls = input['logGroupClass'] as string | undefined;
        const matching = logGroups(ctx)
          .filter((g) => g.region === ctx.region)
          .filter((g) => (prefix === undefined ? true : g.name.startsWith(prefix)))
          .filter((g) => (pattern === undefined ? true : g.name.includes(pattern)))
          .filter((g) => (identifiers ? named(g) : true))
          .filter(() => cls === undefined || cls === 'STANDARD')
          // "The results are ASCII-sorted by log group name."
          .sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
        let offset = 0;
        if (input['nextToken'] !== undefined) {
          offset = Number(Buffer.from(String(input['nextToken']), 'base64').toString('utf8'));
          if (!Number.isInteger(offset) || offset < 0)
            throw invalidParameter('The specified nextToken is invalid.');
        }
        const limit = (input['limit'] as number | undefined) ?? 50;
        const page = matching.slice(offset, offset + limit);
        return {
          logGroups: page.map((g) =>
            // "If you specify logGroupNamePattern in your request, then only arn, creationTime, and
            // logGroupName are included in the response." (API reference; aws/aws-sdk#608)
            pattern !== undefined
              ? { logGroupName: g.name, creationTime: g.creationTime, arn: `${arnOf(g)}:*` }
              : {
                  logGroupName: g.name,
                  creationTime: g.creationTime,
                  ...(g.retentionInDays !== undefined ? { retentionInDays: g.retentionInDays } : {}),
                  metricFilterCount: 0,
                  arn: `${arnOf(g)}:*`,
                  storedBytes: 0,
                  ...(g.kmsKeyId ? { kmsKeyId: g.kmsKeyId } : {}),
                  logGroupClass: 'STANDARD',
                  logGroupArn: arnOf(g),
                },
          ),
          ...(offset + limit < matching.length
            ? { nextToken: Buffer.from(String(offset + limit)).toString('base64') }
            : {}),
        };
      },
    },
  },
};
