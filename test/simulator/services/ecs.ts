/**
 * Amazon ECS (awsJson1_1), task definitions (services, clusters and tasks are in ecs-services.ts): RegisterTaskDefinition with the checks ECS applies
 * at registration and the messages it answers with (ClientException), DescribeTaskDefinition with the
 * defaults ECS fills in, ListTaskDefinitions, DeregisterTaskDefinition. Rules and messages follow the
 * research notes (shared/reference/notes/taskdef-validation.md), high-confidence register-time rules only.
 */
import { AwsError } from '../errors.js';
import { DEFAULT_ACCOUNT } from '../scenario.js';
import type { JsonService, RequestContext, Simulator } from '../server.js';
import { any, int, list, str, struct } from '../shapes.js';

type Json = Record<string, unknown>;

export interface StoredTaskDefinition {
  family: string;
  revision: number;
  region: string;
  account: string;
  status: 'ACTIVE' | 'INACTIVE';
  definition: Json;
  tags: { key: string; value: string }[];
  registeredAt: number;
  deregisteredAt?: number;
}

export interface EcsState {
  taskDefinitions: StoredTaskDefinition[];
}

export function ecsState(sim: Simulator): EcsState {
  let state = sim.state.get('ecs') as EcsState | undefined;
  if (!state) {
    state = { taskDefinitions: [] };
    sim.state.set('ecs', state);
  }
  return state;
}

const clientError = (message: string) => new AwsError('ClientException', message);

/** Fargate's task cpu → allowed memory (MiB). */
const FARGATE: Record<string, number[]> = {
  '256': [512, 1024, 2048],
  '512': [1024, 2048, 3072, 4096],
  '1024': range(2048, 8192, 1024),
  '2048': range(4096, 16384, 1024),
  '4096': range(8192, 30720, 1024),
  '8192': range(16384, 61440, 4096),
  '16384': range(32768, 122880, 8192),
};
function range(from: number, to: number, step: number): number[] {
  const out: number[] = [];
  for (let v = from; v <= to; v += step) out.push(v);
  return out;
}

/** "1 vCPU", "0.25 vcpu" → CPU units; "2 GB", "2GB" → MiB; plain numbers as they are. */
export function cpuUnits(value: string): number {
  const m = /^\s*([\d.]+)\s*vcpu\s*$/i.exec(value);
  return m ? Math.round(Number(m[1]) * 1024) : Number(value);
}
export function memoryMiB(value: string): number {
  const m = /^\s*([\d.]+)\s*gb\s*$/i.exec(value);
  return m ? Math.round(Number(m[1]) * 1024) : Number(value);
}

const PRIVATE_ECR = /^\d{12}\.dkr\.ecr\.[a-z0-9-]+\.amazonaws\.com(\.cn)?\//;

/** The register-time checks, in the order ECS reports them; throws the first failure. */
export function checkRegistration(input: Json): void {
  const family = String(input['family'] ?? '');
  if (!/^[A-Za-z0-9_-]{1,255}$/.test(family)) throw clientError('Family contains invalid characters.');
  const containers = (input['containerDefinitions'] as Json[] | undefined) ?? [];
  if (containers.length === 0) throw clientError('Container list cannot be empty.');
  if (containers.length > 10) throw clientError('Too many containers.');
  const names = new Set<string>();
  for (const c of containers) {
    const name = c['name'];
    if (name === undefined || name === null || name === '')
      throw clientError('Container.name should not be null or empty.');
    if (!/^[A-Za-z0-9_-]{1,255}$/.test(String(name)))
      throw clientError('Container.name contains invalid characters.');
    if (names.has(String(name)))
      throw clientError('Container names must be unique within a Task Definition.');
    names.add(String(name));
    const image = c['image'];
    if (image === undefined || image === null || image === '')
      throw clientError('Container.image should not be null or empty.');
    if (!/^[A-Za-z0-9_\-:./#@]+$/.test(String(image)))
      throw clientError('Container.image contains invalid characters.');
  }
  if (!containers.some((c) => c['essential'] !== false))
    throw clientError("Task definition doesn't have any essential container.");

  const fargate = ((input['requiresCompatibilities'] as string[] | undefined) ?? []).includes('FARGATE');
  const networkMode = input['networkMode'] as string | undefined;
  if (fargate && networkMode !== 'awsvpc') throw clientError("Fargate only supports network mode 'awsvpc'.");
  const cpu = input['cpu'] === undefined ? undefined : String(input['cpu']);
  const memory = input['memory'] === undefined ? undefined : String(input['memory']);
  if (fargate && cpu === undefined)
    throw clientError("Fargate requires that 'cpu' be defined at the task level.");
  if (fargate && memory === undefined)
    throw clientError("Fargate requires that 'memory' be defined at the task level.");
  if (fargate && cpu !== undefined && memory !== undefined) {
    const allowed = FARGATE[String(cpuUnits(cpu))];
    if (!allowed || !allowed.includes(memoryMiB(memory)))
      throw clientError("Invalid 'cpu' setting for task.");
  }
  const taskMemory = memory === undefined ? undefined : memoryMiB(memory);
  for (const c of containers) {
    const cm = c['memory'] as number | undefined;
    const cr = c['memoryReservation'] as number | undefined;
    if (taskMemory === undefined && !cm && !cr) {
      throw clientError(
        `Invalid setting for container '${String(c['name'])}'. At least one of 'memory' or 'memoryReservation' must be specified.`,
      );
    }
    if (taskMemory !== undefined && cm !== undefined && cm > taskMemory) {
      throw clientError(
        `The 'memory' setting for container '${String(c['name'])}' is greater than for the task.`,
      );
    }
    if (networkMode === 'awsvpc') {
      for (const p of (c['portMappings'] as Json[] | undefined) ?? []) {
        if (p['hostPort'] !== undefined && p['hostPort'] !== p['containerPort']) {
          throw clientError(
            'When networkMode=awsvpc, the host ports and container ports in port mappings must match.',
          );
        }
      }
      if (c['links']) throw clientError('Links are not supported when networkMode=awsvpc.');
      if (c['hostname']) throw clientError('hostname is not supported on container when networkMode=awsvpc.');
    }
    // AWS rejects a mount point whose volume is not declared; its exact wording is not on record, so this is ours.
    const volumes = ((input['volumes'] as Json[] | undefined) ?? []).map((v) => v['name']);
    for (const mp of (c['mountPoints'] as Json[] | undefined) ?? []) {
      if (!volumes.includes(mp['sourceVolume'])) {
        throw clientError(
          `Invalid setting for container '${String(c['name'])}'. The mount point's sourceVolume '${String(mp['sourceVolume'])}' is not a volume of this task definition.`,
        );
      }
    }
    for (const d of (c['dependsOn'] as Json[] | undefined) ?? []) {
      const target = containers.find((x) => x['name'] === d['containerName']);
      if (!target)
        throw clientError(
          `Cannot depend on container + '${String(d['containerName'])}' because it does not exist`,
        );
      if ((d['condition'] === 'SUCCESS' || d['condition'] === 'COMPLETE') && target['essential'] !== false) {
        throw clientError(
          'A dependency container with SUCCESS or COMPLETE condition cannot be an essential container',
        );
      }
    }
  }
  const logsToAwslogs = containers.some(
    (c) => (c['logConfiguration'] as Json | undefined)?.['logDriver'] === 'awslogs',
  );
  const hasSecrets = containers.some((c) => ((c['secrets'] as unknown[] | undefined) ?? []).length > 0);
  if (!input['executionRoleArn']) {
    if (hasSecrets)
      throw clientError(
        "When you are specifying container secrets, you must also specify a value for 'executionRoleArn'.",
      );
    if (fargate && logsToAwslogs) {
      throw clientError(
        'Fargate requires task definition to have execution role ARN to support log driver awslogs.',
      );
    }
    if (fargate && containers.some((c) => PRIVATE_ECR.test(String(c['image'])))) {
      throw clientError('Fargate requires task definition to have execution role ARN to support ECR images.');
    }
  }
}

/** What DescribeTaskDefinition shows for a container: ECS fills these in. */
function withContainerDefaults(c: Json, networkMode: string | undefined): Json {
  const ports = ((c['portMappings'] as Json[] | undefined) ?? []).map((p) => ({
    ...p,
    ...(networkMode === 'awsvpc' || networkMode === 'host'
      ? { hostPort: p['hostPort'] ?? p['containerPort'] }
      : {}),
    protocol: p['protocol'] ?? 'tcp',
  }));
  return {
    cpu: 0,
    ...c,
    portMappings: ports,
    essential: c['essential'] ?? true,
    environment: c['environment'] ?? [],
    mountPoints: c['mountPoints'] ?? [],
    volumesFrom: c['volumesFrom'] ?? [],
    systemControls: c['systemControls'] ?? [],
  };
}

function arnOf(t: StoredTaskDefinition): string {
  return `arn:aws:ecs:${t.region}:${t.account}:task-definition/${t.family}:${t.revision}`;
}

function describe(t: StoredTaskDefinition): Json {
  const d = t.definition;
  const networkMode = d['networkMode'] as string | undefined;
  const fargateReady = networkMode === 'awsvpc' && d['cpu'] !== undefined && d['memory'] !== undefined;
  const { tags: _tags, ...rest } = d;
  return {
    taskDefinitionArn: arnOf(t),
    ...rest,
    ...(d['cpu'] !== undefined ? { cpu: String(cpuUnits(String(d['cpu']))) } : {}),
    ...(d['memory'] !== undefined ? { memory: String(memoryMiB(String(d['memory']))) } : {}),
    containerDefinitions: ((d['containerDefinitions'] as Json[]) ?? []).map((c) =>
      withContainerDefaults(c, networkMode),
    ),
    revision: t.revision,
    volumes: d['volumes'] ?? [],
    status: t.status,
    requiresAttributes: [{ name: 'com.amazonaws.ecs.capability.docker-remote-api.1.18' }],
    placementConstraints: d['placementConstraints'] ?? [],
    compatibilities: fargateReady ? ['EC2', 'FARGATE'] : ['EC2'],
    registeredAt: t.registeredAt / 1000,
    registeredBy: `arn:aws:sts::${t.account}:assumed-role/github-actions/ci`,
    ...(t.deregisteredAt ? { deregisteredAt: t.deregisteredAt / 1000 } : {}),
  };
}

/** family, family:revision or a full ARN → the stored revision (the latest ACTIVE for a bare family). */
export function findTaskDefinition(ctx: RequestContext, ref: string): StoredTaskDefinition | undefined {
  const all = ecsState(ctx.sim).taskDefinitions.filter((t) => t.region === ctx.region);
  const m = /^(?:arn:aws[a-z-]*:ecs:[^:]+:\d{12}:task-definition\/)?([A-Za-z0-9_-]+)(?::(\d+))?$/.exec(ref);
  if (!m) return undefined;
  const [, family, revision] = m;
  if (revision) return all.find((t) => t.family === family && t.revision === Number(revision));
  return all
    .filter((t) => t.family === family && t.status === 'ACTIVE')
    .sort((a, b) => b.revision - a.revision)[0];
}

const TAGS = list(struct({ key: str({ min: 1, max: 128 }), value: str({ max: 256 }) }), { max: 50 });

export const ecsService: JsonService = {
  protocol: 'awsJson1_1',
  name: 'ecs',
  iamPrefix: 'ecs',
  targetPrefix: 'AmazonEC2ContainerServiceV20141113',
  operations: {
    RegisterTaskDefinition: {
      input: struct(
        {
          family: str(),
          containerDefinitions: list(any),
          taskRoleArn: str(),
          executionRoleArn: str(),
          networkMode: str({ enum: ['bridge', 'host', 'awsvpc', 'none'] }),
          requiresCompatibilities: list(str({ enum: ['EC2', 'FARGATE', 'EXTERNAL', 'MANAGED_INSTANCES'] })),
          cpu: str(),
          memory: str(),
          tags: TAGS,
          volumes: any,
          placementConstraints: any,
          pidMode: str({ enum: ['host', 'task'] }),
          ipcMode: str({ enum: ['host', 'task', 'none'] }),
          proxyConfiguration: any,
          inferenceAccelerators: any,
          ephemeralStorage: any,
          runtimePlatform: any,
          enableFaultInjection: any,
        },
        ['family', 'containerDefinitions'],
      ),
      handler(input, ctx) {
        // Passing a role to ECS is checked against iam:PassRole on that role, and said so by name.
        for (const key of ['taskRoleArn', 'executionRoleArn'] as const) {
          const role = input[key] as string | undefined;
          if (role && ctx.principal.deny?.includes('iam:PassRole')) {
            const who = ctx.principal.arn ?? `arn:aws:sts::${ctx.account}:assumed-role/github-actions/ci`;
            throw new AwsError(
              'AccessDeniedException',
              `User: ${who} is not authorized to perform: iam:PassRole on resource: ${role.startsWith('arn:') ? role : `arn:aws:iam::${ctx.account}:role/${role}`}`,
            );
          }
        }
        checkRegistration(input);
        const state = ecsState(ctx.sim);
        const family = String(input['family']);
        const revision =
          Math.max(
            0,
            ...state.taskDefinitions
              .filter((t) => t.family === family && t.region === ctx.region)
              .map((t) => t.revision),
          ) + 1;
        const stored: StoredTaskDefinition = {
          family,
          revision,
          region: ctx.region,
          account: ctx.account ?? DEFAULT_ACCOUNT,
          status: 'ACTIVE',
          definition: input,
          tags: (input['tags'] as StoredTaskDefinition['tags'] | undefined) ?? [],
          registeredAt: ctx.now,
        };
        state.taskDefinitions.push(stored);
        return { taskDefinition: describe(stored), ...(stored.tags.length ? { tags: stored.tags } : {}) };
      },
    },
    DescribeTaskDefinition: {
      input: struct({ taskDefinition: str(), include: list(str({ enum: ['TAGS'] })) }, ['taskDefinition']),
      handler(input, ctx) {
        const t = findTaskDefinition(ctx, String(input['taskDefinition']));
        if (!t) throw clientError('Unable to describe task definition.');
        const withTags = ((input['include'] as string[] | undefined) ?? []).includes('TAGS');
        return { taskDefinition: describe(t), ...(withTags ? { tags: t.tags } : {}) };
      },
    },
    ListTaskDefinitions: {
      input: struct({
        familyPrefix: str(),
        status: str({ enum: ['ACTIVE', 'INACTIVE', 'DELETE_IN_PROGRESS'] }),
        sort: str({ enum: ['ASC', 'DESC'] }),
        nextToken: str(),
        maxResults: int({ min: 1, max: 100 }),
      }),
      handler(input, ctx) {
        const status = (input['status'] as string | undefined) ?? 'ACTIVE';
        const prefix = (input['familyPrefix'] as string | undefined) ?? '';
        const rows = ecsState(ctx.sim)
          .taskDefinitions.filter(
            (t) => t.region === ctx.region && t.status === status && t.family.startsWith(prefix),
          )
          .sort((a, b) => a.family.localeCompare(b.family) || a.revision - b.revision);
        if (input['sort'] === 'DESC') rows.reverse();
        const offset = input['nextToken']
          ? Number(Buffer.from(String(input['nextToken']), 'base64').toString())
          : 0;
        const max = (input['maxResults'] as number | undefined) ?? 100;
        const page = rows.slice(offset, offset + max);
        return {
          taskDefinitionArns: page.map(arnOf),
          ...(offset + max < rows.length
            ? { nextToken: Buffer.from(String(offset + max)).toString('base64') }
            : {}),
        };
      },
    },
    DeregisterTaskDefinition: {
      input: struct({ taskDefinition: str() }, ['taskDefinition']),
      handler(input, ctx) {
        const ref = String(input['taskDefinition']);
        if (!/:\d+$/.test(ref))
          throw clientError(
            'The specified task definition identifier is invalid. Specify a valid name or ARN including the revision.',
          );
        const t = findTaskDefinition(ctx, ref);
        if (!t) throw clientError('The specified task definition does not exist.');
        if (t.status === 'ACTIVE') {
          t.status = 'INACTIVE';
          t.deregisteredAt = ctx.now;
        }
        return { taskDefinition: describe(t) };
      },
    },
  },
};
