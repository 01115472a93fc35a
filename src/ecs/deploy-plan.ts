/**
 * deploy's plan: every check across its inputs, and every value derived from them and the environment,
 * before any AWS call — the task definition file read and normalized, the JSON service settings checked
 * against the SDK's shapes and ECS's rules, what to wait for (one `wait-until` for both deployment
 * controllers, with the deprecated `codedeploy-wait-until` mapped onto it), the AppSpec file checked
 * against the task definition. No SDK client is loaded here: bad input fails in a fraction of a second.
 */
import type {
  CapacityProviderStrategyItem,
  DeploymentConfiguration,
  LoadBalancer,
  ServiceConnectConfiguration,
} from '@aws-sdk/client-ecs';
import type { Env } from '../aws/client.js';
import { parseCluster, regionFromArns } from '../aws/identifiers.js';
import { UserError } from '../errors.js';
import { inWorkspace, runUrl, workspaceOf } from '../runner-env.js';
import type { Logger } from '../log.js';
import { loadTaskDefinitionInput, readDataFile } from '../taskdef/source.js';
import { checkAgainstTaskDefinition, serviceResource } from './appspec.js';
import {
  checkDeploymentConfiguration,
  checkLoadBalancers,
  checkServiceConnect,
  type WaitUntil,
} from './deployment-config.js';

type Json = Record<string, unknown>;

export const TASK_DEFINITION_ARN =
  /^arn:aws[a-z-]*:ecs:[a-z0-9-]+:\d{12}:task-definition\/[A-Za-z0-9_-]{1,255}:\d+$/;

/** The inputs deploy reads (the shell's spec produces exactly this). */
export interface DeploySettings {
  'task-definition': string;
  cluster: string;
  service: string | undefined;
  wait: boolean;
  'wait-until': WaitUntil;
  timeout: number;
  'force-register': boolean;
  'force-new-deployment': boolean;
  'desired-count': number | undefined;
  'enable-ecs-managed-tags': 'true' | 'false' | undefined;
  'propagate-tags': 'TASK_DEFINITION' | 'SERVICE' | 'NONE' | undefined;
  'deployment-configuration': unknown;
  'capacity-provider-strategy': unknown;
  'load-balancers': unknown;
  'service-connect-configuration': unknown;
  'deployment-controller': 'ECS' | undefined;
  'deregister-previous': number | undefined;
  'codedeploy-appspec': string | undefined;
  'codedeploy-application': string | undefined;
  'codedeploy-deployment-group': string | undefined;
  'codedeploy-deployment-config': string | undefined;
  'codedeploy-description': string | undefined;
  'codedeploy-wait-until': 'succeeded' | 'traffic-shifted' | 'ready' | undefined;
  region: string | undefined;
}

/** What UpdateService gets besides the cluster, the service and the task definition. */
export interface ServiceUpdate {
  forceNewDeployment?: boolean;
  desiredCount?: number;
  enableECSManagedTags?: boolean;
  propagateTags?: 'TASK_DEFINITION' | 'SERVICE' | 'NONE';
  deploymentConfiguration?: DeploymentConfiguration;
  capacityProviderStrategy?: CapacityProviderStrategyItem[];
  loadBalancers?: LoadBalancer[];
  serviceConnectConfiguration?: ServiceConnectConfiguration;
  deploymentController?: { type: 'ECS' };
}

export interface DeployPlan {
  /** The task definition file, normalized (absent when an ARN is deployed as it is). */
  definition?: Json;
  /** The ARN given instead of a file. */
  arn?: string;
  cluster: string;
  service?: string;
  region: string | undefined;
  wait: boolean;
  waitUntil: WaitUntil;
  timeoutMs: number;
  forceRegister: boolean;
  deregisterPrevious?: number;
  update: ServiceUpdate;
  /** Inputs that only an ECS-controller service takes (named in refusals). */
  ecsOnlyInputs: string[];
  codeDeploy: {
    /** The codedeploy-* inputs that were given (they need a CODE_DEPLOY service). */
    given: string[];
    appSpecFile?: unknown;
    appSpecPath?: string;
    application?: string;
    group?: string;
    config?: string;
    description?: string;
  };
  /** Where the user's workflow run is, for descriptions and summaries. */
  runUrl?: string;
}

/** The one wait-until, with codedeploy-wait-until (deprecated) mapped onto it. */
function waitUntilOf(s: DeploySettings, log: Logger): WaitUntil {
  const alias = s['codedeploy-wait-until'];
  if (alias === undefined) return s['wait-until'];
  const mapped: WaitUntil = alias === 'ready' ? 'paused' : alias;
  if (s['wait-until'] !== 'succeeded' && s['wait-until'] !== mapped) {
    throw new UserError(
      `Inputs 'wait-until' ("${s['wait-until']}") and 'codedeploy-wait-until' ("${alias}") disagree; 'codedeploy-wait-until' is deprecated: give only 'wait-until' (paused, traffic-shifted or succeeded).`,
    );
  }
  log.warning(
    `Input 'codedeploy-wait-until' is deprecated: use 'wait-until: ${mapped}'${alias === 'ready' ? " ('paused' is CodeDeploy's Ready state)" : ''}.`,
  );
  return mapped;
}

/** Where a deployment came from, for the CodeDeploy console: repository, commit and run. */
function defaultDescription(env: Env): string | undefined {
  const repo = env['GITHUB_REPOSITORY'];
  if (!repo) return undefined;
  const sha = env['GITHUB_SHA']?.slice(0, 12);
  const url = runUrl(env);
  return `ecs-shipyard deploy from ${repo}${sha ? `@${sha}` : ''}${url ? ` (run ${url})` : ''}`;
}

/** The service inputs deploy and verify-task-definition share, as UpdateService members. */
export type ServiceUpdateSettings = Pick<
  DeploySettings,
  | 'desired-count'
  | 'enable-ecs-managed-tags'
  | 'propagate-tags'
  | 'deployment-configuration'
  | 'capacity-provider-strategy'
  | 'load-balancers'
  | 'service-connect-configuration'
>;

/** What those inputs change in UpdateService, each checked (bad shapes refused naming the input). */
export function serviceUpdateOf(s: ServiceUpdateSettings): ServiceUpdate {
  const update: ServiceUpdate = {};
  if (s['desired-count'] !== undefined) update.desiredCount = s['desired-count'];
  if (s['enable-ecs-managed-tags']) update.enableECSManagedTags = s['enable-ecs-managed-tags'] === 'true';
  if (s['propagate-tags']) update.propagateTags = s['propagate-tags'];
  if (s['deployment-configuration'] !== undefined)
    update.deploymentConfiguration = checkDeploymentConfiguration(s['deployment-configuration']);
  if (s['capacity-provider-strategy'] !== undefined)
    update.capacityProviderStrategy = s['capacity-provider-strategy'] as CapacityProviderStrategyItem[];
  if (s['load-balancers'] !== undefined) update.loadBalancers = checkLoadBalancers(s['load-balancers']);
  if (s['service-connect-configuration'] !== undefined)
    update.serviceConnectConfiguration = checkServiceConnect(s['service-connect-configuration']);
  return update;
}

export async function planDeploy(s: DeploySettings, env: Env, log: Logger): Promise<DeployPlan> {
  const resolve = (p: string) => inWorkspace(env, p);
  let definition: Json | undefined;
  if (!TASK_DEFINITION_ARN.test(s['task-definition'])) {
    definition = await loadTaskDefinitionInput(
      s['task-definition'],
      'task-definition',
      workspaceOf(env),
      log,
    );
    if (typeof definition['family'] !== 'string')
      throw new UserError(`${resolve(s['task-definition'])} has no "family": a task definition needs one.`);
  }
  if (s['deregister-previous'] && !definition) {
    throw new UserError(
      "Input 'deregister-previous' needs a task definition file (it keeps the newest revisions of that family).",
    );
  }
  const given = (names: readonly (keyof DeploySettings)[]) => names.filter((k) => s[k] !== undefined);
  const codeDeployGiven = given([
    'codedeploy-appspec',
    'codedeploy-application',
    'codedeploy-deployment-group',
    'codedeploy-deployment-config',
    'codedeploy-description',
  ]);
  const serviceInputs = given([
    'deployment-configuration',
    'load-balancers',
    'service-connect-configuration',
    'deployment-controller',
    'desired-count',
    'capacity-provider-strategy',
    'enable-ecs-managed-tags',
    'propagate-tags',
  ]);
  if (!s.service && (codeDeployGiven.length || serviceInputs.length || s['wait-until'] !== 'succeeded')) {
    const first = codeDeployGiven[0] ?? serviceInputs[0] ?? 'wait-until';
    throw new UserError(
      `Input '${first}' needs 'service': it applies to a ${codeDeployGiven.length ? 'CodeDeploy ' : ''}deployment of a service.`,
    );
  }
  if (s['deployment-controller'] && codeDeployGiven.length) {
    throw new UserError(
      `Input '${codeDeployGiven[0]}' is for a CodeDeploy deployment, but 'deployment-controller: ECS' moves the service to ECS deployments: give one or the other.`,
    );
  }

  const update: ServiceUpdate = serviceUpdateOf(s);
  if (s['force-new-deployment']) update.forceNewDeployment = true;
  if (s['deployment-controller']) update.deploymentController = { type: s['deployment-controller'] };

  const codeDeploy: DeployPlan['codeDeploy'] = { given: codeDeployGiven };
  if (s['codedeploy-appspec']) {
    codeDeploy.appSpecPath = s['codedeploy-appspec'];
    codeDeploy.appSpecFile = await readDataFile(resolve(s['codedeploy-appspec']), 'codedeploy-appspec');
    const properties = serviceResource(codeDeploy.appSpecFile, s['codedeploy-appspec']);
    if (definition) checkAgainstTaskDefinition(properties, definition, s['codedeploy-appspec']);
  }
  if (s['codedeploy-application']) codeDeploy.application = s['codedeploy-application'];
  if (s['codedeploy-deployment-group']) codeDeploy.group = s['codedeploy-deployment-group'];
  if (s['codedeploy-deployment-config']) codeDeploy.config = s['codedeploy-deployment-config'];
  let description = s['codedeploy-description'] ?? defaultDescription(env);
  if (description && description.length > 512) {
    log.warning(
      `Input 'codedeploy-description' has ${description.length} characters; CodeDeploy keeps 512, so it is cut.`,
    );
    description = description.slice(0, 512);
  }
  if (description) codeDeploy.description = description;
  const url = runUrl(env);

  return {
    ...(definition ? { definition } : { arn: s['task-definition'] }),
    cluster: parseCluster(s.cluster).name,
    ...(s.service ? { service: s.service } : {}),
    region: regionFromArns({ cluster: s.cluster, 'task-definition': s['task-definition'] }, s.region),
    wait: s.wait,
    waitUntil: waitUntilOf(s, log),
    timeoutMs: s.timeout,
    forceRegister: s['force-register'],
    ...(s['deregister-previous'] ? { deregisterPrevious: s['deregister-previous'] } : {}),
    update,
    ecsOnlyInputs: given(['load-balancers', 'service-connect-configuration']),
    codeDeploy,
    ...(url ? { runUrl: url } : {}),
  };
}
