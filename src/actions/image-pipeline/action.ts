/**
 * image-pipeline: the shell. It reads the inputs, asks the core for a plan (every check made before AWS
 * is called), runs it with a client made for this step, and maps the report — filled in as the run goes,
 * so that a failure still sets what is known — to outputs and the job summary.
 */
import { consoleLinks } from '../../aws/console.js';
import { defineAction } from '../../github/action.js';
import { boolean, duration, parsed, region, text } from '../../github/inputs.js';
import { link } from '../../github/summary.js';
import { parseImageArn } from '../../imagebuilder/arn.js';
import { planPipeline } from '../../imagebuilder/pipeline-plan.js';
import type { PipelineReport } from '../../imagebuilder/pipeline-run.js';
import { parseParentImage } from '../../imagebuilder/references.js';
import type * as AwsModule from './aws.js';

const NAME = 'image-pipeline';

const PIPELINE =
  /^(arn:aws[a-z-]*:imagebuilder:[a-z0-9-]+:\d{12}:image-pipeline\/[a-z0-9-_]+|[-_A-Za-z0-9][-_A-Za-z0-9 ]{1,126}[-_A-Za-z0-9])$/;

export const inputs = {
  pipeline: text({
    pattern: PIPELINE,
    accepted: 'an image pipeline ARN (arn:aws:imagebuilder:REGION:ACCOUNT:image-pipeline/NAME) or name',
  }),
  'image-arn': parsed(
    (raw) =>
      parseImageArn(raw)?.build !== undefined
        ? raw
        : {
            problem:
              'expected an image build ARN such as arn:aws:imagebuilder:us-east-1:123456789012:image/name/1.0.1/1',
          },
    {
      accepted: 'an image build ARN (…:image/NAME/1.0.1/1)',
    },
  ),
  'parent-image': parsed(parseParentImage, {
    accepted: 'an Image Builder image ARN, an AMI ID or ssm:/parameter',
  }),
  'update-recipe': boolean({ default: 'true' }),
  wait: boolean({ default: 'true' }),
  timeout: duration({ default: '2h', min: '1s', max: '6h' }),
  'poll-interval': duration({ default: '30s', min: '1s', max: '5m' }),
  'cancel-on-abort': boolean({ default: 'false' }),
  // AWS's API reference gives StartImagePipelineExecution's clientToken 1 to 36 characters (the SDK model
  // says 64): refused here, before a recipe moves, rather than by AWS after.
  'client-token': text({ pattern: /^[\x21-\x7e]{1,36}$/, accepted: '1 to 36 printable characters' }),
  region: region(),
};

export const outputs = ['image-arn', 'image-version', 'status', 'ami-id', 'amis', 'recipe-arn'] as const;

type Output = (typeof outputs)[number];

/** The report as outputs: every one that is known, also after a failure. */
export function outputsOf(report: PipelineReport): Partial<Record<Output, string>> {
  const out: Partial<Record<Output, string>> = {};
  if (report.recipeArn) out['recipe-arn'] = report.recipeArn;
  if (report.imageArn) {
    out['image-arn'] = report.imageArn;
    out['image-version'] = report.imageArn.split('/').slice(-2).join('/');
  }
  if (report.status) out.status = report.status;
  if (report.outcome === 'available') out.amis = JSON.stringify(report.amis);
  if (report.amiId) out['ami-id'] = report.amiId;
  return out;
}

export default defineAction({
  name: NAME,
  inputs,
  outputs,

  async main(ctx) {
    const plan = planPipeline(ctx.settings, ctx.env);
    const aws: typeof AwsModule = await import('./aws.js');
    const region = aws.resolveRegion(plan.region, ctx.env);
    const report = aws.newPipelineReport();
    try {
      await aws.runPipeline(
        plan,
        {
          imagebuilder: aws.createClient(aws.ImagebuilderClient, { region, action: NAME, env: ctx.env }),
          region,
          log: ctx.log,
          signal: ctx.signal,
        },
        report,
      );
    } finally {
      ctx.setOutputs(outputsOf(report));
      const image =
        report.imageArn && link(report.imageArn, consoleLinks.imageBuilderImage(region, report.imageArn));
      if (report.outcome === 'failed' && report.failure) {
        await ctx.summary
          .addHeading('Image build failed', 3)
          .addRaw(
            `${image} ended ${report.status}: ${report.failure.reason}. Logs: CloudWatch log group ${report.failure.logGroup}.`,
            true,
          )
          .write();
      } else if (report.outcome === 'available') {
        await ctx.summary
          .addHeading('Image build', 3)
          .addRaw(`${image} is AVAILABLE.`, true)
          .addTable([
            ['Region', 'Account', 'AMI', 'Name'].map((data) => ({ data, header: true })),
            ...report.amis.map((a) => [a.region ?? '', a.accountId ?? '', a.image ?? '', a.name ?? '']),
          ])
          .write();
      }
    }
  },
});
