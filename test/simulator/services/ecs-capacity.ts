/**
 * ECS capacity: capacity providers over Auto Scaling groups, and the container instances of a cluster,
 * derived from the groups' instances at this moment (services/fleet.ts) so that an instance refresh
 * shows up in ECS as it goes — each instance's `ecs.ami-id` attribute is the AMI it runs.
 */
import { createHash } from 'node:crypto';
import { AwsError, invalidParameter } from '../errors.js';
import type { Operation, RequestContext } from '../server.js';
import { any, int, list, str, struct } from '../shapes.js';
import { findCluster, servicesState } from './ecs-services.js';
import { fleetState, groupInstances } from './fleet.js';

const FARGATE = ['FARGATE', 'FARGATE_SPOT'];

function providers(ctx: RequestContext) {
  return (ctx.sim.scenario.ecs?.capacityProviders ?? []).map((p) => {
    if (p.type === 'MANAGED_INSTANCES') {
      // Cluster-scoped, no Auto Scaling group: ECS launches the instances from a launch template of its own.
      const cluster = ctx.sim.scenario.ecs?.clusters?.find((c) => c.capacityProviders?.includes(p.name));
      return {
        capacityProviderArn: `arn:aws:ecs:${ctx.region}:${ctx.account}:capacity-provider/${p.name}`,
        name: p.name,
        ...(cluster ? { cluster: cluster.name } : {}),
        status: 'ACTIVE',
        type: 'MANAGED_INSTANCES',
        managedInstancesProvider: {
          infrastructureRoleArn: `arn:aws:iam::${ctx.account}:role/ecsInfrastructureRole`,
          instanceLaunchTemplate: {
            ec2InstanceProfileArn: `arn:aws:iam::${ctx.account}:instance-profile/ecsInstanceRole`,
            networkConfiguration: { subnets: ['subnet-0123456789abcdef0'] },
          },
          propagateTags: 'NONE',
        },
        tags: [],
      };
    }
    const group = fleetState(ctx.sim).groups.find(
      (g) => g.name === p.autoScalingGroup && g.region === ctx.region,
    );
    return {
      capacityProviderArn: `arn:aws:ecs:${ctx.region}:${ctx.account}:capacity-provider/${p.name}`,
      name: p.name,
      status: 'ACTIVE',
      type: 'EC2_AUTOSCALING',
      autoScalingGroupProvider: {
        autoScalingGroupArn:
          group?.arn ??
          `arn:aws:autoscaling:${ctx.region}:${ctx.account}:autoScalingGroup:00000000-0000-4000-8000-000000000000:autoScalingGroupName/${p.autoScalingGroup}`,
        managedScaling: {
          status: p.managedScaling ?? 'ENABLED',
          targetCapacity: 100,
          minimumScalingStepSize: 1,
          maximumScalingStepSize: 10000,
          instanceWarmupPeriod: 300,
        },
        managedTerminationProtection: p.managedTerminationProtection ?? 'DISABLED',
        managedDraining: p.managedDraining ?? 'ENABLED',
      },
      tags: [],
    };
  });
}

interface ContainerInstance {
  arn: string;
  ec2InstanceId: string;
  imageId: string;
  capacityProviderName?: string;
}

/** The cluster's container instances now: one per instance of each provider's group, and the standalone ones. */
function containerInstances(ctx: RequestContext, clusterName: string): ContainerInstance[] {
  const cluster = findCluster(ctx, clusterName);
  const state = fleetState(ctx.sim);
  const arn = (seed: string) =>
    `arn:aws:ecs:${ctx.region}:${ctx.account}:container-instance/${cluster.name}/${createHash('sha256').update(seed).digest('hex').slice(0, 32)}`;
  const out: ContainerInstance[] = [];
  for (const name of cluster.capacityProviders) {
    const provider = ctx.sim.scenario.ecs?.capacityProviders?.find((p) => p.name === name);
    const managed = provider?.type === 'MANAGED_INSTANCES' ? provider.managedInstances : undefined;
    for (let k = 0; k < (managed ? (managed.count ?? 1) : 0); k++) {
      const id = `i-${createHash('sha256').update(`${cluster.name}/${name}/${k}`).digest('hex').slice(0, 17)}`;
      out.push({ arn: arn(id), ec2InstanceId: id, imageId: managed!.imageId, capacityProviderName: name });
    }
    const group = state.groups.find((g) => g.name === provider?.autoScalingGroup && g.region === ctx.region);
    if (!group) continue;
    for (const i of groupInstances(group, ctx.now)) {
      out.push({ arn: arn(i.id), ec2InstanceId: i.id, imageId: i.imageId, capacityProviderName: name });
    }
  }
  cluster.standaloneInstances.forEach((s, n) => {
    for (let k = 0; k < (s.count ?? 1); k++) {
      const id = `i-${createHash('sha256').update(`${cluster.name}/standalone/${n}/${k}`).digest('hex').slice(0, 17)}`;
      out.push({ arn: arn(id), ec2InstanceId: id, imageId: s.imageId });
    }
  });
  return out;
}

/** The cluster query language, as far as attribute equality goes: `attribute:NAME == VALUE` or `!=`. */
function matcher(filter: string | undefined): (c: ContainerInstance) => boolean {
  if (!filter) return () => true;
  const m = /^\s*attribute:([\w.-]+)\s*(==|!=)\s*([\w.-]+)\s*$/.exec(filter);
  if (!m) throw invalidParameter(`The filter "${filter}" is not supported by this simulator.`);
  const [, name, op, value] = m;
  const attr = (c: ContainerInstance) => (name === 'ecs.ami-id' ? c.imageId : undefined);
  return (c) => (op === '==' ? attr(c) === value : attr(c) !== value);
}

function page<T>(items: T[], input: Record<string, unknown>, max = 100) {
  const size = (input['maxResults'] as number | undefined) ?? max;
  const from = Number((input['nextToken'] as string | undefined) ?? 0);
  return {
    items: items.slice(from, from + size),
    nextToken: from + size < items.length ? String(from + size) : undefined,
  };
}

export const ecsCapacityOperations: Record<string, Operation> = {
  DescribeCapacityProviders: {
    input: struct({
      capacityProviders: list(str(), { max: 100 }),
      include: any,
      maxResults: int(),
      nextToken: str(),
    }),
    handler(input, ctx) {
      const all = [
        ...FARGATE.map((name) => ({
          capacityProviderArn: `arn:aws:ecs:${ctx.region}:${ctx.account}:capacity-provider/${name}`,
          name,
          status: 'ACTIVE',
          tags: [],
        })),
        ...providers(ctx),
      ];
      const wanted = input['capacityProviders'] as string[] | undefined;
      if (!wanted) return { capacityProviders: all };
      const found = [];
      const failures = [];
      for (const ref of wanted) {
        const name = ref.replace(/^arn:aws[a-z-]*:ecs:[^:]+:\d{12}:capacity-provider\//, '');
        const p = all.find((x) => x.name === name);
        if (p) found.push(p);
        else failures.push({ arn: ref, reason: 'MISSING' });
      }
      return { capacityProviders: found, failures };
    },
  },
  ListContainerInstances: {
    input: struct({
      cluster: str(),
      filter: str(),
      status: str({ enum: ['ACTIVE', 'DRAINING', 'REGISTERING', 'DEREGISTERING', 'REGISTRATION_FAILED'] }),
      maxResults: int({ min: 1, max: 100 }),
      nextToken: str(),
    }),
    handler(input, ctx) {
      const cluster = findCluster(ctx, input['cluster'] as string | undefined);
      if (input['status'] && input['status'] !== 'ACTIVE') return { containerInstanceArns: [] };
      const match = matcher(input['filter'] as string | undefined);
      const { items, nextToken } = page(containerInstances(ctx, cluster.name).filter(match), input);
      return { containerInstanceArns: items.map((c) => c.arn), nextToken };
    },
  },
  DescribeContainerInstances: {
    input: struct({ cluster: str(), containerInstances: list(str(), { max: 100 }), include: any }, [
      'containerInstances',
    ]),
    handler(input, ctx) {
      const cluster = findCluster(ctx, input['cluster'] as string | undefined);
      const all = containerInstances(ctx, cluster.name);
      const found = [];
      const failures = [];
      for (const ref of input['containerInstances'] as string[]) {
        const c = all.find((x) => x.arn === ref || x.arn.endsWith(`/${ref}`));
        if (!c) {
          failures.push({ arn: ref, reason: 'MISSING' });
          continue;
        }
        found.push({
          containerInstanceArn: c.arn,
          ec2InstanceId: c.ec2InstanceId,
          status: 'ACTIVE',
          agentConnected: true,
          runningTasksCount: 2,
          pendingTasksCount: 0,
          ...(c.capacityProviderName ? { capacityProviderName: c.capacityProviderName } : {}),
          versionInfo: { agentVersion: '1.99.0' },
          attributes: [
            { name: 'ecs.ami-id', value: c.imageId },
            { name: 'ecs.instance-type', value: 'm6i.large' },
            { name: 'ecs.os-type', value: 'linux' },
            { name: 'ecs.cpu-architecture', value: 'x86_64' },
          ],
        });
      }
      return { containerInstances: found, failures };
    },
  },
  ListServices: {
    input: struct({
      cluster: str(),
      launchType: str({ enum: ['EC2', 'FARGATE', 'EXTERNAL', 'MANAGED_INSTANCES'] }),
      schedulingStrategy: str(),
      maxResults: int({ min: 1, max: 100 }),
      nextToken: str(),
    }),
    handler(input, ctx) {
      const cluster = findCluster(ctx, input['cluster'] as string | undefined);
      if (cluster.status !== 'ACTIVE') throw new AwsError('ClusterNotFoundException', 'Cluster not found.');
      const services = servicesState(ctx.sim, ctx.region).services.filter(
        (s) =>
          s.cluster === cluster.name &&
          s.status !== 'INACTIVE' &&
          (!input['launchType'] || s.launchType === input['launchType']),
      );
      const { items, nextToken } = page(services, input, 10);
      return {
        serviceArns: items.map(
          (s) => `arn:aws:ecs:${ctx.region}:${ctx.account}:service/${s.cluster}/${s.name}`,
        ),
        nextToken,
      };
    },
  },
};
