/**
 * service: the cluster and the service exist, and what the deploy will leave the service with fits this
 * task definition — load balancer target groups forward to one of its containers and ports with a target
 * type its network mode allows, the subnets and security groups exist in one VPC (the target groups'
 * too), the capacity providers are the cluster's, the Fargate platform version is one Fargate offers.
 * Also the revision the service runs now, for the diff. One call per resource kind: DescribeTargetGroups
 * with every ARN (one missing fails that call, so then each is asked alone), DescribeSubnets and
 * DescribeSecurityGroups by filter (missing IDs are just not returned).
 */
import {
  type Cluster,
  DescribeClustersCommand,
  DescribeServicesCommand,
  DescribeTaskDefinitionCommand,
  type LoadBalancer,
  type Service,
  type TaskDefinition,
} from '@aws-sdk/client-ecs';
import type { TargetGroup } from '@aws-sdk/client-elastic-load-balancing-v2';
import { type CheckContext, errorName } from './context.js';

type Json = Record<string, unknown>;

/** What Fargate offers (AWS Fargate platform versions: Linux 1.4.0 and 1.3.0, Windows 1.0.0; LATEST on both). */
const FARGATE_PLATFORMS = { linux: ['LATEST', '1.4.0', '1.3.0'], windows: ['LATEST', '1.0.0'] };

function describeCluster(ctx: CheckContext): Promise<Cluster | null | undefined> {
  return ctx.read('service', `cluster ${ctx.plan.cluster}`, () =>
    ctx.lookups.once(`DescribeClusters ${ctx.plan.cluster}`, async () => {
      const out = await ctx.clients.ecs().send(new DescribeClustersCommand({ clusters: [ctx.plan.cluster] }));
      const cluster = out.clusters?.[0];
      return cluster && cluster.status !== 'INACTIVE' ? cluster : null;
    }),
  );
}

/** The service as it is now (null: there is none, or it is not active). */
export function describeService(ctx: CheckContext): Promise<Service | null | undefined> {
  const service = ctx.plan.service!;
  return ctx.read('service', `service ${service}`, () =>
    ctx.lookups.once(`DescribeServices ${ctx.plan.cluster}/${service}`, async () => {
      try {
        const out = await ctx.clients
          .ecs()
          .send(new DescribeServicesCommand({ cluster: ctx.plan.cluster, services: [service] }));
        const found = out.services?.[0];
        return found && found.status === 'ACTIVE' ? found : null;
      } catch (error) {
        if (errorName(error) === 'ClusterNotFoundException') return null;
        throw error;
      }
    }),
  );
}

/** The revision the service runs now, for the diff. */
export function currentRevision(ctx: CheckContext, arn: string): Promise<TaskDefinition | undefined> {
  return ctx.read('service', `task definition ${arn}`, () =>
    ctx.lookups.once(`DescribeTaskDefinition ${arn}`, async () => {
      const out = await ctx.clients.ecs().send(new DescribeTaskDefinitionCommand({ taskDefinition: arn }));
      return out.taskDefinition!;
    }),
  );
}

async function targetGroups(
  ctx: CheckContext,
  arns: string[],
): Promise<Map<string, TargetGroup | null> | undefined> {
  const ask = async (list: string[]) => {
    const { DescribeTargetGroupsCommand } = await import('@aws-sdk/client-elastic-load-balancing-v2');
    return (await ctx.clients.elbv2()).send(new DescribeTargetGroupsCommand({ TargetGroupArns: list }));
  };
  return ctx.read('service', 'target groups', () =>
    ctx.lookups.once(`DescribeTargetGroups ${arns.join(',')}`, async () => {
      const out = new Map<string, TargetGroup | null>();
      try {
        for (const g of (await ask(arns)).TargetGroups ?? [])
          if (g.TargetGroupArn) out.set(g.TargetGroupArn, g);
      } catch (error) {
        if (errorName(error) !== 'TargetGroupNotFoundException' && errorName(error) !== 'TargetGroupNotFound')
          throw error;
        // One missing ARN fails the whole call: ask for each to learn which.
        await Promise.all(
          arns.map(async (arn) => {
            try {
              out.set(arn, (await ask([arn])).TargetGroups?.[0] ?? null);
            } catch (e) {
              if (errorName(e) !== 'TargetGroupNotFoundException' && errorName(e) !== 'TargetGroupNotFound')
                throw e;
              out.set(arn, null);
            }
          }),
        );
      }
      for (const arn of arns) if (!out.has(arn)) out.set(arn, null);
      return out;
    }),
  );
}

const containersOf = (d: Json) =>
  Array.isArray(d['containerDefinitions']) ? (d['containerDefinitions'] as Json[]) : [];

function checkTargets(
  ctx: CheckContext,
  lbs: LoadBalancer[],
  groups: Map<string, TargetGroup | null>,
  vpcs: Set<string>,
): void {
  const mode = ctx.definition['networkMode'] ?? 'bridge';
  lbs.forEach((lb) => {
    if (!lb.targetGroupArn) return;
    const group = groups.get(lb.targetGroupArn);
    const name = lb.targetGroupArn.split('/')[1] ?? lb.targetGroupArn;
    if (group === null) {
      ctx.find(
        'target-group',
        '',
        `The service's load balancer target group ${lb.targetGroupArn} does not exist in ${ctx.region}.`,
      );
      return;
    }
    const index = containersOf(ctx.definition).findIndex((c) => c['name'] === lb.containerName);
    if (index < 0) {
      ctx.find(
        'target-group',
        '/containerDefinitions',
        `Target group ${name} forwards to container ${lb.containerName}, which this task definition does not have (containers: ${containersOf(
          ctx.definition,
        )
          .map((c) => String(c['name']))
          .join(', ')}). ECS would refuse the update.`,
      );
      return;
    }
    const container = containersOf(ctx.definition)[index]!;
    const ports = (Array.isArray(container['portMappings']) ? (container['portMappings'] as Json[]) : []).map(
      (p) => Number(p['containerPort']),
    );
    const at = `/containerDefinitions/${index}/portMappings`;
    if (!ports.includes(Number(lb.containerPort))) {
      ctx.find(
        'target-group',
        at,
        `Target group ${name} forwards to port ${lb.containerPort} of ${lb.containerName}, but that container maps ${ports.length ? `port ${ports.join(', ')}` : 'no ports'}: ECS would refuse the update ("The container ${lb.containerName} does not have a container port ${lb.containerPort} defined"). Map ${lb.containerPort} or point the load balancer at ${ports[0] ?? 'the right port'}.`,
      );
    }
    if (!group) return;
    if (mode === 'awsvpc' && group.TargetType === 'instance')
      ctx.find(
        'target-group',
        '/networkMode',
        `Target group ${name} has target type instance, which the awsvpc network mode cannot use: tasks register by IP. Use a target group of type ip.`,
      );
    if (mode !== 'awsvpc' && group.TargetType === 'ip')
      ctx.find(
        'target-group',
        '/networkMode',
        `Target group ${name} has target type ip, which only the awsvpc network mode can use (this task definition is ${String(mode)}).`,
      );
    const health = group.HealthCheckPort;
    if (health && health !== 'traffic-port' && !ports.includes(Number(health)))
      ctx.find(
        'target-group',
        at,
        `Target group ${name} checks health on port ${health}, which ${lb.containerName} does not map (it maps ${ports.join(', ') || 'none'}): targets would never turn healthy. Use the traffic port, or map ${health}.`,
        'warning',
      );
    if (group.VpcId) vpcs.add(group.VpcId);
  });
}

async function checkNetwork(ctx: CheckContext, service: Service, vpcs: Set<string>): Promise<void> {
  const config = service.networkConfiguration?.awsvpcConfiguration;
  if (!config) return;
  const subnets = config.subnets ?? [];
  const groups = config.securityGroups ?? [];
  // Filters, not IDs: a missing ID is then just not returned (by ID, one missing fails the call).
  const ec2 = async () => ({ sdk: await import('@aws-sdk/client-ec2'), client: await ctx.clients.ec2() });
  const [foundSubnets, foundGroups] = await Promise.all([
    subnets.length
      ? ctx.read('service', 'subnets', () =>
          ctx.lookups.once(`DescribeSubnets ${subnets.join(',')}`, async () => {
            const { sdk, client } = await ec2();
            const filter = { Filters: [{ Name: 'subnet-id', Values: subnets }] };
            return (await client.send(new sdk.DescribeSubnetsCommand(filter))).Subnets ?? [];
          }),
        )
      : [],
    groups.length
      ? ctx.read('service', 'security groups', () =>
          ctx.lookups.once(`DescribeSecurityGroups ${groups.join(',')}`, async () => {
            const { sdk, client } = await ec2();
            const filter = { Filters: [{ Name: 'group-id', Values: groups }] };
            return (await client.send(new sdk.DescribeSecurityGroupsCommand(filter))).SecurityGroups ?? [];
          }),
        )
      : [],
  ]);
  const problems: string[] = [];
  const vpcOf = new Map<string, string>();
  if (foundSubnets) {
    const missing = subnets.filter((id) => !foundSubnets.some((s) => s.SubnetId === id));
    if (missing.length) problems.push(`subnet ${missing.join(', ')} does not exist`);
    for (const s of foundSubnets) if (s.VpcId) vpcOf.set(s.SubnetId!, s.VpcId);
  }
  if (foundGroups) {
    const missing = groups.filter((id) => !foundGroups.some((g) => g.GroupId === id));
    if (missing.length) problems.push(`security group ${missing.join(', ')} does not exist`);
    for (const g of foundGroups) if (g.VpcId) vpcOf.set(g.GroupId!, g.VpcId);
  }
  const all = new Set([...vpcOf.values(), ...vpcs]);
  if (all.size > 1) {
    const by = [...all].map(
      (vpc) =>
        `${vpc}: ${
          [...vpcOf]
            .filter(([, v]) => v === vpc)
            .map(([id]) => id)
            .join(', ') || 'the target groups'
        }`,
    );
    problems.push(
      `they are in ${all.size} VPCs (${by.join('; ')}), and a task's ENI, its security groups and its target groups must share one`,
    );
  }
  if (problems.length)
    ctx.find(
      'network',
      '/networkMode',
      `The service's network configuration does not hold: ${problems.join('; ')}. Tasks would fail to start.`,
    );
}

export async function checkService(ctx: CheckContext): Promise<void> {
  const [cluster, service] = await Promise.all([describeCluster(ctx), describeService(ctx)]);
  if (cluster === null) {
    ctx.find(
      'service-not-found',
      '',
      `The cluster ${ctx.plan.cluster} does not exist in ${ctx.region} (or is inactive).`,
    );
    return;
  }
  if (service === null) {
    ctx.find(
      'service-not-found',
      '',
      `The service ${ctx.plan.service} does not exist in cluster ${ctx.plan.cluster} (${ctx.region}), or is not active: the deploy would fail.`,
    );
    return;
  }
  if (!service) return;
  const update = ctx.plan.update;
  const lbs = update.loadBalancers ?? service.loadBalancers ?? [];
  const vpcs = new Set<string>();
  const arns = [...new Set(lbs.map((l) => l.targetGroupArn).filter((a): a is string => !!a))];
  const groups = arns.length ? await targetGroups(ctx, arns) : new Map<string, TargetGroup | null>();
  if (groups) checkTargets(ctx, lbs, groups, vpcs);
  await checkNetwork(ctx, service, vpcs);

  const strategy = update.capacityProviderStrategy ?? service.capacityProviderStrategy ?? [];
  if (cluster) {
    const associated = cluster.capacityProviders ?? [];
    for (const item of strategy) {
      if (item.capacityProvider && !associated.includes(item.capacityProvider))
        ctx.find(
          'capacity-provider',
          '',
          `The capacity provider ${item.capacityProvider} is not associated with cluster ${ctx.plan.cluster} (it has ${associated.join(', ') || 'none'}): ECS would refuse the update. Associate it (PutClusterCapacityProviders) or change the strategy.`,
        );
    }
  }
  const onFargate =
    service.launchType === 'FARGATE' ||
    strategy.some((s) => /^FARGATE(_SPOT)?$/.test(s.capacityProvider ?? ''));
  if (onFargate && service.platformVersion) {
    const family = String(
      (ctx.definition['runtimePlatform'] as Json | undefined)?.['operatingSystemFamily'] ?? 'LINUX',
    );
    const os = family.startsWith('WINDOWS') ? 'windows' : 'linux';
    if (!FARGATE_PLATFORMS[os].includes(service.platformVersion))
      ctx.find(
        'platform-version',
        '/runtimePlatform',
        `The service runs on Fargate platform version ${service.platformVersion}, which Fargate does not offer for ${os === 'windows' ? 'Windows' : 'Linux'} (it offers ${FARGATE_PLATFORMS[os].join(', ')}). Update the service to LATEST.`,
      );
  }
}
