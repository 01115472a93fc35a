/**
 * resolve-ecs-image: the newest Amazon ECS-optimized image for an OS, architecture and variant, from
 * Amazon's managed Image Builder images or the public SSM parameters; optionally whether a recipe,
 * pipeline, AMI or image ARN already points at it.
 */
import {
  ARCHITECTURES,
  type CatalogEntry,
  chooseSource,
  lookup,
  OPERATING_SYSTEMS,
  type Source,
  VARIANTS,
} from '../../imagebuilder/catalog.js';
import { parentMatches, parseReference } from '../../imagebuilder/references.js';
import { NoManagedImage, type ResolvedImage } from '../../imagebuilder/resolved.js';
import { UserError } from '../../errors.js';
import { defineAction } from '../../github/action.js';
import { oneOf, parsed, region } from '../../github/inputs.js';

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

/** The catalog entry and source for the inputs, or one message naming the inputs and what exists. */
export function select(
  os: (typeof OPERATING_SYSTEMS)[number],
  architecture: (typeof ARCHITECTURES)[number],
  variant: (typeof VARIANTS)[number],
  wanted: Source | 'auto',
): { entry: CatalogEntry; source: Source } {
  const entry = lookup(os, architecture, variant);
  if ('problem' in entry) throw new UserError(`Inputs 'os', 'architecture' and 'variant': ${entry.problem}.`);
  const source = chooseSource(entry, wanted);
  if (typeof source === 'object') throw new UserError(`Input 'source' is ${wanted}, but ${source.problem}.`);
  return { entry, source };
}

export default defineAction({
  name: NAME,
  inputs,
  outputs: [
    'image-arn',
    'versionless-arn',
    'version',
    'ami-id',
    'image-name',
    'ecs-agent-version',
    'source',
    'parent-image',
    'changed',
  ],

  async main(ctx) {
    const s = ctx.settings;
    const { entry, source } = select(s.os, s.architecture, s.variant, s.source);
    const aws = await import('./aws.js');
    // Comparing makes sense only within one region: a recipe's parent must be in the recipe's region.
    const reference = s['compare-to'];
    const compareRegion = reference && 'arn' in reference ? reference.arn.split(':')[3] : undefined;
    if (s.region && compareRegion && s.region !== compareRegion) {
      throw new UserError(
        `Input 'region' is ${s.region} but 'compare-to' is in ${compareRegion}: an image recipe builds on a parent image of its own region.`,
      );
    }
    const region = aws.resolveRegion(s.region ?? compareRegion, ctx.env);
    const options = { region, action: NAME, env: ctx.env };

    let resolved: ResolvedImage | undefined;
    if (source === 'image-builder' && entry.imageBuilder) {
      const ib = await import('./aws-image-builder.js');
      try {
        resolved = await ib.resolveFromImageBuilder(
          aws.createClient(ib.ImagebuilderClient, options),
          entry.imageBuilder,
          region,
        );
      } catch (error) {
        if (!(error instanceof NoManagedImage) || s.source !== 'auto') throw error;
        ctx.log.info(`${error.message.split('. ')[0]}; reading the SSM parameter instead (source: auto).`);
      }
    }
    if (!resolved) {
      const ssm = await import('./aws-ssm.js');
      resolved = await ssm.resolveFromSsm(aws.createClient(ssm.SSMClient, options), entry, region);
    }
    ctx.log.info(
      `Newest ${entry.os} ${entry.architecture} ${entry.variant} in ${region} (${resolved.source}): ${resolved.imageName} ${resolved.version} → ${resolved.amiId}`,
    );

    let changed: boolean | undefined;
    if (reference) {
      let current: string;
      if (reference.kind === 'ami') current = reference.id;
      else if (reference.kind === 'image') current = reference.arn;
      else {
        const ib = await import('./aws-image-builder.js');
        current = await ib.recipeParent(aws.createClient(ib.ImagebuilderClient, options), reference);
      }
      changed = !parentMatches(current, resolved);
      ctx.log.info(
        changed
          ? `Changed: ${current} is not ${resolved.parentImage}.`
          : `Unchanged: ${current} already builds on it.`,
      );
    }

    ctx.setOutput('ami-id', resolved.amiId);
    ctx.setOutput('image-name', resolved.imageName);
    ctx.setOutput('version', resolved.version);
    ctx.setOutput('source', resolved.source);
    ctx.setOutput('parent-image', resolved.parentImage);
    if (resolved.imageArn) ctx.setOutput('image-arn', resolved.imageArn);
    if (resolved.versionlessArn) ctx.setOutput('versionless-arn', resolved.versionlessArn);
    if (resolved.ecsAgentVersion) ctx.setOutput('ecs-agent-version', resolved.ecsAgentVersion);
    if (changed !== undefined) ctx.setOutput('changed', String(changed));

    await ctx.summary
      .addHeading('ECS-optimized image', 3)
      .addTable([
        [
          { data: 'OS', header: true },
          { data: 'Region', header: true },
          { data: 'Source', header: true },
          { data: 'Image', header: true },
          { data: 'Version', header: true },
          { data: 'AMI', header: true },
        ],
        [
          `${entry.os} ${entry.architecture} ${entry.variant}`,
          region,
          resolved.parameter ?? resolved.imageArn ?? source,
          resolved.imageName,
          resolved.version,
          resolved.amiId,
        ],
      ])
      .addRaw(
        changed === undefined
          ? ''
          : changed
            ? 'The compared reference does not build on this image yet.'
            : 'The compared reference already builds on this image.',
        true,
      )
      .write();
  },
});
