/**
 * run-task's plan: every check across its inputs and every value derived from them before any AWS call —
 * the task definition file read and normalized (or the reference kept), the cluster's name and region
 * (a cluster ARN's region decides), the RunTask request without its task definition, and which container
 * the command and environment overrides go to when the file says so. No SDK client is loaded here.
 */
import type { CapacityProviderStrategyItem, RunTaskCommandInput } from '@aws-sdk/client-ecs';
import type { Env } from '../aws/client.js';
import { parseCluster, regionFromArns } from '../aws/identifiers.js';
import { UserError } from '../errors.js';
import type { Logger } from '../log.js';
import { workspaceOf } from '../runner-env.js';
import { loadTaskDefinitionInput } from '../taskdef/source.js';

type Json = Record<string, unknown>;

/** A task definition given by reference: family, family:revision or ARN. */
const TD_REF =
  /^([A-Za-z0-9_-]{1,255}(:\d+)?|arn:aws[a-z-]*:ecs:[a-z0-9-]+:\d{12}:task-definition\/[A-Za-z0-9_-]{1,255}:\d+)$/;

/** The inputs run-task reads (the shell's spec produces exactly this). */
export interface RunTaskSettings {
  'task-definition': string;
  cluster: string;
  'launch-type': 'FARGATE' | 'EC2' | 'EXTERNAL' | undefined;
  'capacity-provider-strategy': unknown;
  subnets: string[];
  'security-groups': string[];
  'assign-public-ip': boolean;
  container: string | undefined;
  command: string[] | undefined;
  environment: Record<string, string> | undefined;
  count: number;
  'started-by': string;
  tags: Record<string, string> | undefined;
  wait: boolean;
  timeout: number;
  region: string | undefined;
}

/** The command and environment of one container, for RunTask's containerOverrides. */
export interface Override {
  command?: string[];
  environment?: { name: string; value: string }[];
}

export interface RunTaskPlan {
  /** The task definition file, normalized (registered when it changed). */
  definition?: Json;
  /** The family[:revision] or ARN given instead of a file. */
  reference?: string;
  cluster: string;
  region: string | undefined;
  /** RunTask's input, all but the task definition and the overrides. */
  request: Omit<RunTaskCommandInput, 'taskDefinition' | 'overrides'>;
  /** The override, when a command or environment is given. */
  override?: Override;
  /** The container it goes to: named by input, or the only one of the file; else read from ECS. */
  container?: string;
  wait: boolean;
  timeoutMs: number;
}

function containerNames(definition: Json): string[] {
  const list = definition['containerDefinitions'];
  return Array.isArray(list) ? list.map((c) => String((c as Json)['name'])) : [];
}

/**
 * The container the overrides go to: the one named by input 'container' (which the task definition must
 * have), else its only container; with several and none named, the step is refused naming them.
 */
export function overrideTarget(container: string | undefined, names: string[], where: string): string {
  if (container) {
    if (!names.includes(container))
      throw new UserError(
        `Input 'container' names the container "${container}", which ${where} does not have. Its containers: ${names.join(', ') || 'none'}.`,
      );
    return container;
  }
  if (names.length === 1) return names[0]!;
  throw new UserError(
    `Inputs 'command' and 'environment' override one container, and ${where} has ${names.length} (${names.join(', ')}): name it with input 'container'.`,
  );
}

export async function planRunTask(s: RunTaskSettings, env: Env, log: Logger): Promise<RunTaskPlan> {
  if (s['launch-type'] && s['capacity-provider-strategy']) {
    throw new UserError(
      "Give input 'launch-type' or input 'capacity-provider-strategy', not both: ECS takes one or the other.",
    );
  }
  // A task definition is regional: an ARN from another region than the task's cannot run there.
  const region = regionFromArns({ cluster: s.cluster, 'task-definition': s['task-definition'] }, s.region);
  const cluster = parseCluster(s.cluster).name;
  let definition: Json | undefined;
  if (!TD_REF.test(s['task-definition'])) {
    definition = await loadTaskDefinitionInput(
      s['task-definition'],
      'task-definition',
      workspaceOf(env),
      log,
    );
  }
  const override: Override = {
    ...(s.command ? { command: s.command } : {}),
    ...(s.environment
      ? { environment: Object.entries(s.environment).map(([name, value]) => ({ name, value })) }
      : {}),
  };
  const overriding = s.command !== undefined || s.environment !== undefined;
  const container = !overriding
    ? undefined
    : definition
      ? overrideTarget(s.container, containerNames(definition), `the task definition ${s['task-definition']}`)
      : s.container;

  const request: RunTaskPlan['request'] = {
    cluster,
    count: s.count,
    startedBy: s['started-by'],
    ...(s['launch-type'] ? { launchType: s['launch-type'] } : {}),
    ...(s['capacity-provider-strategy']
      ? { capacityProviderStrategy: s['capacity-provider-strategy'] as CapacityProviderStrategyItem[] }
      : {}),
    ...(s.subnets.length || s['security-groups'].length
      ? {
          networkConfiguration: {
            awsvpcConfiguration: {
              subnets: s.subnets,
              securityGroups: s['security-groups'],
              assignPublicIp: s['assign-public-ip'] ? 'ENABLED' : 'DISABLED',
            },
          },
        }
      : {}),
    ...(s.tags ? { tags: Object.entries(s.tags).map(([key, value]) => ({ key, value })) } : {}),
  };
  return {
    ...(definition ? { definition } : { reference: s['task-definition'] }),
    cluster,
    region,
    request,
    ...(overriding ? { override } : {}),
    ...(container ? { container } : {}),
    wait: s.wait,
    timeoutMs: s.timeout,
  };
}
