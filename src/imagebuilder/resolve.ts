/**
 * Resolves the newest Amazon ECS-optimized image for a catalog entry, from Amazon's managed Image
 * Builder images (every page of ListImages, versions compared as numbers, the AMI picked by region) or
 * from the public SSM parameters; and tells whether a reference (AMI, image ARN, recipe, pipeline)
 * already points at it.
 */
import {
  GetImageCommand,
  GetImagePipelineCommand,
  GetImageRecipeCommand,
  type ImagebuilderClient,
  type ImageVersion,
  paginateListImages,
} from '@aws-sdk/client-imagebuilder';
import { GetParameterCommand, GetParametersCommand, type SSMClient } from '@aws-sdk/client-ssm';
import { UserError } from '../errors.js';
import type { Logger } from '../log.js';
import { parseImageArn, versionlessArn } from './arn.js';
import { parentMatches, type Reference } from './references.js';
import type { CatalogEntry, ImageBuilderSource, Source } from './catalog.js';
import { newest } from './version.js';

export interface ResolvedImage {
  source: Source;
  amiId: string;
  imageName: string;
  version: string;
  /** Image Builder only: the build-version ARN of the image (…/2025.10.3/1). */
  imageArn?: string;
  /** Image Builder only: …/x.x.x, which always means the newest version. */
  versionlessArn?: string;
  ecsAgentVersion?: string;
  /** SSM only: the parameter read. */
  parameter?: string;
  /** What a recipe's parentImage should be to build on exactly this image (a version ARN or an AMI ID). */
  parentImage: string;
}

/** Amazon publishes no managed image for the selection in this region (`auto` then reads SSM). */
export class NoManagedImage extends UserError {}

export interface Clients {
  imagebuilder: () => Pick<ImagebuilderClient, 'send'>;
  ssm: () => Pick<SSMClient, 'send'>;
}

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
    amiId: ami.image,
    imageName: name,
    version: latest,
    imageArn: image.arn,
    versionlessArn: versionlessArn(image.arn) ?? image.arn,
    parentImage: row.arn,
  };
}

async function parameter(client: Pick<SSMClient, 'send'>, name: string, region: string): Promise<string> {
  try {
    const out = await client.send(new GetParameterCommand({ Name: name }));
    return out.Parameter?.Value ?? '';
  } catch (error) {
    if ((error as { name?: string }).name === 'ParameterNotFound') {
      throw new UserError(
        `The public SSM parameter ${name} does not exist in ${region}: this image is not published there.`,
      );
    }
    throw error;
  }
}

function parseDocument(text: string, name: string): Record<string, unknown> {
  try {
    const value = JSON.parse(text) as unknown;
    if (typeof value === 'object' && value !== null) return value as Record<string, unknown>;
  } catch {
    // fall through
  }
  throw new Error(`The SSM parameter ${name} does not hold the JSON document AWS publishes there.`);
}

export async function resolveFromSsm(
  client: Pick<SSMClient, 'send'>,
  entry: CatalogEntry,
  region: string,
): Promise<ResolvedImage> {
  const { ssm } = entry;
  if (ssm.kind === 'bottlerocket') {
    const names = [`${ssm.path}/image_id`, `${ssm.path}/image_version`];
    const out = await client.send(new GetParametersCommand({ Names: names }));
    const value = (n: string) => out.Parameters?.find((p) => p.Name === n)?.Value;
    const amiId = value(names[0]!);
    const version = value(names[1]!);
    if (!amiId || !version) {
      throw new UserError(
        `The public SSM parameters ${(out.InvalidParameters ?? names).join(', ')} do not exist in ${region}: this image is not published there.`,
      );
    }
    return {
      source: 'ssm',
      amiId,
      imageName: `bottlerocket-${entry.variant}-${entry.architecture}-v${version}`,
      version,
      parameter: names[0]!,
      parentImage: amiId,
    };
  }
  const doc = parseDocument(await parameter(client, ssm.path, region), ssm.path);
  const amiId = String(doc['image_id'] ?? '');
  const imageName = String(doc['image_name'] ?? '');
  if (!/^ami-[0-9a-f]+$/.test(amiId))
    throw new Error(`The SSM parameter ${ssm.path} names no AMI (image_id is "${amiId}").`);
  // Windows documents carry no image_version: the date at the end of the image name is its version.
  const version = String(doc['image_version'] ?? /(\d{4}\.\d{2}\.\d{2})$/.exec(imageName)?.[1] ?? '');
  const resolved: ResolvedImage = {
    source: 'ssm',
    amiId,
    imageName,
    version,
    parameter: ssm.path,
    // The AMI itself, not the ssm: parameter, so that a recipe on it changes exactly when the AMI does.
    parentImage: amiId,
  };
  if (doc['ecs_agent_version']) resolved.ecsAgentVersion = String(doc['ecs_agent_version']);
  return resolved;
}

export async function resolveImage(
  entry: CatalogEntry,
  source: Source,
  region: string,
  clients: Clients,
  options: { fallBackToSsm?: boolean; log?: Logger } = {},
): Promise<ResolvedImage> {
  if (source === 'image-builder') {
    if (!entry.imageBuilder) throw new Error(`no Image Builder source for ${entry.os}`);
    try {
      return await resolveFromImageBuilder(clients.imagebuilder(), entry.imageBuilder, region);
    } catch (error) {
      if (!(error instanceof NoManagedImage) || !options.fallBackToSsm) throw error;
      options.log?.info(`${error.message.split('. ')[0]}; reading the SSM parameter instead (source: auto).`);
    }
  }
  return resolveFromSsm(clients.ssm(), entry, region);
}

export interface Comparison {
  changed: boolean;
  /** What the reference points at now, for the log. */
  current: string;
}

export async function compareWith(
  reference: Reference,
  resolved: ResolvedImage,
  clients: Clients,
): Promise<Comparison> {
  if (reference.kind === 'ami') return { changed: reference.id !== resolved.amiId, current: reference.id };
  if (reference.kind === 'image')
    return { changed: !parentMatches(reference.arn, resolved), current: reference.arn };
  let recipeArn = reference.arn;
  if (reference.kind === 'pipeline') {
    const { imagePipeline } = await clients
      .imagebuilder()
      .send(new GetImagePipelineCommand({ imagePipelineArn: reference.arn }));
    if (!imagePipeline?.imageRecipeArn)
      throw new UserError(`The pipeline ${reference.arn} has no image recipe (a container pipeline?).`);
    recipeArn = imagePipeline.imageRecipeArn;
  }
  const { imageRecipe } = await clients
    .imagebuilder()
    .send(new GetImageRecipeCommand({ imageRecipeArn: recipeArn }));
  const parent = imageRecipe?.parentImage ?? '';
  return { changed: !parentMatches(parent, resolved), current: parent };
}
