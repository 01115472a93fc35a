/**
 * deploy (the root action): the shell. It reads the inputs, asks the core for a plan (every check made
 * before AWS is called), runs it with clients made for this step, and maps the report — filled in as the
 * run goes, so that a failure still sets what is known — to outputs and the job summary.
 */
import { explainError } from '../../aws/errors.js';
import { defineAction } from '../../github/action.js';
import { boolean, cluster, duration, integer, oneOf, region, text } from '../../github/inputs.js';
import { planDeploy } from '../../ecs/deploy-plan.js';
import type { DeployReport } from '../../ecs/deploy-run.js';
import type * as AwsModule from './aws.js';
import { writeSummary } from '../../github/deployment-summary.js';
import { serviceUpdateInputs } from '../../github/service-inputs.js';

const NAME = 'deploy';
const CODEDEPLOY_NAME = /^[\w.+@-]{1,100}$/;
const codeDeployName = (what: string) =>
  text({
    pattern: CODEDEPLOY_NAME,
    accepted: `a CodeDeploy ${what} name (up to 100 letters, digits and . _ - + @)`,
  });

export const inputs = {
  'task-definition': text({
    required: true,
    accepted: 'a task definition file (JSON or YAML) or a task definition ARN',
  }),
  cluster: cluster({ default: 'default' }),
  service: text({ pattern: /^[A-Za-z0-9_-]{1,255}$/, accepted: 'a service name (letters, digits, _ and -)' }),
  wait: boolean({ default: 'true' }),
  'wait-until': oneOf(['succeeded', 'traffic-shifted', 'paused'], { default: 'succeeded' }),
  timeout: duration({ default: '30m', min: '1s', max: '6h' }),
  'force-register': boolean({ default: 'false' }),
  'force-new-deployment': boolean({ default: 'false' }),
  ...serviceUpdateInputs,
  'deployment-controller': oneOf(['ECS'], {}),
  'deregister-previous': integer({ min: 1, max: 1000 }),
  'codedeploy-appspec': text({ accepted: 'the path of an AppSpec file (.json, .yaml or .yml)' }),
  'codedeploy-application': codeDeployName('application'),
  'codedeploy-deployment-group': codeDeployName('deployment group'),
  'codedeploy-deployment-config': text({
    pattern: CODEDEPLOY_NAME,
    accepted: 'a CodeDeploy deployment configuration name, such as CodeDeployDefault.ECSAllAtOnce',
  }),
  'codedeploy-description': text({}),
  'codedeploy-wait-until': oneOf(['succeeded', 'traffic-shifted', 'ready'], {}),
  region: region(),
};

export const outputs = [
  'task-definition-arn',
  'revision',
  'registered',
  'deployment-id',
  'service-deployment-arn',
  'status',
  'lifecycle-stage',
  'hook-id',
  'codedeploy-deployment-id',
] as const;

type Output = (typeof outputs)[number];

/** The report as outputs: every one that is known, also after a failure. */
export function outputsOf(report: DeployReport): Partial<Record<Output, string>> {
  const out: Partial<Record<Output, string>> = {};
  const set = (name: Output, value: string | boolean | undefined) => {
    if (value !== undefined) out[name] = String(value);
  };
  set('task-definition-arn', report.taskDefinitionArn);
  set('revision', report.revision);
  set('registered', report.registered);
  set('deployment-id', report.deploymentId);
  set('service-deployment-arn', report.serviceDeploymentArn);
  set('status', report.status);
  set('lifecycle-stage', report.lifecycleStage);
  set('hook-id', report.hookId);
  set('codedeploy-deployment-id', report.codeDeployDeploymentId);
  return out;
}

export default defineAction({
  name: NAME,
  inputs,
  outputs,

  async main(ctx) {
    const plan = await planDeploy(ctx.settings, ctx.env, ctx.log);
    const aws: typeof AwsModule = await import('./aws.js');
    const region = aws.resolveRegion(plan.region, ctx.env);
    const options = { region, action: NAME, env: ctx.env };
    const report = aws.newReport(plan.cluster);
    try {
      await aws.runDeploy(
        plan,
        {
          clients: {
            ecs: aws.createClient(aws.ECSClient, options),
            logs: () => aws.createClient(aws.CloudWatchLogsClient, options),
            codeDeploy: () => aws.createClient(aws.CodeDeployClient, options),
          },
          region,
          log: ctx.log,
          signal: ctx.signal,
        },
        report,
      );
    } catch (error) {
      report.reason ??= explainError(error);
      throw error;
    } finally {
      ctx.setOutputs(outputsOf(report));
      await writeSummary(ctx.summary, report);
    }
  },
});
