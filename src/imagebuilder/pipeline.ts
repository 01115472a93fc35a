/**
 * Image Builder pipelines: find one by ARN or name, move its recipe to a new parent image (recipes
 * are immutable: a new version that copies everything but the parent, then the pipeline updated with
 * every property, as UpdateImagePipeline has no selective updates), start a build idempotently, and
 * wait for the image.
 */
import { createHash } from 'node:crypto';
import {
  CancelImageCreationCommand,
  CreateImageRecipeCommand,
  GetImageCommand,
  GetImagePipelineCommand,
  GetImageRecipeCommand,
  type Image,
  type ImagebuilderClient,
  type ImagePipeline,
  paginateListImagePipelines,
  paginateListImageRecipes,
  StartImagePipelineExecutionCommand,
  UpdateImagePipelineCommand,
} from '@aws-sdk/client-imagebuilder';
import { type LongWait, longWait, type Observation, poll } from '../aws/poller.js';
import { UserError } from '../errors.js';
import type { Logger } from '../log.js';
import { parseRecipeArn } from './arn.js';
import { nextPatch } from './version.js';
import { ImageBuildFailed } from './build-failed.js';

type Client = Pick<ImagebuilderClient, 'send'>;

/**
 * A client token, the same for the same parts. 36 characters: AWS's API reference gives Image Builder's
 * ClientToken 1 to 36 (the SDK model says 64; 36 holds for both).
 */
export function clientToken(...parts: string[]): string {
  return `shipyard-${createHash('sha256').update(parts.join('\n')).digest('hex').slice(0, 27)}`;
}

/** JSON with sorted keys, so that the same request always reads the same. */
function canonical(value: unknown): string {
  return JSON.stringify(value, (_key, v: unknown) =>
    v && typeof v === 'object' && !Array.isArray(v)
      ? Object.fromEntries(Object.entries(v as Record<string, unknown>).sort(([a], [b]) => (a < b ? -1 : 1)))
      : v,
  );
}

/**
 * The token of one request, derived from the base (the run attempt, or the token given) and every
 * parameter sent: a retried request carries the same token, and the same token never carries other
 * parameters (Image Builder would answer IdempotentParameterMismatchException).
 */
function requestToken(base: string, operation: string, input: object, ...extra: string[]): string {
  return clientToken(base, operation, canonical(input), ...extra);
}

/** IdempotentParameterMismatchException in words: which token, which call, and what to do. */
function explainTokenMismatch(error: unknown, operation: string, token: string, given: boolean): unknown {
  if ((error as { name?: string }).name !== 'IdempotentParameterMismatchException') return error;
  return new UserError(
    given
      ? `Image Builder refused the client token "${token}" for ${operation} (IdempotentParameterMismatchException): an earlier request sent the same token with other parameters, such as another pipeline. A client token stands for one request: give each pipeline its own 'client-token', or leave 'client-token' out to derive one from the run, its attempt, the pipeline and its recipe.`
      : `Image Builder refused the client token ${token} for ${operation} (IdempotentParameterMismatchException): an earlier request sent the same token with other parameters. The token is derived from the run attempt and the whole request, so this should not happen; re-run the job (a new attempt derives new tokens), or set 'client-token'.`,
  );
}

export async function findPipeline(
  client: Client,
  nameOrArn: string,
  region: string,
): Promise<ImagePipeline> {
  let arn = nameOrArn;
  if (!nameOrArn.startsWith('arn:')) {
    const found: string[] = [];
    for await (const page of paginateListImagePipelines(
      { client: client as ImagebuilderClient },
      { filters: [{ name: 'name', values: [nameOrArn] }] },
    )) {
      found.push(...(page.imagePipelineList ?? []).map((p) => p.arn ?? ''));
    }
    if (found.length === 0) {
      throw new UserError(
        `There is no image pipeline named "${nameOrArn}" in ${region}. Check the name, or give the pipeline's ARN (its region is part of it).`,
      );
    }
    arn = found[0]!;
  }
  try {
    const { imagePipeline } = await client.send(new GetImagePipelineCommand({ imagePipelineArn: arn }));
    if (!imagePipeline) throw new Error(`GetImagePipeline returned nothing for ${arn}`);
    return imagePipeline;
  } catch (error) {
    if ((error as { name?: string }).name === 'ResourceNotFoundException') {
      throw new UserError(
        `The image pipeline ${arn} does not exist in ${region}. Check the ARN, the account and the region.`,
      );
    }
    throw error;
  }
}

export interface RecipeMove {
  moved: boolean;
  recipeArn: string;
  previousParent: string;
}

export async function moveRecipe(
  client: Client,
  pipeline: ImagePipeline,
  parentImage: string,
  token: string,
  log: Logger,
): Promise<RecipeMove> {
  const recipeArn = pipeline.imageRecipeArn;
  if (!recipeArn)
    throw new UserError(
      `The pipeline ${pipeline.arn} builds containers, not AMIs: it has no image recipe to move.`,
    );
  const { imageRecipe: recipe } = await client.send(new GetImageRecipeCommand({ imageRecipeArn: recipeArn }));
  if (!recipe?.name) throw new Error(`GetImageRecipe returned nothing for ${recipeArn}`);
  if (recipe.parentImage === parentImage) {
    log.info(`The recipe ${recipeArn} already builds on ${parentImage}.`);
    return { moved: false, recipeArn, previousParent: parentImage };
  }
  // The next version after every existing version of this recipe, not just the pipeline's.
  const versions: string[] = [];
  for await (const page of paginateListImageRecipes(
    { client: client as ImagebuilderClient },
    { owner: 'Self', filters: [{ name: 'name', values: [recipe.name] }] },
  )) {
    for (const r of page.imageRecipeSummaryList ?? []) {
      const v = parseRecipeArn(r.arn ?? '')?.version;
      if (v) versions.push(v);
    }
  }
  const semanticVersion = nextPatch(versions.length ? versions : [recipe.version ?? '1.0.0']);
  const create = {
    name: recipe.name,
    semanticVersion,
    parentImage,
    components: recipe.components,
    description: recipe.description,
    blockDeviceMappings: recipe.blockDeviceMappings,
    tags: recipe.tags,
    workingDirectory: recipe.workingDirectory,
    additionalInstanceConfiguration: recipe.additionalInstanceConfiguration,
    amiTags: recipe.amiTags,
  };
  const createToken = requestToken(token, 'CreateImageRecipe', create);
  const created = await client
    .send(new CreateImageRecipeCommand({ ...create, clientToken: createToken }))
    .catch((error: unknown) => {
      if ((error as { name?: string }).name === 'ResourceAlreadyExistsException') {
        throw new UserError(
          `Recipe ${recipe.name} version ${semanticVersion} already exists: another run may have moved this recipe at the same moment. Re-run to move it to the next version.`,
        );
      }
      throw explainTokenMismatch(error, 'CreateImageRecipe', createToken, false);
    });
  const newArn = created.imageRecipeArn!;
  log.info(`Created recipe ${newArn} on ${parentImage} (was ${recipe.parentImage}).`);
  const update = {
    imagePipelineArn: pipeline.arn,
    imageRecipeArn: newArn,
    description: pipeline.description,
    infrastructureConfigurationArn: pipeline.infrastructureConfigurationArn,
    distributionConfigurationArn: pipeline.distributionConfigurationArn,
    imageTestsConfiguration: pipeline.imageTestsConfiguration,
    enhancedImageMetadataEnabled: pipeline.enhancedImageMetadataEnabled,
    schedule: pipeline.schedule,
    status: pipeline.status,
    imageScanningConfiguration: pipeline.imageScanningConfiguration,
    workflows: pipeline.workflows,
    loggingConfiguration: pipeline.loggingConfiguration,
    executionRole: pipeline.executionRole,
    imageTags: pipeline.imageTags,
  };
  const updateToken = requestToken(token, 'UpdateImagePipeline', update);
  await client
    .send(new UpdateImagePipelineCommand({ ...update, clientToken: updateToken }))
    .catch((error: unknown) => {
      throw explainTokenMismatch(error, 'UpdateImagePipeline', updateToken, false);
    });
  log.info(`Pipeline ${pipeline.arn} now uses ${newArn}.`);
  return { moved: true, recipeArn: newArn, previousParent: recipe.parentImage ?? '' };
}

/** Starts a build; `given` says whether the token is the user's own (named so in a mismatch). */
export async function startBuild(
  client: Client,
  pipelineArn: string,
  token: string,
  given = false,
): Promise<string> {
  const out = await client
    .send(new StartImagePipelineExecutionCommand({ imagePipelineArn: pipelineArn, clientToken: token }))
    .catch((error: unknown) => {
      throw explainTokenMismatch(error, 'StartImagePipelineExecution', token, given);
    });
  if (!out.imageBuildVersionArn) throw new Error('StartImagePipelineExecution returned no image ARN.');
  return out.imageBuildVersionArn;
}

const SUCCESS = 'AVAILABLE';
const FAILURE = new Set(['FAILED', 'CANCELLED']);
const NOT_USABLE = new Set(['DEPRECATED', 'DELETED', 'DISABLED']);

export async function getImage(client: Client, arn: string): Promise<Image> {
  const { image } = await client.send(new GetImageCommand({ imageBuildVersionArn: arn }));
  if (!image) throw new Error(`GetImage returned nothing for ${arn}`);
  return image;
}

export type WaitOptions = LongWait;

/** Polls GetImage until AVAILABLE (returned), FAILED or CANCELLED (thrown); unknown states are waited through. */
export async function waitForImage(
  client: Client,
  arn: string,
  options: WaitOptions,
): Promise<{ image: Image; polls: number; elapsedMs: number }> {
  const result = await poll<Image>({
    what: 'image build',
    // Build phases last minutes: re-check 10s after a change, then double up to the cap. The cap
    // (poll-interval) bounds how late AVAILABLE is seen; jitter only shortens intervals.
    ...longWait(options),
    check: async (): Promise<Observation<Image>> => {
      const image = await getImage(client, arn);
      const status = image.state?.status ?? 'UNKNOWN';
      if (status === SUCCESS) return { done: true, value: image };
      if (FAILURE.has(status) || NOT_USABLE.has(status))
        throw new ImageBuildFailed(image, status, image.state?.reason ?? '');
      return { done: false, state: status };
    },
  });
  return { image: result.value, polls: result.polls, elapsedMs: result.elapsedMs };
}

export async function cancelBuild(client: Client, arn: string, token: string): Promise<void> {
  const input = { imageBuildVersionArn: arn };
  const cancelToken = requestToken(token, 'CancelImageCreation', input);
  await client
    .send(new CancelImageCreationCommand({ ...input, clientToken: cancelToken }))
    .catch((error: unknown) => {
      throw explainTokenMismatch(error, 'CancelImageCreation', cancelToken, false);
    });
}
