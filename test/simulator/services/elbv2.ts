/**
 * Elastic Load Balancing v2 (awsQuery, 2015-12-01), as far as ecs-shipyard reads it: target groups.
 * Seeded from the scenario; load balancers exist only as the ARNs target groups name.
 *
 * DescribeTargetGroups keeps AWS's inconvenient part: when any target group named by ARN or name does not
 * exist, the whole call fails with TargetGroupNotFound ("One or more target groups not found"), the
 * others are not returned.
 */
import { createHash } from 'node:crypto';
import { AwsError } from '../errors.js';
import { DEFAULT_ACCOUNT } from '../scenario.js';
import type { QueryService, Simulator } from '../server.js';
import { int, list, str, struct } from '../shapes.js';

interface TargetGroup {
  arn: string;
  name: string;
  region: string;
  protocol?: string;
  port?: number;
  vpcId?: string;
  targetType: string;
  healthCheckPort: string;
  healthCheckPath?: string;
  loadBalancerArns: string[];
}

const hex = (seed: string, n: number) => createHash('sha256').update(seed).digest('hex').slice(0, n);

function arnOf(region: string, account: string, name: string): string {
  return `arn:aws:elasticloadbalancing:${region}:${account}:targetgroup/${name}/${hex(`${region}/${account}/${name}`, 16)}`;
}

export function elbv2State(sim: Simulator): { targetGroups: TargetGroup[] } {
  let state = sim.state.get('elbv2') as { targetGroups: TargetGroup[] } | undefined;
  if (state) return state;
  const account = sim.scenario.account ?? DEFAULT_ACCOUNT;
  state = {
    targetGroups: (sim.scenario.elbv2?.targetGroups ?? []).map((t) => {
      const region = t.region ?? 'us-east-1';
      const targetType = t.targetType ?? 'instance';
      const lambda = targetType === 'lambda';
      const protocol = lambda ? undefined : (t.protocol ?? 'HTTP');
      const http = protocol === 'HTTP' || protocol === 'HTTPS' || lambda;
      return {
        arn: arnOf(region, account, t.name),
        name: t.name,
        region,
        ...(protocol ? { protocol } : {}),
        ...(lambda ? {} : { port: t.port ?? 80, vpcId: t.vpcId ?? `vpc-${hex(`${region}/vpc`, 17)}` }),
        targetType,
        healthCheckPort: t.healthCheckPort ?? 'traffic-port',
        ...(http ? { healthCheckPath: t.healthCheckPath ?? '/' } : {}),
        loadBalancerArns: t.loadBalancerArns ?? [],
      };
    }),
  };
  sim.state.set('elbv2', state);
  return state;
}

/** The ARN of a seeded target group (the suffix is derived from region, account and name). */
export function targetGroupArn(sim: Simulator, name: string, region = 'us-east-1'): string {
  const tg = elbv2State(sim).targetGroups.find((t) => t.name === name && t.region === region);
  if (!tg) throw new Error(`no target group ${name} in ${region}`);
  return tg.arn;
}

/** A target group as DescribeTargetGroups answers it, with the defaults CreateTargetGroup gives. */
function describeTargetGroup(t: TargetGroup) {
  const lambda = t.targetType === 'lambda';
  const http = t.healthCheckPath !== undefined;
  return {
    TargetGroupArn: t.arn,
    TargetGroupName: t.name,
    Protocol: t.protocol,
    Port: t.port,
    VpcId: t.vpcId,
    HealthCheckProtocol: lambda ? undefined : t.protocol === 'HTTPS' ? 'HTTPS' : http ? 'HTTP' : 'TCP',
    HealthCheckPort: lambda ? undefined : t.healthCheckPort,
    HealthCheckEnabled: !lambda,
    HealthCheckIntervalSeconds: lambda ? 35 : 30,
    HealthCheckTimeoutSeconds: lambda ? 30 : http ? 5 : 10,
    HealthyThresholdCount: 5,
    UnhealthyThresholdCount: 2,
    HealthCheckPath: t.healthCheckPath,
    Matcher: http ? { HttpCode: '200' } : undefined,
    LoadBalancerArns: t.loadBalancerArns,
    TargetType: t.targetType,
    ProtocolVersion: t.protocol === 'HTTP' || t.protocol === 'HTTPS' ? 'HTTP1' : undefined,
    IpAddressType: lambda ? undefined : 'ipv4',
  };
}

const NOT_FOUND = () => new AwsError('TargetGroupNotFound', 'One or more target groups not found', 400);

export const elbv2Service: QueryService = {
  protocol: 'query',
  style: 'awsQuery',
  name: 'elasticloadbalancing',
  iamPrefix: 'elasticloadbalancing',
  signingName: 'elasticloadbalancing',
  xmlns: 'http://elasticloadbalancing.amazonaws.com/doc/2015-12-01/',
  throttle: { type: 'Throttling', status: 400 },
  operations: {
    DescribeTargetGroups: {
      // From the 2015-12-01 model: PageSize 1–400; the lists are `TargetGroupArns.member.N`, `Names.member.N`.
      input: struct({
        LoadBalancerArn: str(),
        TargetGroupArns: list(str()),
        Names: list(str()),
        Marker: str(),
        PageSize: int({ min: 1, max: 400 }),
      }),
      handler(input, ctx) {
        const all = elbv2State(ctx.sim).targetGroups.filter((t) => t.region === ctx.region);
        const lb = input['LoadBalancerArn'] as string | undefined;
        const arns = input['TargetGroupArns'] as string[] | undefined;
        const names = input['Names'] as string[] | undefined;
        if (lb !== undefined && !all.some((t) => t.loadBalancerArns.includes(lb)))
          throw new AwsError('LoadBalancerNotFound', 'One or more load balancers not found', 400);
        if (arns?.some((a) => !all.some((t) => t.arn === a))) throw NOT_FOUND();
        if (names?.some((n) => !all.some((t) => t.name === n))) throw NOT_FOUND();
        const selected = all.filter(
          (t) =>
            (lb === undefined || t.loadBalancerArns.includes(lb)) &&
            (!arns || arns.includes(t.arn)) &&
            (!names || names.includes(t.name)),
        );
        const marker = input['Marker'] as string | undefined;
        const from = marker ? Number(Buffer.from(marker, 'base64').toString('utf8')) : 0;
        if (!Number.isInteger(from) || from < 0)
          throw new AwsError('ValidationError', 'The marker is not valid', 400);
        // Query inputs arrive as text; the shape has checked that PageSize is an integer in range.
        const size = input['PageSize'] === undefined ? 400 : Number(input['PageSize']);
        const to = from + size;
        return {
          TargetGroups: selected.slice(from, to).map(describeTargetGroup),
          NextMarker: to < selected.length ? Buffer.from(String(to)).toString('base64') : undefined,
        };
      },
    },
  },
};
