/**
 * What a rollout touches: Auto Scaling groups found through an ECS cluster's capacity providers, named
 * directly, or found as the users of named launch templates; for each, the launch template it launches
 * from and how it refers to the version ($Default, $Latest or a number).
 */
import {
  type AutoScalingClient,
  type AutoScalingGroup,
  type LaunchTemplateSpecification,
  paginateDescribeAutoScalingGroups,
} from '@aws-sdk/client-auto-scaling';
import {
  type CapacityProvider,
  DescribeCapacityProvidersCommand,
  DescribeClustersCommand,
} from '@aws-sdk/client-ecs';
import type { ECSClient } from '@aws-sdk/client-ecs';
import { UserError } from '../errors.js';

type Ecs = Pick<ECSClient, 'send'>;
type AutoScaling = Pick<AutoScalingClient, 'send'>;

export interface TargetGroup {
  name: string;
  /** The template and the version reference the group launches with. */
  template: { id: string; name: string; version: string };
  /** The template comes through a mixed instances policy (Spot and On-Demand). */
  mixed: boolean;
  group: AutoScalingGroup;
  /** The ECS capacity provider over this group, when known. */
  capacityProvider?: string;
  managedTerminationProtection?: boolean;
}

const FARGATE = new Set(['FARGATE', 'FARGATE_SPOT']);
const groupNameOf = (arn: string) => /autoScalingGroupName\/(.+)$/.exec(arn)?.[1] ?? arn;

export interface ClusterCapacity {
  clusterArn: string;
  /** Capacity providers over Auto Scaling groups: name → group name and termination protection. */
  providers: { name: string; group: string; managedTerminationProtection: boolean }[];
  /** Every capacity provider name of the cluster. */
  all: string[];
  /** ECS Managed Instances capacity providers: AWS picks and patches their AMI, nothing to roll out. */
  managedInstances: string[];
}

export async function clusterCapacity(ecs: Ecs, cluster: string, region: string): Promise<ClusterCapacity> {
  const out = await ecs.send(new DescribeClustersCommand({ clusters: [cluster] }));
  const found = out.clusters?.[0];
  if (!found || found.status === 'INACTIVE') {
    throw new UserError(
      `The ECS cluster "${cluster}" does not exist in ${region}${found ? ' (it is INACTIVE)' : ''}. Check the name and the region.`,
    );
  }
  const names = found.capacityProviders ?? [];
  const asgNames = names.filter((n) => !FARGATE.has(n));
  let described: CapacityProvider[] = [];
  if (asgNames.length) {
    // DescribeCapacityProviders takes at most 100 names; a cluster holds far fewer.
    const res = await ecs.send(new DescribeCapacityProvidersCommand({ capacityProviders: asgNames }));
    described = res.capacityProviders ?? [];
  }
  const managedInstances = described
    .filter(
      (p) => p.type === 'MANAGED_INSTANCES' || (p.managedInstancesProvider && !p.autoScalingGroupProvider),
    )
    .map((p) => p.name ?? '');
  const providers = described
    .filter((p) => p.autoScalingGroupProvider?.autoScalingGroupArn)
    .map((p) => ({
      name: p.name ?? '',
      group: groupNameOf(p.autoScalingGroupProvider!.autoScalingGroupArn!),
      managedTerminationProtection: p.autoScalingGroupProvider?.managedTerminationProtection === 'ENABLED',
    }));
  return { clusterArn: found.clusterArn ?? cluster, providers, all: names, managedInstances };
}

function templateOf(group: AutoScalingGroup): { spec?: LaunchTemplateSpecification; mixed: boolean } {
  if (group.LaunchTemplate) return { spec: group.LaunchTemplate, mixed: false };
  const mixed = group.MixedInstancesPolicy?.LaunchTemplate?.LaunchTemplateSpecification;
  if (mixed) return { spec: mixed, mixed: true };
  return { mixed: false };
}

export function toTarget(
  group: AutoScalingGroup,
  provider?: ClusterCapacity['providers'][number],
): TargetGroup {
  const name = group.AutoScalingGroupName ?? '';
  const { spec, mixed } = templateOf(group);
  if (!spec?.LaunchTemplateId) {
    const how = group.LaunchConfigurationName
      ? `launches from the launch configuration ${group.LaunchConfigurationName}`
      : 'has no launch template';
    throw new UserError(
      `The Auto Scaling group ${name} ${how}. A rollout makes a new launch template version with the new AMI; move the group to a launch template first (launch configurations cannot take new versions).`,
    );
  }
  return {
    name,
    template: {
      id: spec.LaunchTemplateId,
      name: spec.LaunchTemplateName ?? spec.LaunchTemplateId,
      version: spec.Version ?? '$Default',
    },
    mixed,
    group,
    ...(provider
      ? {
          capacityProvider: provider.name,
          managedTerminationProtection: provider.managedTerminationProtection,
        }
      : {}),
  };
}

/** Every group with these names, or all groups of the region when `names` is undefined. */
export async function describeGroups(asg: AutoScaling, names?: string[]): Promise<AutoScalingGroup[]> {
  const groups: AutoScalingGroup[] = [];
  const chunks = names
    ? Array.from({ length: Math.ceil(names.length / 100) }, (_, i) => names.slice(i * 100, i * 100 + 100))
    : [undefined];
  for (const chunk of chunks) {
    for await (const page of paginateDescribeAutoScalingGroups(
      { client: asg as AutoScalingClient, pageSize: 100 },
      chunk ? { AutoScalingGroupNames: chunk } : {},
    )) {
      groups.push(...(page.AutoScalingGroups ?? []));
    }
  }
  return groups;
}

export interface TargetRequest {
  cluster?: ClusterCapacity;
  clusterName?: string;
  capacityProviders?: string[];
  groups?: string[];
  launchTemplates?: string[];
  region: string;
}

/** The groups to roll out to, checked: each exists and launches from a template. */
export async function findTargets(asg: AutoScaling, request: TargetRequest): Promise<TargetGroup[]> {
  const { cluster, region } = request;
  const byGroup = new Map<string, ClusterCapacity['providers'][number]>();
  for (const p of cluster?.providers ?? []) byGroup.set(p.group, p);

  const wanted = new Set<string>();
  if (cluster && !request.groups && !request.launchTemplates) {
    let providers = cluster.providers;
    if (request.capacityProviders) {
      const unknown = request.capacityProviders.filter((n) => !cluster.all.includes(n));
      if (unknown.length) {
        throw new UserError(
          `Input 'capacity-providers' names ${unknown.join(', ')}, which the cluster ${request.clusterName} does not use. Its capacity providers: ${cluster.all.join(', ') || 'none'}.`,
        );
      }
      const fargate = request.capacityProviders.filter((n) => FARGATE.has(n));
      if (fargate.length) {
        throw new UserError(
          `Input 'capacity-providers' names ${fargate.join(', ')}: Fargate runs on AWS's own hosts and has no AMI to roll out. Name Auto Scaling group capacity providers.`,
        );
      }
      const managed = request.capacityProviders.filter((n) => cluster.managedInstances.includes(n));
      if (managed.length) {
        throw new UserError(
          `Input 'capacity-providers' names ${managed.join(', ')}: ECS Managed Instances capacity providers, whose instances AWS launches from an AMI it chooses and patches itself, so there is nothing to roll out. Leave ${managed.length === 1 ? 'it' : 'them'} out.`,
        );
      }
      providers = providers.filter((p) => request.capacityProviders!.includes(p.name));
    }
    if (providers.length === 0) {
      const has = cluster.all.length
        ? `only ${cluster.all.map((n) => (cluster.managedInstances.includes(n) ? `${n} (ECS Managed Instances, patched by AWS)` : n)).join(', ')}`
        : 'no capacity providers at all';
      throw new UserError(
        `The ECS cluster ${request.clusterName} has no EC2 capacity to roll an AMI out to: it uses ${has}. Fargate tasks run on AWS's hosts, which need no AMI. If its EC2 instances are in Auto Scaling groups outside a capacity provider, name them with 'auto-scaling-groups'.`,
      );
    }
    for (const p of providers) wanted.add(p.group);
  }
  for (const g of request.groups ?? []) wanted.add(g);

  const targets: TargetGroup[] = [];
  if (wanted.size) {
    const groups = await describeGroups(asg, [...wanted]);
    const missing = [...wanted].filter((n) => !groups.some((g) => g.AutoScalingGroupName === n));
    if (missing.length) {
      throw new UserError(
        `No Auto Scaling group named ${missing.join(', ')} in ${region}. Check the names and the region${cluster ? ' (a capacity provider may point at a deleted group)' : ''}.`,
      );
    }
    for (const g of groups) targets.push(toTarget(g, byGroup.get(g.AutoScalingGroupName ?? '')));
  }
  if (request.launchTemplates?.length) {
    const refs = new Set(request.launchTemplates);
    for (const g of await describeGroups(asg)) {
      if (targets.some((t) => t.name === g.AutoScalingGroupName)) continue;
      const { spec } = templateOf(g);
      if (spec && (refs.has(spec.LaunchTemplateId ?? '') || refs.has(spec.LaunchTemplateName ?? ''))) {
        targets.push(toTarget(g, byGroup.get(g.AutoScalingGroupName ?? '')));
      }
    }
  }
  return targets;
}
