/**
 * CodeDeploy (awsJson1_1) for ECS blue/green: deployment groups bound to a service, CreateDeployment
 * from AppSpec content, and deployments played on the simulator's clock through the ECS lifecycle
 * events — hooks that are not in the AppSpec are skipped, a hook can fail (with diagnostics), the
 * deployment can wait in Ready for traffic to be rerouted, and the original task set is kept for the
 * termination wait. When traffic moves, the ECS service runs the new task definition from then on.
 */
import { createHash } from 'node:crypto';
import { parse as parseYaml } from 'yaml';
import { AwsError } from '../errors.js';
import type { CodeDeployPlan, CodeDeployScenario } from '../scenario.js';
import type { JsonService, RequestContext, Simulator } from '../server.js';
import { any, str, struct } from '../shapes.js';
import { findTaskDefinition } from './ecs.js';
import { cutOver, serviceRecord } from './ecs-services.js';

type Json = Record<string, unknown>;
type Group = NonNullable<CodeDeployScenario['applications']>[number]['groups'][number];

/** The ECS lifecycle events in order; the hooks are the ones an AppSpec can name. */
const BEFORE_READY = [
  'BeforeInstall',
  'Install',
  'AfterInstall',
  'AllowTestTraffic',
  'AfterAllowTestTraffic',
];
const AFTER_READY = ['BeforeAllowTraffic', 'AllowTraffic', 'AfterAllowTraffic'];
const HOOKS = new Set([
  'BeforeInstall',
  'AfterInstall',
  'AfterAllowTestTraffic',
  'BeforeAllowTraffic',
  'AfterAllowTraffic',
]);
const CONFIGS = new Set([
  'CodeDeployDefault.ECSAllAtOnce',
  'CodeDeployDefault.ECSLinear10PercentEvery1Minutes',
  'CodeDeployDefault.ECSLinear10PercentEvery3Minutes',
  'CodeDeployDefault.ECSCanary10Percent5Minutes',
  'CodeDeployDefault.ECSCanary10Percent15Minutes',
]);

interface Step {
  name: string;
  start: number;
  end: number;
  status: 'Succeeded' | 'Failed' | 'Skipped';
  diagnostics?: Json;
}

interface DeploymentRecord {
  id: string;
  application: string;
  group: Group;
  config: string;
  description?: string;
  region: string;
  account: string;
  createdAt: number;
  sha256: string;
  steps: Step[];
  /** Ready (waiting for traffic to be rerouted) from … to …, when the group stops there. */
  ready?: { from: number; to: number };
  /** Termination wait from … to … after traffic moved. */
  termination?: { from: number; to: number };
  end: number;
  outcome: 'Succeeded' | 'Failed' | 'Stopped';
  error?: { code: string; message: string };
  rollbackId?: string;
}

type Played = Pick<DeploymentRecord, 'steps' | 'ready' | 'termination' | 'end' | 'outcome' | 'error'>;

function state(sim: Simulator): Map<string, DeploymentRecord> {
  let s = sim.state.get('codedeploy') as Map<string, DeploymentRecord> | undefined;
  if (!s) {
    s = new Map();
    sim.state.set('codedeploy', s);
  }
  return s;
}

function findGroup(ctx: RequestContext, application: string, group: string): Group {
  const app = ctx.sim.scenario.codedeploy?.applications?.find((a) => a.name === application);
  if (!app)
    throw new AwsError('ApplicationDoesNotExistException', `No application found for name: ${application}`);
  const found = app.groups.find((g) => g.name === group);
  if (!found)
    throw new AwsError(
      'DeploymentGroupDoesNotExistException',
      `No Deployment Group found for name: ${group}`,
    );
  return found;
}

const deploymentId = (seed: string) =>
  `d-${createHash('sha256').update(seed).digest('hex').slice(0, 9).toUpperCase()}`;

/** Plays one deployment's lifecycle from `at`: the steps, where it waits, and how it ends. */
function plan(
  group: Group,
  p: CodeDeployPlan,
  hooks: Set<string>,
  at: number,
  failure?: { at: string; message: string },
): Played {
  const stepMs = p.stepMs ?? 1000;
  const failAt = failure?.at ?? p.failAt;
  const steps: Step[] = [];
  let t = at;
  const run = (names: string[]): boolean => {
    for (const name of names) {
      if (HOOKS.has(name) && !hooks.has(name) && name !== failAt) {
        steps.push({ name, start: t, end: t, status: 'Skipped' });
        continue;
      }
      const step: Step = { name, start: t, end: t + stepMs, status: 'Succeeded' };
      t += stepMs;
      steps.push(step);
      if (name === failAt) {
        step.status = 'Failed';
        step.diagnostics = HOOKS.has(name)
          ? {
              errorCode: 'ScriptFailed',
              scriptName: hooks.has(name) ? name : '',
              message: failure?.message ?? p.message ?? 'The hook reported Failed.',
              logTail: p.logTail ?? '',
            }
          : { errorCode: 'UnknownError', message: failure?.message ?? p.message ?? 'failed' };
        return false;
      }
    }
    return true;
  };
  const fail = (at: string): Played => {
    const hook = HOOKS.has(at);
    return {
      steps,
      end: t,
      outcome: 'Failed',
      error: {
        code: hook ? 'HOOK_EXECUTION_FAILURE' : 'ECS_UPDATE_ERROR',
        message: hook
          ? `The deployment failed because one or more of the hooks of lifecycle event ${at} failed.`
          : `The ECS service cannot be updated: ${failure?.message ?? p.message ?? 'unexpected error'}`,
      },
    };
  };
  if (!run(BEFORE_READY)) return fail(failAt!);
  let ready: { from: number; to: number } | undefined;
  if (group.readyWait?.action === 'STOP_DEPLOYMENT') {
    ready = { from: t, to: t + (group.readyWait.minutes ?? 60) * 60_000 };
    // Nobody reroutes traffic in the simulator: the wait runs out and the deployment stops.
    return {
      steps,
      ready,
      end: ready.to,
      outcome: 'Stopped',
      error: {
        code: 'TIMEOUT',
        message:
          'The deployment timed out while waiting for someone to reroute traffic to the replacement task set.',
      },
    };
  }
  if (!run(AFTER_READY)) return fail(failAt!);
  const termination = { from: t, to: t + (group.terminationWaitMinutes ?? 0) * 60_000 };
  return { steps, termination, end: termination.to, outcome: 'Succeeded' };
}

function statusAt(d: DeploymentRecord, now: number): string {
  if (now >= d.end) return d.outcome;
  if (d.ready && now >= d.ready.from) return 'Ready';
  return 'InProgress';
}

function info(d: DeploymentRecord, now: number): Json {
  const status = statusAt(d, now);
  const ended = now >= d.end;
  return {
    applicationName: d.application,
    deploymentGroupName: d.group.name,
    deploymentConfigName: d.config,
    deploymentId: d.id,
    status,
    createTime: d.createdAt / 1000,
    ...(ended ? { completeTime: d.end / 1000 } : {}),
    creator: 'user',
    computePlatform: 'ECS',
    ...(d.description !== undefined ? { description: d.description } : {}),
    revision: { revisionType: 'AppSpecContent', appSpecContent: { sha256: d.sha256 } },
    deploymentStyle: { deploymentType: 'BLUE_GREEN', deploymentOption: 'WITH_TRAFFIC_CONTROL' },
    instanceTerminationWaitTimeStarted: d.termination !== undefined && now >= d.termination.from,
    ...(ended && d.error ? { errorInformation: d.error } : {}),
    ...(ended && d.rollbackId
      ? {
          rollbackInfo: {
            rollbackDeploymentId: d.rollbackId,
            rollbackMessage: `Deployment ${d.id} failed; CodeDeploy rolled back with deployment ${d.rollbackId}.`,
          },
        }
      : {}),
  };
}

function lifecycle(d: DeploymentRecord, now: number): Json[] {
  return d.steps.map((s) => {
    const status =
      now >= s.end ? s.status : now >= s.start ? 'InProgress' : now >= d.end ? 'Skipped' : 'Pending';
    return {
      lifecycleEventName: s.name,
      status,
      ...(now >= s.start ? { startTime: s.start / 1000 } : {}),
      ...(now >= s.end ? { endTime: s.end / 1000 } : {}),
      ...(now >= s.end && s.diagnostics ? { diagnostics: s.diagnostics } : {}),
    };
  });
}

function getDeployment(ctx: RequestContext, id: unknown): DeploymentRecord {
  const d = state(ctx.sim).get(String(id));
  if (!d || d.region !== ctx.region)
    throw new AwsError('DeploymentDoesNotExistException', `The deployment ${String(id)} could not be found.`);
  return d;
}

/** The AppSpec's one ECS service resource, or InvalidRevisionException. */
function appSpecResource(content: string): Json {
  let doc: unknown;
  try {
    doc = parseYaml(content);
  } catch (error) {
    throw new AwsError(
      'InvalidRevisionException',
      `The AppSpec content is not valid YAML or JSON: ${(error as Error).message}`,
    );
  }
  const resources = (doc as Json | null)?.['Resources'];
  const first = Array.isArray(resources) ? (resources as Json[])[0] : undefined;
  const resource = first ? (Object.values(first)[0] as Json | undefined) : undefined;
  if (!resource || resource['Type'] !== 'AWS::ECS::Service' || typeof resource['Properties'] !== 'object') {
    throw new AwsError(
      'InvalidRevisionException',
      'The AppSpec file must have one resource of Type AWS::ECS::Service with Properties.',
    );
  }
  return resource['Properties'] as Json;
}

export const codeDeployService: JsonService = {
  protocol: 'awsJson1_1',
  name: 'codedeploy',
  iamPrefix: 'codedeploy',
  targetPrefix: 'CodeDeploy_20141006',
  operations: {
    GetDeploymentGroup: {
      input: struct(
        { applicationName: str({ min: 1, max: 100 }), deploymentGroupName: str({ min: 1, max: 100 }) },
        ['applicationName', 'deploymentGroupName'],
      ),
      handler(input, ctx) {
        const app = String(input['applicationName']);
        const g = findGroup(ctx, app, String(input['deploymentGroupName']));
        return {
          deploymentGroupInfo: {
            applicationName: app,
            deploymentGroupId: createHash('sha256').update(`${app}/${g.name}`).digest('hex').slice(0, 36),
            deploymentGroupName: g.name,
            deploymentConfigName: g.deploymentConfigName ?? 'CodeDeployDefault.ECSAllAtOnce',
            computePlatform: 'ECS',
            ecsServices: [{ serviceName: g.service, clusterName: g.cluster }],
            deploymentStyle: { deploymentType: 'BLUE_GREEN', deploymentOption: 'WITH_TRAFFIC_CONTROL' },
            blueGreenDeploymentConfiguration: {
              terminateBlueInstancesOnDeploymentSuccess: {
                action: 'TERMINATE',
                terminationWaitTimeInMinutes: g.terminationWaitMinutes ?? 0,
              },
              deploymentReadyOption: {
                actionOnTimeout: g.readyWait?.action ?? 'CONTINUE_DEPLOYMENT',
                waitTimeInMinutes: g.readyWait?.minutes ?? 0,
              },
            },
            autoRollbackConfiguration: {
              enabled: g.autoRollback ?? true,
              events: ['DEPLOYMENT_FAILURE'],
            },
          },
        };
      },
    },
    CreateDeployment: {
      input: struct(
        {
          applicationName: str({ min: 1, max: 100 }),
          deploymentGroupName: str({ min: 1, max: 100 }),
          deploymentConfigName: str({ min: 1, max: 100 }),
          description: str({ max: 512 }),
          revision: any,
          ignoreApplicationStopFailures: any,
          autoRollbackConfiguration: any,
          fileExistsBehavior: str(),
        },
        ['applicationName'],
      ),
      handler(input, ctx) {
        const app = String(input['applicationName']);
        if (input['deploymentGroupName'] === undefined)
          throw new AwsError('DeploymentGroupNameRequiredException', 'Deployment Group name is missing');
        const group = findGroup(ctx, app, String(input['deploymentGroupName']));
        const config =
          (input['deploymentConfigName'] as string | undefined) ??
          group.deploymentConfigName ??
          'CodeDeployDefault.ECSAllAtOnce';
        if (!CONFIGS.has(config))
          throw new AwsError(
            'DeploymentConfigDoesNotExistException',
            `No deployment configuration found for name: ${config}`,
          );
        const all = state(ctx.sim);
        const active = [...all.values()].find(
          (d) => d.application === app && d.group === group && ctx.now < d.end,
        );
        if (active)
          throw new AwsError(
            'DeploymentLimitExceededException',
            `The Deployment Group '${group.name}' already has an active Deployment '${active.id}'`,
          );
        const revision = input['revision'] as Json | undefined;
        if (revision?.['revisionType'] !== 'AppSpecContent')
          throw new AwsError(
            'InvalidRevisionException',
            'The simulator takes revisions of type AppSpecContent only.',
          );
        const spec = revision['appSpecContent'] as { content?: string; sha256?: string } | undefined;
        const content = spec?.content ?? '';
        const sha256 = createHash('sha256').update(content).digest('hex');
        if (spec?.sha256 !== undefined && spec.sha256 !== sha256)
          throw new AwsError(
            'InvalidRevisionException',
            'The sha256 of the AppSpec content does not match the content.',
          );
        const props = appSpecResource(content);
        const hooks = new Set(
          ((parseYaml(content) as Json)['Hooks'] as Json[] | undefined)?.flatMap((h) => Object.keys(h)) ?? [],
        );

        // What ECS would refuse when CodeDeploy creates the replacement task set: the deployment fails at Install.
        let failure: { at: string; message: string } | undefined;
        const td = findTaskDefinition(ctx, String(props['TaskDefinition'] ?? ''));
        const lb = props['LoadBalancerInfo'] as Json | undefined;
        const containers = (td?.definition['containerDefinitions'] as Json[] | undefined) ?? [];
        if (!td || td.status !== 'ACTIVE') {
          failure = {
            at: 'Install',
            message: `The task definition ${String(props['TaskDefinition'])} is not ACTIVE or does not exist.`,
          };
        } else if (lb && !containers.some((c) => c['name'] === lb['ContainerName'])) {
          failure = {
            at: 'Install',
            message: `The container ${String(lb['ContainerName'])} does not exist in the task definition.`,
          };
        } else if (
          lb &&
          !containers.some((c) =>
            ((c['portMappings'] as Json[] | undefined) ?? []).some(
              (m) => m['containerPort'] === Number(lb['ContainerPort']),
            ),
          )
        ) {
          failure = {
            at: 'Install',
            message: `No container of the task definition maps port ${String(lb['ContainerPort'])}.`,
          };
        }

        const n = [...all.values()].filter((d) => d.group === group).length;
        const p = group.plans?.[Math.min(n, (group.plans?.length ?? 1) - 1)] ?? {};
        const id = deploymentId(`${app}/${group.name}/${ctx.now}/${n}`);
        const played = plan(group, p, hooks, ctx.now, failure);
        const record: DeploymentRecord = {
          id,
          application: app,
          group,
          config,
          region: ctx.region,
          account: ctx.account,
          createdAt: ctx.now,
          sha256,
          ...(input['description'] !== undefined ? { description: String(input['description']) } : {}),
          ...played,
          ...(played.outcome === 'Failed' && (group.autoRollback ?? true)
            ? { rollbackId: deploymentId(`${id}/rollback`) }
            : {}),
        };
        all.set(id, record);
        const svc = serviceRecord(ctx.sim, ctx.region, group.cluster, group.service);
        const allowTraffic = record.steps.find((s) => s.name === 'AllowTraffic');
        if (svc && td && record.outcome === 'Succeeded' && allowTraffic)
          cutOver(svc, td, allowTraffic.end, id);
        return { deploymentId: id };
      },
    },
    GetDeployment: {
      input: struct({ deploymentId: str() }, ['deploymentId']),
      handler(input, ctx) {
        return { deploymentInfo: info(getDeployment(ctx, input['deploymentId']), ctx.now) };
      },
    },
    ListDeploymentTargets: {
      input: struct({ deploymentId: str(), nextToken: str(), targetFilters: any }, ['deploymentId']),
      handler(input, ctx) {
        const d = getDeployment(ctx, input['deploymentId']);
        return { targetIds: [`${d.group.cluster}:${d.group.service}`] };
      },
    },
    GetDeploymentTarget: {
      input: struct({ deploymentId: str(), targetId: str() }, ['deploymentId', 'targetId']),
      handler(input, ctx) {
        const d = getDeployment(ctx, input['deploymentId']);
        const targetId = `${d.group.cluster}:${d.group.service}`;
        if (input['targetId'] !== targetId)
          throw new AwsError(
            'DeploymentTargetDoesNotExistException',
            `The target ${String(input['targetId'])} is not part of the deployment.`,
          );
        const status = statusAt(d, ctx.now);
        return {
          deploymentTarget: {
            deploymentTargetType: 'ECSTarget',
            ecsTarget: {
              deploymentId: d.id,
              targetId,
              targetArn: `arn:aws:ecs:${d.region}:${d.account}:service/${d.group.cluster}/${d.group.service}`,
              lastUpdatedAt: Math.min(ctx.now, d.end) / 1000,
              lifecycleEvents: lifecycle(d, ctx.now),
              status: status === 'Stopped' ? 'Failed' : status,
            },
          },
        };
      },
    },
  },
};
