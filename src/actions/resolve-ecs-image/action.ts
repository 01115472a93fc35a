/**
 * resolve-ecs-image: the shell. It reads the inputs, plans (the catalog entry, the source, the region:
 * every check before AWS is called), runs the resolution with clients made for this step — each source's
 * SDK loaded only when it is read — and maps the report to outputs and the job summary.
 */
import { defineAction } from '../../github/action.js';
import { oneOf, parsed, region } from '../../github/inputs.js';
import { ARCHITECTURES, OPERATING_SYSTEMS, VARIANTS } from '../../imagebuilder/catalog.js';
import { parseReference } from '../../imagebuilder/references.js';
import { planResolve } from '../../imagebuilder/resolve-plan.js';
import type { ResolveReport } from '../../imagebuilder/resolve-run.js';
import type * as AwsModule from './aws.js';

const NAME = 'resolve-ecs-image';

export const inputs = {
  os: oneOf(OPERATING_SYSTEMS, { default: 'amazon-linux-2023' }),
  architecture: oneOf(ARCHITECTURES, { default: 'x86_64' }),
  variant: oneOf(VARIANTS, { default: 'standard' }),
  source: oneOf(['auto', 'image-builder', 'ssm'], { default: 'auto' }),
  region: region(),
  'compare-to': parsed(parseReference, {
    accepted: 'an AMI ID, an Image Builder image ARN, an image recipe ARN or an image pipeline ARN',
  }),
};

export const outputs = [
  'image-arn',
  'versionless-arn',
  'version',
  'ami-id',
  'image-name',
  'ecs-agent-version',
  'source',
  'parent-image',
  'changed',
] as const;

type Output = (typeof outputs)[number];

/** The report as outputs: every one that is known. */
export function outputsOf(report: ResolveReport): Partial<Record<Output, string>> {
  const r = report.resolved;
  const values: Record<Output, string | undefined> = {
    'ami-id': r?.amiId,
    'image-name': r?.imageName,
    version: r?.version,
    source: r?.source,
    'parent-image': r?.parentImage,
    'image-arn': r?.imageArn,
    'versionless-arn': r?.versionlessArn,
    'ecs-agent-version': r?.ecsAgentVersion,
    changed: report.changed === undefined ? undefined : String(report.changed),
  };
  return Object.fromEntries(Object.entries(values).filter(([, v]) => v !== undefined));
}

export default defineAction({
  name: NAME,
  inputs,
  outputs,

  async main(ctx) {
    const plan = planResolve(ctx.settings);
    const aws: typeof AwsModule = await import('./aws.js');
    const region = aws.resolveRegion(plan.region, ctx.env);
    const options = { region, action: NAME, env: ctx.env };
    const report: ResolveReport = {};
    await aws.runResolve(
      plan,
      {
        clients: {
          imagebuilder: async () =>
            aws.createClient((await import('./aws-image-builder.js')).ImagebuilderClient, options),
          ssm: async () => aws.createClient((await import('./aws-ssm.js')).SSMClient, options),
        },
        region,
        log: ctx.log,
      },
      report,
    );
    ctx.setOutputs(outputsOf(report));

    const { entry } = plan;
    const resolved = report.resolved!;
    await ctx.summary
      .addHeading('ECS-optimized image', 3)
      .addTable([
        ['OS', 'Region', 'Source', 'Image', 'Version', 'AMI'].map((data) => ({ data, header: true })),
        [
          `${entry.os} ${entry.architecture} ${entry.variant}`,
          region,
          resolved.parameter ?? resolved.imageArn ?? plan.source,
          resolved.imageName,
          resolved.version,
          resolved.amiId,
        ],
      ])
      .addRaw(
        report.changed === undefined
          ? ''
          : report.changed
            ? 'The compared reference does not build on this image yet.'
            : 'The compared reference already builds on this image.',
        true,
      )
      .write();
  },
});
