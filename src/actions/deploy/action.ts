/**
 * deploy (the root action): register a task definition when it changed, deploy it to the service and
 * follow the deployment until it completes — or say why it failed. Services with the ECS controller are
 * updated and their rolling deployment followed; services with the CODE_DEPLOY controller get a
 * CodeDeploy blue/green deployment from an AppSpec (the user's file, or one made from the service).
 */
import { isAbsolute, join } from 'node:path';
import type { Service } from '@aws-sdk/client-ecs';
import { PollCancelledError, PollTimeoutError } from '../../aws/poller.js';
import { UserError } from '../../errors.js';
import { type ActionContext, defineAction } from '../../github/action.js';
import { boolean, duration, integer, json, oneOf, region, text } from '../../github/inputs.js';
import { consoleLinks, link } from '../../github/summary.js';
import {
  appSpecFromService,
  checkAgainstTaskDefinition,
  serviceResource,
  withTaskDefinition,
} from '../../ecs/appspec.js';
import { DeploymentFailed } from '../../ecs/deployment-failed.js';
import { describeChanges } from '../../taskdef/diff.js';
import type * as AwsModule from './aws.js';
import { loadTaskDefinitionInput, readDataFile } from '../../taskdef/source.js';

const NAME = 'deploy';
const TASK_DEFINITION_ARN =
  /^arn:aws[a-z-]*:ecs:[a-z0-9-]+:\d{12}:task-definition\/[A-Za-z0-9_-]{1,255}:\d+$/;
const CODEDEPLOY_NAME = /^[\w.+@-]{1,100}$/;

export const inputs = {
  'task-definition': text({
    required: true,
    accepted: 'a task definition file (JSON or YAML) or a task definition ARN',
  }),
  cluster: text({
    default: 'default',
    pattern: /^([A-Za-z0-9_-]{1,255}|arn:aws[a-z-]*:ecs:[a-z0-9-]+:\d{12}:cluster\/[A-Za-z0-9_-]{1,255})$/,
    accepted: 'a cluster name or ARN',
  }),
  service: text({ pattern: /^[A-Za-z0-9_-]{1,255}$/, accepted: 'a service name (letters, digits, _ and -)' }),
  wait: boolean({ default: 'true' }),
  timeout: duration({ default: '30m', min: '1s', max: '6h' }),
  'force-register': boolean({ default: 'false' }),
  'force-new-deployment': boolean({ default: 'false' }),
  'desired-count': integer({ min: 0, max: 5000 }),
  'enable-ecs-managed-tags': oneOf(['true', 'false'], {}),
  'propagate-tags': oneOf(['TASK_DEFINITION', 'SERVICE', 'NONE'], {}),
  'deployment-configuration': json({ shape: 'object' }),
  'capacity-provider-strategy': json({ shape: 'array' }),
  'deregister-previous': integer({ min: 1, max: 1000 }),
  'codedeploy-appspec': text({ accepted: 'the path of an AppSpec file (.json, .yaml or .yml)' }),
  'codedeploy-application': text({
    pattern: CODEDEPLOY_NAME,
    accepted: 'a CodeDeploy application name (up to 100 letters, digits and . _ - + @)',
  }),
  'codedeploy-deployment-group': text({
    pattern: CODEDEPLOY_NAME,
    accepted: 'a CodeDeploy deployment group name (up to 100 letters, digits and . _ - + @)',
  }),
  'codedeploy-deployment-config': text({
    pattern: CODEDEPLOY_NAME,
    accepted: 'a CodeDeploy deployment configuration name, such as CodeDeployDefault.ECSAllAtOnce',
  }),
  'codedeploy-description': text({}),
  'codedeploy-wait-until': oneOf(['succeeded', 'traffic-shifted', 'ready'], { default: 'succeeded' }),
  region: region(),
};

type Ctx = ActionContext<typeof inputs>;
type Aws = typeof AwsModule;
type Json = Record<string, unknown>;

interface Target {
  aws: Aws;
  region: string;
  cluster: string;
  service: string;
  clientOptions: { region: string; action: string; env: NodeJS.ProcessEnv };
}

export default defineAction({
  name: NAME,
  inputs,
  outputs: [
    'task-definition-arn',
    'revision',
    'registered',
    'deployment-id',
    'status',
    'codedeploy-deployment-id',
  ],

  async main(ctx) {
    const s = ctx.settings;
    const workspace = ctx.env['GITHUB_WORKSPACE'] ?? process.cwd();
    const resolve = (p: string) => (isAbsolute(p) ? p : join(workspace, p));

    // Everything that can be checked without AWS, first.
    let definition: Json | undefined;
    if (!TASK_DEFINITION_ARN.test(s['task-definition'])) {
      definition = await loadTaskDefinitionInput(s['task-definition'], 'task-definition', workspace, ctx.log);
      if (typeof definition['family'] !== 'string')
        throw new UserError(`${resolve(s['task-definition'])} has no "family": a task definition needs one.`);
    }
    if (s['deregister-previous'] && !definition) {
      throw new UserError(
        "Input 'deregister-previous' needs a task definition file (it keeps the newest revisions of that family).",
      );
    }
    const codeDeployInputs = Object.keys(s).filter(
      (k) =>
        k.startsWith('codedeploy-') && k !== 'codedeploy-wait-until' && s[k as keyof typeof s] !== undefined,
    );
    if (!s.service && codeDeployInputs.length) {
      throw new UserError(
        `Input '${codeDeployInputs[0]}' needs 'service': it applies to a CodeDeploy deployment of a service.`,
      );
    }
    let appSpecFile: unknown;
    if (s['codedeploy-appspec']) {
      appSpecFile = await readDataFile(resolve(s['codedeploy-appspec']), 'codedeploy-appspec');
      const properties = serviceResource(appSpecFile, s['codedeploy-appspec']);
      if (definition) checkAgainstTaskDefinition(properties, definition, s['codedeploy-appspec']);
    }

    const aws = await import('./aws.js');
    const region = aws.resolveRegion(s.region, ctx.env);
    const clientOptions = { region, action: NAME, env: ctx.env };
    const ecs = aws.createClient(aws.ECSClient, clientOptions);
    const cluster = s.cluster.replace(/^arn:.*:cluster\//, '');

    // The service first: a wrong name or controller fails before anything is registered.
    let service: Service | undefined;
    let codeDeploy: Awaited<ReturnType<typeof prepareCodeDeploy>> | undefined;
    if (s.service) {
      service = await aws.describeService(ecs, cluster, s.service, region);
      if (service.status !== 'ACTIVE') {
        throw new UserError(
          `The service "${s.service}" in cluster "${cluster}" is ${service.status}: only an ACTIVE service can be deployed to.`,
        );
      }
      const controller = service.deploymentController?.type ?? 'ECS';
      if (controller === 'EXTERNAL') {
        throw new UserError(
          `The service "${s.service}" uses the EXTERNAL deployment controller: its deployments are made with task sets by another tool, not by UpdateService. Register with this action (omit 'service') and deploy with that tool.`,
        );
      }
      if (controller === 'CODE_DEPLOY') {
        codeDeploy = await prepareCodeDeploy(ctx, {
          aws,
          region,
          cluster,
          service: s.service,
          clientOptions,
        });
      } else if (codeDeployInputs.length) {
        throw new UserError(
          `Input '${codeDeployInputs[0]}' applies to services deployed by CodeDeploy; "${s.service}" uses the ECS rolling deployment controller.`,
        );
      }
    }

    let arn: string;
    let previous: Json | undefined;
    if (definition) {
      const reg = await aws.registerIfChanged(ecs, definition, { force: s['force-register'], log: ctx.log });
      arn = reg.arn;
      previous = reg.previous;
      ctx.setOutput('registered', String(reg.registered));
      ctx.setOutput('revision', String(reg.revision));
    } else {
      arn = s['task-definition'];
      ctx.setOutput('registered', 'false');
      ctx.setOutput('revision', arn.split(':').pop()!);
    }
    ctx.setOutput('task-definition-arn', arn);
    const changes = definition ? describeChanges(previous, definition) : [`deploying ${arn} as it is`];

    if (!s.service || !service) {
      await ctx.summary.addHeading('Task definition', 3).addRaw(arn, true).addList(changes).write();
      return;
    }
    const target: Target = { aws, region, cluster, service: s.service, clientOptions };
    if (codeDeploy) {
      await deployWithCodeDeploy(ctx, target, {
        ecs,
        service,
        arn,
        changes,
        appSpecFile,
        prepared: codeDeploy,
      });
    } else {
      await deployWithEcs(ctx, target, { ecs, arn, changes });
    }

    if (s['deregister-previous'] && definition) {
      const gone = await aws.deregisterOlder(
        ecs,
        String(definition['family']),
        s['deregister-previous'],
        arn,
      );
      if (gone.length) ctx.log.info(`Deregistered ${gone.length} older revision(s): ${gone.join(', ')}`);
    }
  },
});

/** The service settings both controllers apply with UpdateService: count, tags, deployment configuration. */
function serviceSettings(s: Ctx['settings']) {
  return {
    ...(s['desired-count'] !== undefined ? { desiredCount: s['desired-count'] } : {}),
    ...(s['enable-ecs-managed-tags']
      ? { enableECSManagedTags: s['enable-ecs-managed-tags'] === 'true' }
      : {}),
    ...(s['propagate-tags'] ? { propagateTags: s['propagate-tags'] } : {}),
    ...(s['deployment-configuration']
      ? { deploymentConfiguration: s['deployment-configuration'] as never }
      : {}),
  };
}

/** A log that also keeps what it said, for the job summary's timeline. */
function recording(ctx: Ctx): { log: Ctx['log']; lines: string[] } {
  const lines: string[] = [];
  return { lines, log: { ...ctx.log, info: (m: string) => (lines.push(m), ctx.log.info(m)) } };
}

function serviceLink(t: Target): string {
  return link(`${t.cluster}/${t.service}`, consoleLinks.ecsService(t.region, t.cluster, t.service));
}

/** Poll errors other than a failed deployment, in words: the deadline (deployment left alone) or cancellation. */
function waitError(
  error: unknown,
  deployment: string,
  where: string,
  service: 'ECS' | 'CodeDeploy',
): unknown {
  if (error instanceof PollTimeoutError)
    return new UserError(
      `${error.message} The deployment ${deployment} is left to go on; follow it in the console: ${where}`,
    );
  if (error instanceof PollCancelledError)
    return new UserError(`${error.message} The deployment ${deployment} goes on in ${service}.`);
  return error;
}

async function deployWithEcs(
  ctx: Ctx,
  t: Target,
  o: { ecs: InstanceType<Aws['ECSClient']>; arn: string; changes: string[] },
): Promise<void> {
  const s = ctx.settings;
  const { aws } = t;
  const update = await aws.updateService(o.ecs, {
    cluster: t.cluster,
    service: t.service,
    taskDefinition: o.arn,
    ...(s['force-new-deployment'] ? { forceNewDeployment: true } : {}),
    ...serviceSettings(s),
    ...(s['capacity-provider-strategy']
      ? { capacityProviderStrategy: s['capacity-provider-strategy'] as never }
      : {}),
  });
  const deploymentId = update.deploymentId ?? '';
  ctx.setOutput('deployment-id', deploymentId);
  ctx.log.info(`Updated ${t.service} in ${t.cluster}: deployment ${deploymentId}.`);
  const timeline = recording(ctx);

  if (!s.wait) {
    ctx.setOutput('status', 'IN_PROGRESS');
  } else {
    try {
      await aws.waitForDeployment(o.ecs, {
        cluster: t.cluster,
        service: t.service,
        deploymentId,
        region: t.region,
        timeoutMs: s.timeout,
        signal: ctx.signal,
        log: timeline.log,
        ...(update.expectedMs !== undefined ? { expectedMs: update.expectedMs } : {}),
      });
      ctx.setOutput('status', 'COMPLETED');
    } catch (error) {
      if (!(error instanceof DeploymentFailed))
        throw waitError(error, deploymentId, consoleLinks.ecsService(t.region, t.cluster, t.service), 'ECS');
      ctx.setOutput('status', 'FAILED');
      const why = await aws.explainFailure(
        { ecs: o.ecs, logs: () => aws.createClient(aws.CloudWatchLogsClient, t.clientOptions) },
        { cluster: t.cluster, service: t.service, deploymentId, since: update.since },
      );
      for (const line of why) ctx.log.info(line);
      const rolledBack = error.rolledBackTo ? ` ECS rolled back to ${error.rolledBackTo}.` : '';
      await ctx.summary
        .addHeading(`Deployment of ${t.service} failed`, 3)
        .addRaw(`${serviceLink(t)}: ${error.reason}${rolledBack}`, true)
        .addCodeBlock(why.join('\n') || 'no events or stopped tasks found')
        .write();
      const key =
        why.find((l) => l.startsWith('stopped task')) ?? why.find((l) => l.startsWith('event:')) ?? '';
      throw new UserError(
        `The deployment ${deploymentId} of ${t.service} failed: ${error.reason}${rolledBack}${key ? ` First cause: ${key}.` : ''} The log above has the events, stopped tasks and last log lines.`,
      );
    }
  }
  await ctx.summary
    .addHeading(`Deployed ${t.service}`, 3)
    .addRaw(`${serviceLink(t)} → ${o.arn}`, true)
    .addList(o.changes)
    .addCodeBlock(timeline.lines.join('\n') || 'not waited for')
    .write();
}

/** CodeDeploy's deployment group for the service, checked before anything is registered. */
async function prepareCodeDeploy(ctx: Ctx, t: Target) {
  const s = ctx.settings;
  if (s['force-new-deployment']) {
    throw new UserError(
      `Input 'force-new-deployment' does not apply to "${t.service}": it deploys with CodeDeploy, and every CodeDeploy deployment starts a new task set.`,
    );
  }
  if (s['capacity-provider-strategy'] && s['codedeploy-appspec']) {
    throw new UserError(
      `Input 'capacity-provider-strategy' cannot be used with 'codedeploy-appspec' for a CodeDeploy deployment: set CapacityProviderStrategy in ${s['codedeploy-appspec']}.`,
    );
  }
  const ref = {
    application: s['codedeploy-application'] ?? `AppECS-${t.cluster}-${t.service}`,
    group: s['codedeploy-deployment-group'] ?? `DgpECS-${t.cluster}-${t.service}`,
    cluster: t.cluster,
    service: t.service,
  };
  const client = t.aws.createClient(t.aws.CodeDeployClient, t.clientOptions);
  const group = await t.aws.deploymentGroup(client, ref);
  const waits = t.aws.groupWaits(group);
  if (s['codedeploy-wait-until'] === 'ready' && !waits.stopsWhenReady) {
    ctx.log.warning(
      `The deployment group "${ref.group}" reroutes traffic as soon as the replacement task set is ready (its deployment ready option is not STOP_DEPLOYMENT), so there is no Ready state to stop at: waiting until traffic has moved.`,
    );
  }
  return { client, ref, waits };
}

async function deployWithCodeDeploy(
  ctx: Ctx,
  t: Target,
  o: {
    ecs: InstanceType<Aws['ECSClient']>;
    service: Service;
    arn: string;
    changes: string[];
    appSpecFile: unknown;
    prepared: Awaited<ReturnType<typeof prepareCodeDeploy>>;
  },
): Promise<void> {
  const s = ctx.settings;
  const { aws } = t;
  const { client, ref, waits } = o.prepared;

  // Properties CodeDeploy leaves to UpdateService (a task definition is never one of them).
  const serviceUpdate = serviceSettings(s);
  if (Object.keys(serviceUpdate).length) {
    await aws.updateService(o.ecs, { cluster: t.cluster, service: t.service, ...serviceUpdate });
  }

  const where = s['codedeploy-appspec'] ?? 'the AppSpec made from the service';
  const appSpec =
    o.appSpecFile !== undefined
      ? withTaskDefinition(o.appSpecFile, o.arn, where)
      : appSpecFromService(o.service, o.arn, s['capacity-provider-strategy'] as Json[] | undefined);
  if (o.appSpecFile === undefined) {
    const { taskDefinition } = await o.ecs.send(
      new aws.DescribeTaskDefinitionCommand({ taskDefinition: o.arn }),
    );
    checkAgainstTaskDefinition(serviceResource(appSpec, where), (taskDefinition ?? {}) as Json, where);
  }

  let description = s['codedeploy-description'] ?? defaultDescription(ctx.env);
  if (description && description.length > 512) {
    ctx.log.warning(
      `Input 'codedeploy-description' has ${description.length} characters; CodeDeploy keeps 512, so it is cut.`,
    );
    description = description.slice(0, 512);
  }
  const deploymentId = await aws.createDeployment(client, {
    ref,
    appSpec,
    ...(s['codedeploy-deployment-config'] ? { config: s['codedeploy-deployment-config'] } : {}),
    ...(description ? { description } : {}),
  });
  ctx.setOutput('codedeploy-deployment-id', deploymentId);
  ctx.setOutput('deployment-id', deploymentId);
  const href = consoleLinks.codeDeployDeployment(t.region, deploymentId);
  ctx.log.info(
    `Created CodeDeploy deployment ${deploymentId} of ${t.service} (${ref.application}/${ref.group}): ${href}`,
  );

  const until = s['codedeploy-wait-until'];
  const timeline = recording(ctx);
  let lifecycle: string[] = [];
  if (!s.wait) {
    ctx.setOutput('status', 'IN_PROGRESS');
  } else {
    // The group's own waits come on top of the timeout, as far as the wait goes through them.
    const extraMinutes =
      (until === 'succeeded' ? waits.terminationMinutes : 0) + (until !== 'ready' ? waits.readyMinutes : 0);
    try {
      const { value } = await aws.waitForCodeDeploy(client, {
        deploymentId,
        until,
        timeoutMs: s.timeout + extraMinutes * 60_000,
        waits,
        signal: ctx.signal,
        log: timeline.log,
      });
      lifecycle = aws.lifecycleLines(value.events);
      logLifecycle(ctx, lifecycle);
      const status = value.deployment.status;
      ctx.setOutput(
        'status',
        status === 'Succeeded' ? 'COMPLETED' : status === 'Ready' ? 'READY' : 'TRAFFIC_SHIFTED',
      );
    } catch (error) {
      if (!(error instanceof aws.CodeDeployFailed)) throw waitError(error, deploymentId, href, 'CodeDeploy');
      ctx.setOutput('status', 'FAILED');
      lifecycle = aws.lifecycleLines(error.events);
      const rollback = error.deployment.rollbackInfo?.rollbackDeploymentId;
      const rolledBack = rollback
        ? ` CodeDeploy rolled back with deployment ${rollback}; the service keeps the previous task set.`
        : '';
      const code = error.deployment.errorInformation?.code;
      const failed = error.events.find((e) => e.status === 'Failed');
      logLifecycle(ctx, lifecycle);
      await ctx.summary
        .addHeading(
          `CodeDeploy deployment of ${t.service} ${error.deployment.status === 'Stopped' ? 'stopped' : 'failed'}`,
          3,
        )
        .addRaw(`${link(deploymentId, href)} (${serviceLink(t)}): ${error.message}.${rolledBack}`, true)
        .addCodeBlock(lifecycle.join('\n') || 'no lifecycle events')
        .write();
      throw new UserError(
        `${error.message}${code ? ` (${code})` : ''}.${failed ? ` The lifecycle event ${failed.lifecycleEventName} failed${failed.diagnostics?.message ? `: ${failed.diagnostics.message}` : ''}.` : ''}${rolledBack} The log above has every lifecycle event.`,
      );
    }
  }
  await ctx.summary
    .addHeading(`Deployed ${t.service} with CodeDeploy`, 3)
    .addRaw(`${link(deploymentId, href)} (${serviceLink(t)}) → ${o.arn}`, true)
    .addList(o.changes)
    .addCodeBlock([...timeline.lines, ...lifecycle].join('\n') || 'not waited for')
    .write();
}

function logLifecycle(ctx: Ctx, lines: readonly string[]): void {
  ctx.log.info('Lifecycle events:');
  for (const line of lines) ctx.log.info(`  ${line}`);
}

/** Where a deployment came from, for the CodeDeploy console: repository, commit and run. */
function defaultDescription(env: NodeJS.ProcessEnv): string | undefined {
  const repo = env['GITHUB_REPOSITORY'];
  if (!repo) return undefined;
  const sha = env['GITHUB_SHA']?.slice(0, 12);
  const run = env['GITHUB_RUN_ID'];
  return `ecs-shipyard deploy from ${repo}${sha ? `@${sha}` : ''}${run ? ` (run ${env['GITHUB_SERVER_URL'] ?? 'https://github.com'}/${repo}/actions/runs/${run})` : ''}`;
}
