/**
 * deploy (the root action): register a task definition when it changed, update the service, and follow
 * the deployment until it completes — or say why it failed: service events, stopped tasks with exit
 * codes and reasons, and the failing container's last log lines.
 */
import { isAbsolute, join } from 'node:path';
import { PollCancelledError, PollTimeoutError } from '../../aws/poller.js';
import { UserError } from '../../errors.js';
import { defineAction } from '../../github/action.js';
import { boolean, duration, integer, json, oneOf, region, text } from '../../github/inputs.js';
import { link } from '../../github/summary.js';
import { describeChanges } from '../../taskdef/diff.js';
import { loadTaskDefinitionInput } from '../../taskdef/source.js';
import { DeploymentFailed } from '../../ecs/deployment-failed.js';

const NAME = 'deploy';
const TASK_DEFINITION_ARN =
  /^arn:aws[a-z-]*:ecs:[a-z0-9-]+:\d{12}:task-definition\/[A-Za-z0-9_-]{1,255}:\d+$/;

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
  region: region(),
};

function serviceLink(region: string, cluster: string, service: string): string {
  return `https://${region}.console.aws.amazon.com/ecs/v2/clusters/${cluster}/services/${service}/health?region=${region}`;
}

export default defineAction({
  name: NAME,
  inputs,
  outputs: ['task-definition-arn', 'revision', 'registered', 'deployment-id', 'status'],

  async main(ctx) {
    const s = ctx.settings;
    const byArn = TASK_DEFINITION_ARN.test(s['task-definition']);
    let definition: Record<string, unknown> | undefined;
    if (!byArn) {
      const workspace = ctx.env['GITHUB_WORKSPACE'] ?? process.cwd();
      const path = isAbsolute(s['task-definition'])
        ? s['task-definition']
        : join(workspace, s['task-definition']);
      definition = await loadTaskDefinitionInput(s['task-definition'], 'task-definition', workspace, ctx.log);
      if (typeof definition['family'] !== 'string')
        throw new UserError(`${path} has no "family": a task definition needs one.`);
    }
    if (s['deregister-previous'] && !definition) {
      throw new UserError(
        "Input 'deregister-previous' needs a task definition file (it keeps the newest revisions of that family).",
      );
    }

    const aws = await import('./aws.js');
    const region = aws.resolveRegion(s.region, ctx.env);
    const options = { region, action: NAME, env: ctx.env };
    const ecs = aws.createClient(aws.ECSClient, options);
    const cluster = s.cluster.replace(/^arn:.*:cluster\//, '');

    // The service first: a wrong name fails before anything is registered.
    if (s.service) {
      const service = await aws.describeService(ecs, cluster, s.service, region);
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
        throw new UserError(
          `The service "${s.service}" deploys with CodeDeploy (blue/green); this version of ecs-shipyard deploys only services with the ECS deployment controller.`,
        );
      }
    }

    let arn: string;
    let previous: Record<string, unknown> | undefined;
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

    if (!s.service) {
      await ctx.summary.addHeading('Task definition', 3).addRaw(arn, true).addList(changes).write();
      return;
    }

    const update = await aws.updateService(ecs, {
      cluster,
      service: s.service,
      taskDefinition: arn,
      ...(s['force-new-deployment'] ? { forceNewDeployment: true } : {}),
      ...(s['desired-count'] !== undefined ? { desiredCount: s['desired-count'] } : {}),
      ...(s['enable-ecs-managed-tags']
        ? { enableECSManagedTags: s['enable-ecs-managed-tags'] === 'true' }
        : {}),
      ...(s['propagate-tags'] ? { propagateTags: s['propagate-tags'] } : {}),
      ...(s['deployment-configuration']
        ? { deploymentConfiguration: s['deployment-configuration'] as never }
        : {}),
      ...(s['capacity-provider-strategy']
        ? { capacityProviderStrategy: s['capacity-provider-strategy'] as never }
        : {}),
    });
    const deploymentId = update.deploymentId ?? '';
    ctx.setOutput('deployment-id', deploymentId);
    ctx.log.info(`Updated ${s.service} in ${cluster}: deployment ${deploymentId}.`);
    const timeline: string[] = [];
    const log = { ...ctx.log, info: (m: string) => (timeline.push(m), ctx.log.info(m)) };

    if (!s.wait) {
      ctx.setOutput('status', 'IN_PROGRESS');
    } else {
      try {
        await aws.waitForDeployment(ecs, {
          cluster,
          service: s.service,
          deploymentId,
          region,
          timeoutMs: s.timeout,
          signal: ctx.signal,
          log,
        });
        ctx.setOutput('status', 'COMPLETED');
      } catch (error) {
        if (error instanceof DeploymentFailed) {
          ctx.setOutput('status', 'FAILED');
          const why = await aws.explainFailure(
            { ecs, logs: () => aws.createClient(aws.CloudWatchLogsClient, options) },
            { cluster, service: s.service, deploymentId, since: update.since },
          );
          for (const line of why) ctx.log.info(line);
          await ctx.summary
            .addHeading(`Deployment of ${s.service} failed`, 3)
            .addRaw(
              `${link(`${cluster}/${s.service}`, serviceLink(region, cluster, s.service))}: ${error.reason}${error.rolledBackTo ? ` Rolled back to ${error.rolledBackTo}.` : ''}`,
              true,
            )
            .addCodeBlock(why.join('\n') || 'no events or stopped tasks found')
            .write();
          const key =
            why.find((l) => l.startsWith('stopped task')) ?? why.find((l) => l.startsWith('event:')) ?? '';
          throw new UserError(
            `The deployment ${deploymentId} of ${s.service} failed: ${error.reason}${error.rolledBackTo ? ` ECS rolled back to ${error.rolledBackTo}.` : ''}${key ? ` First cause: ${key}.` : ''} The log above has the events, stopped tasks and last log lines.`,
          );
        }
        if (error instanceof PollTimeoutError) {
          throw new UserError(
            `${error.message} The deployment ${deploymentId} is left to go on; follow it in the console: ${serviceLink(region, cluster, s.service)}`,
          );
        }
        if (error instanceof PollCancelledError) {
          throw new UserError(`${error.message} The deployment ${deploymentId} goes on in ECS.`);
        }
        throw error;
      }
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
    await ctx.summary
      .addHeading(`Deployed ${s.service}`, 3)
      .addRaw(`${link(`${cluster}/${s.service}`, serviceLink(region, cluster, s.service))} → ${arn}`, true)
      .addList(changes)
      .addCodeBlock(timeline.join('\n') || 'not waited for')
      .write();
  },
});
