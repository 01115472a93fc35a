/**
 * continue-deployment: the shell. Reads the inputs, plans (every check that needs no AWS call), runs the
 * decision at the paused service deployment with a client made for this step, and maps the report to
 * the same outputs and summary as deploy.
 */
import { explainError } from '../../aws/errors.js';
import { planContinue } from '../../ecs/continue-plan.js';
import { defineAction } from '../../github/action.js';
import { writeSummary } from '../../github/deployment-summary.js';
import { cluster, duration, oneOf, region, text } from '../../github/inputs.js';
import type * as AwsModule from './aws.js';

const NAME = 'continue-deployment';

export const inputs = {
  cluster: cluster({ default: 'default' }),
  service: text({
    required: true,
    pattern: /^[A-Za-z0-9_-]{1,255}$/,
    accepted: 'a service name (letters, digits, _ and -)',
  }),
  'service-deployment-arn': text({ accepted: "a service deployment ARN (deploy's output)" }),
  'hook-id': text({ accepted: "a lifecycle hook ID (deploy's output hook-id)" }),
  decision: oneOf(['continue', 'rollback'], { required: true }),
  'wait-until': oneOf(['succeeded', 'traffic-shifted', 'paused'], { default: 'succeeded' }),
  timeout: duration({ default: '30m', min: '1s', max: '6h' }),
  region: region(),
};

export const outputs = [
  'task-definition-arn',
  'revision',
  'service-deployment-arn',
  'status',
  'lifecycle-stage',
  'hook-id',
] as const;

export default defineAction({
  name: NAME,
  inputs,
  outputs,

  async main(ctx) {
    const plan = planContinue(ctx.settings, ctx.env);
    const aws: typeof AwsModule = await import('./aws.js');
    const region = aws.resolveRegion(plan.region, ctx.env);
    const report = aws.newReport(plan.cluster);
    try {
      await aws.runContinue(
        plan,
        {
          ecs: aws.createClient(aws.ECSClient, { region, action: NAME, env: ctx.env }),
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
      const values: Record<(typeof outputs)[number], string | undefined> = {
        'task-definition-arn': report.taskDefinitionArn,
        revision: report.revision,
        'service-deployment-arn': report.serviceDeploymentArn,
        status: report.status,
        'lifecycle-stage': report.lifecycleStage,
        'hook-id': report.hookId,
      };
      ctx.setOutputs(values);
      if (report.serviceDeploymentArn) await writeSummary(ctx.summary, report);
    }
  },
});
