/**
 * The newest Amazon-managed ECS-optimized image from EC2 Image Builder: every page of ListImages
 * (owner Amazon), versions compared as numbers, the AMI picked by region; and the parent image a
 * recipe or pipeline builds on, for comparisons.
 */
import {
  GetImageCommand,
  GetImagePipelineCommand,
  GetImageRecipeCommand,
  type ImagebuilderClient,
  type ImageVersion,
  paginateListImages,
} from '@aws-sdk/client-imagebuilder';
import { UserError } from '../errors.js';
import { parseImageArn, versionlessArn } from './arn.js';
import type { ImageBuilderSource } from './catalog.js';
import { amiFrom, NoManagedImage, type ResolvedImage } from './resolved.js';
import { newest } from './version.js';

async function listAmazonImages(
  client: Pick<ImagebuilderClient, 'send'>,
  input: Parameters<typeof paginateListImages>[1],
) {
  const out: ImageVersion[] = [];
  // Every page: Amazon's list grows, and the newest version is not promised to come first.
  for await (const page of paginateListImages(
    { client: client as ImagebuilderClient, pageSize: 25 },
    input,
  )) {
    out.push(...(page.imageVersionList ?? []));
  }
  return out;
}

async function displayName(
  client: Pick<ImagebuilderClient, 'send'>,
  source: ImageBuilderSource,
  region: string,
): Promise<string> {
  const platform = source.kind === 'discover' ? source.platform : 'Linux';
  const all = await listAmazonImages(client, {
    owner: 'Amazon',
    byName: true,
    filters: [{ name: 'platform', values: [platform] }],
  });
  const hit =
    source.kind === 'named'
      ? all.find((i) => parseImageArn(i.arn ?? '')?.name === source.name)
      : all.find((i) => source.pattern.test(i.name ?? ''));
  if (hit?.name) return hit.name;
  const ecs = all.filter((i) => /ecs/i.test(i.name ?? '')).map((i) => i.name);
  const wanted = source.kind === 'named' ? source.name : source.describe;
  throw new NoManagedImage(
    `Amazon publishes no Image Builder image "${wanted}" in ${region}. ECS-optimized ${platform} images there: ${ecs.join(', ') || 'none'}. Use source: ssm to read the public SSM parameter instead.`,
  );
}

export async function resolveFromImageBuilder(
  client: Pick<ImagebuilderClient, 'send'>,
  source: ImageBuilderSource,
  region: string,
): Promise<ResolvedImage> {
  const name = await displayName(client, source, region);
  const versions = await listAmazonImages(client, {
    owner: 'Amazon',
    filters: [{ name: 'name', values: [name] }],
  });
  const latest = newest(versions.map((v) => v.version ?? ''));
  const row = versions.find((v) => v.version === latest);
  if (!latest || !row?.arn)
    throw new UserError(`Amazon's Image Builder image "${name}" has no versions in ${region}.`);
  const { image } = await client.send(new GetImageCommand({ imageBuildVersionArn: row.arn }));
  // One AMI per distributed region (and account): never assume the first is this region's.
  const ami = image?.outputResources?.amis?.find((a) => a.region === region);
  if (!image?.arn || !ami?.image) {
    throw new Error(`Image Builder returned no AMI in ${region} for ${row.arn}.`);
  }
  return {
    source: 'image-builder',
    amiId: amiFrom(ami.image, `Image Builder's image ${image.arn} (its AMI in ${region})`),
    imageName: name,
    version: latest,
    imageArn: image.arn,
    versionlessArn: versionlessArn(image.arn) ?? image.arn,
    parentImage: row.arn,
  };
}

/** The parentImage of a recipe, or of a pipeline's recipe. */
export async function recipeParent(
  client: Pick<ImagebuilderClient, 'send'>,
  reference: { kind: 'recipe' | 'pipeline'; arn: string },
): Promise<string> {
  let recipeArn = reference.arn;
  if (reference.kind === 'pipeline') {
    const { imagePipeline } = await client.send(
      new GetImagePipelineCommand({ imagePipelineArn: reference.arn }),
    );
    if (!imagePipeline?.imageRecipeArn) {
      throw new UserError(`The pipeline ${reference.arn} has no image recipe (a container pipeline?).`);
    }
    recipeArn = imagePipeline.imageRecipeArn;
  }
  const { imageRecipe } = await client.send(new GetImageRecipeCommand({ imageRecipeArn: recipeArn }));
  return imageRecipe?.parentImage ?? '';
}
