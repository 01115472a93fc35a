/**
 * The proof a rollout worked: every ECS container instance in scope reports the new AMI in its
 * `ecs.ami-id` attribute (ECS's cluster query language finds the others in one call), and the services
 * placed on that capacity are steady. Waited for until a deadline, since replaced instances take a
 * moment to register and old ones to drain; what is still wrong then is listed.
 */
import {
  DescribeContainerInstancesCommand,
  DescribeServicesCommand,
  type ECSClient,
  paginateListContainerInstances,
  paginateListServices,
  type Service,
} from '@aws-sdk/client-ecs';
import { type LongWait, longWait, poll, PollTimeoutError } from '../aws/poller.js';

type Ecs = Pick<ECSClient, 'send'>;

export interface Straggler {
  containerInstanceArn: string;
  ec2InstanceId: string;
  amiId: string;
  capacityProvider?: string;
}

export interface UnsteadyService {
  name: string;
  runningCount: number;
  desiredCount: number;
  deployments: number;
  lastEvent?: string;
}

export interface Scope {
  /** Every container instance of the cluster counts. */
  all: boolean;
  capacityProviders: Set<string>;
  instanceIds: Set<string>;
  /** Capacity providers whose instances never count (ECS Managed Instances: AWS picks their AMI). */
  exclude?: Set<string>;
}

export async function stragglers(ecs: Ecs, cluster: string, ami: string, scope: Scope): Promise<Straggler[]> {
  const arns: string[] = [];
  for await (const page of paginateListContainerInstances(
    { client: ecs as ECSClient, pageSize: 100 },
    { cluster, status: 'ACTIVE', filter: `attribute:ecs.ami-id != ${ami}` },
  )) {
    arns.push(...(page.containerInstanceArns ?? []));
  }
  const out: Straggler[] = [];
  for (let i = 0; i < arns.length; i += 100) {
    const res = await ecs.send(
      new DescribeContainerInstancesCommand({ cluster, containerInstances: arns.slice(i, i + 100) }),
    );
    for (const c of res.containerInstances ?? []) {
      const inScope =
        scope.all ||
        scope.capacityProviders.has(c.capacityProviderName ?? '') ||
        scope.instanceIds.has(c.ec2InstanceId ?? '');
      if (!inScope || scope.exclude?.has(c.capacityProviderName ?? '')) continue;
      out.push({
        containerInstanceArn: c.containerInstanceArn ?? '',
        ec2InstanceId: c.ec2InstanceId ?? '',
        amiId: c.attributes?.find((a) => a.name === 'ecs.ami-id')?.value ?? 'unknown',
        ...(c.capacityProviderName ? { capacityProvider: c.capacityProviderName } : {}),
      });
    }
  }
  return out;
}

const onFargateOnly = (s: Service) =>
  s.launchType === 'FARGATE' ||
  (s.capacityProviderStrategy?.length
    ? s.capacityProviderStrategy.every((c) => /^FARGATE(_SPOT)?$/.test(c.capacityProvider ?? ''))
    : false);

/** Services of the cluster that run on EC2 capacity (or the named ones) and are not steady. */
async function unsteadyServices(ecs: Ecs, cluster: string, names?: string[]): Promise<UnsteadyService[]> {
  let refs = names;
  if (!refs) {
    refs = [];
    for await (const page of paginateListServices({ client: ecs as ECSClient, pageSize: 100 }, { cluster })) {
      refs.push(...(page.serviceArns ?? []));
    }
  }
  const out: UnsteadyService[] = [];
  for (let i = 0; i < refs.length; i += 10) {
    const res = await ecs.send(new DescribeServicesCommand({ cluster, services: refs.slice(i, i + 10) }));
    for (const s of res.services ?? []) {
      if (!names && onFargateOnly(s)) continue;
      const steady =
        s.status === 'ACTIVE' && (s.deployments?.length ?? 0) <= 1 && s.runningCount === s.desiredCount;
      if (steady) continue;
      out.push({
        name: s.serviceName ?? '',
        runningCount: s.runningCount ?? 0,
        desiredCount: s.desiredCount ?? 0,
        deployments: s.deployments?.length ?? 0,
        ...(s.events?.[0]?.message ? { lastEvent: s.events[0].message } : {}),
      });
    }
    for (const f of res.failures ?? []) {
      if (names)
        out.push({
          name: f.arn ?? '',
          runningCount: 0,
          desiredCount: 0,
          deployments: 0,
          lastEvent: `not found (${f.reason})`,
        });
    }
  }
  return out;
}

export interface VerifyResult {
  ok: boolean;
  stragglers: Straggler[];
  unsteady: UnsteadyService[];
}

export async function verifyFleet(
  ecs: Ecs,
  options: LongWait & {
    cluster: string;
    ami: string;
    scope: Scope;
    services?: string[];
  },
): Promise<VerifyResult> {
  let last: VerifyResult = { ok: false, stragglers: [], unsteady: [] };
  try {
    await poll<VerifyResult>({
      what: `cluster ${options.cluster} on ${options.ami}`,
      ...longWait(options, 5_000),
      check: async () => {
        const s = await stragglers(ecs, options.cluster, options.ami, options.scope);
        const u = await unsteadyServices(ecs, options.cluster, options.services);
        last = { ok: s.length === 0 && u.length === 0, stragglers: s, unsteady: u };
        if (last.ok) return { done: true, value: last };
        const parts = [
          s.length ? `${s.length} container instances not on ${options.ami}` : '',
          u.length ? `${u.length} services not steady` : '',
        ].filter(Boolean);
        return { done: false, state: parts.join(', ') };
      },
    });
  } catch (error) {
    if (error instanceof PollTimeoutError) return last;
    throw error;
  }
  return last;
}
