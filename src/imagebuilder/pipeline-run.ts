/**
 * image-pipeline's run: from the plan and an injected Image Builder client to a report. It finds the
 * pipeline (refusing a DISABLED one), moves its recipe to the new parent when asked, starts the build
 * with a client token derived from the run attempt, the pipeline and the recipe it builds, and waits for
 * the image with one log line per state change. The report is filled in as things happen, so that a
 * failure still tells what was started.
 */
import type { ImagebuilderClient } from '@aws-sdk/client-imagebuilder';
import { consoleLinks } from '../aws/console.js';
import { type Clock, PollCancelledError, PollTimeoutError, systemClock } from '../aws/poller.js';
import { UserError } from '../errors.js';
import type { Logger } from '../log.js';
import { parseImageArn, parseRecipeArn } from './arn.js';
import { ImageBuildFailed } from './build-failed.js';
import {
  cancelBuild,
  clientToken,
  findPipeline,
  getImage,
  moveRecipe,
  startBuild,
  waitForImage,
} from './pipeline.js';
import type { PipelinePlan } from './pipeline-plan.js';

export interface PipelineDeps {
  imagebuilder: Pick<ImagebuilderClient, 'send'>;
  region: string;
  log: Logger;
  clock?: Clock;
  signal?: AbortSignal;
}

export interface DistributedAmi {
  region: string | undefined;
  accountId: string | undefined;
  image: string | undefined;
  name: string | undefined;
}

/** What image-pipeline did and saw; filled in as it goes. */
export interface PipelineReport {
  region?: string;
  pipelineArn?: string;
  /** The new recipe version, when the recipe was moved to the parent image. */
  recipeArn?: string;
  /** The build started, or waited for. */
  imageArn?: string;
  /** The image state: AVAILABLE when waited for, the state seen with wait: false, or how it ended. */
  status?: string;
  amis: DistributedAmi[];
  /** The AMI in the region worked in. */
  amiId?: string;
  outcome?: 'started' | 'available' | 'failed';
  /** A build that ended FAILED or CANCELLED (or became unusable): AWS's reason and where the logs are. */
  failure?: { reason: string; logGroup: string };
}

export function newPipelineReport(): PipelineReport {
  return { amis: [] };
}

export async function runPipeline(
  p: PipelinePlan,
  deps: PipelineDeps,
  report: PipelineReport,
): Promise<void> {
  const { imagebuilder: client, region, log } = deps;
  const clock = deps.clock ?? systemClock;
  report.region = region;
  const base = p.tokenBase ?? `local-${clock.now()}`;
  let imageArn = p.imageArn;
  if (p.pipeline) {
    const pipeline = await findPipeline(client, p.pipeline, region);
    const pipelineArn = pipeline.arn!;
    report.pipelineArn = pipelineArn;
    if (pipeline.status === 'DISABLED') {
      throw new UserError(
        `The image pipeline ${pipelineArn} is DISABLED${pipeline.consecutiveFailures ? ` (after ${pipeline.consecutiveFailures} failed scheduled builds)` : ''}. Enable it in Image Builder before running it from a workflow.`,
      );
    }
    let recipeArn = pipeline.imageRecipeArn ?? pipeline.containerRecipeArn ?? '';
    if (p.parentImage) {
      const move = await moveRecipe(client, pipeline, p.parentImage, base, log);
      if (move.moved) report.recipeArn = move.recipeArn;
      recipeArn = move.recipeArn;
    }
    // The same run attempt, pipeline and recipe: the same token, so a retried step never starts a second
    // build; another recipe (a new parent in the same attempt) is another build, so another token.
    imageArn = await startBuild(
      client,
      pipelineArn,
      p.clientToken ?? clientToken(base, 'StartImagePipelineExecution', pipelineArn, recipeArn),
      p.clientToken !== undefined,
    );
    report.imageArn = imageArn;
    const built = parseImageArn(imageArn)?.version;
    const recipe = parseRecipeArn(recipeArn)?.version;
    if (p.clientToken && built && recipe && built !== recipe) {
      throw new UserError(
        `Image Builder answered the client token "${p.clientToken}" with the build it started for it before, ${imageArn}, on recipe version ${built}; the pipeline now builds ${recipeArn}. Give a new 'client-token' for a new build, or leave it out to derive one from the run, its attempt, the pipeline and its recipe.`,
      );
    }
    log.info(`Started ${pipeline.name}: ${imageArn}`);
  }
  if (!imageArn) throw new Error('no image to wait for');
  report.imageArn = imageArn;

  if (!p.wait) {
    const image = await getImage(client, imageArn);
    report.status = image.state?.status ?? 'UNKNOWN';
    report.outcome = 'started';
    log.info(`Not waiting (wait: false). A later step can wait with image-arn: ${imageArn}`);
    return;
  }

  let image;
  try {
    ({ image } = await waitForImage(client, imageArn, {
      timeoutMs: p.timeoutMs,
      maxIntervalMs: p.pollIntervalMs,
      log,
      clock,
      ...(deps.signal ? { signal: deps.signal } : {}),
    }));
  } catch (error) {
    if (error instanceof ImageBuildFailed) {
      const reason = error.reason || 'no reason given';
      const logGroup =
        error.image.loggingConfiguration?.logGroupName ?? `/aws/imagebuilder/${error.image.name}`;
      report.status = error.status;
      report.outcome = 'failed';
      report.failure = { reason, logGroup };
      throw new UserError(
        `The image build ${imageArn} ended ${error.status}: ${reason}. Image: ${consoleLinks.imageBuilderImage(region, imageArn)} — logs in the CloudWatch log group ${logGroup} (${region}).`,
      );
    }
    if (error instanceof PollTimeoutError) {
      throw new UserError(
        `${error.message} The build goes on in Image Builder: ${imageArn}. Raise 'timeout', or wait for it in a later step with image-arn.`,
      );
    }
    if (error instanceof PollCancelledError) {
      if (p.cancelOnAbort) {
        await cancelBuild(client, imageArn, base);
        throw new UserError(`${error.message} Cancelled the image build ${imageArn} (cancel-on-abort).`);
      }
      throw new UserError(
        `${error.message} The image build goes on: ${imageArn} (set cancel-on-abort: true to cancel it with the job).`,
      );
    }
    throw error;
  }

  report.amis = (image.outputResources?.amis ?? []).map((a) => ({
    region: a.region,
    accountId: a.accountId,
    image: a.image,
    name: a.name,
  }));
  const here = report.amis.find((a) => a.region === region)?.image;
  if (here) report.amiId = here;
  report.status = image.state?.status ?? 'AVAILABLE';
  report.outcome = 'available';
  log.info(`AMIs: ${report.amis.map((a) => `${a.region}: ${a.image}`).join(', ')}`);
}
