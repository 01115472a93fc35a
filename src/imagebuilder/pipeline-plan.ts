/**
 * image-pipeline's plan: the checks across its inputs and the values derived from them and the runner's
 * environment, before any AWS call — start a build or wait for one, the region (a pipeline or image ARN
 * decides it; a disagreeing 'region' input is refused), and the base of the client tokens (the run and
 * its attempt). No SDK client is loaded here.
 */
import type { Env } from '../aws/client.js';
import { regionFromArn } from '../aws/identifiers.js';
import { UserError } from '../errors.js';
import { runAttempt } from '../runner-env.js';

/** The inputs image-pipeline reads (the shell's spec produces exactly this). */
export interface PipelineSettings {
  pipeline: string | undefined;
  'image-arn': string | undefined;
  'parent-image': string | undefined;
  'update-recipe': boolean;
  wait: boolean;
  timeout: number;
  'poll-interval': number;
  'cancel-on-abort': boolean;
  'client-token': string | undefined;
  region: string | undefined;
}

export interface PipelinePlan {
  /** The pipeline to start, by name or ARN… */
  pipeline?: string;
  /** …or the build an earlier step started, to wait for. */
  imageArn?: string;
  /** Move the pipeline's recipe to this parent before the build. */
  parentImage?: string;
  wait: boolean;
  timeoutMs: number;
  pollIntervalMs: number;
  cancelOnAbort: boolean;
  /** The ARN's region, else the region input (else the environment's, chosen by the shell). */
  region: string | undefined;
  /** The token given, sent as it is to start the build. */
  clientToken?: string;
  /**
   * What derived tokens are made from: the token given, else this run and its attempt (absent outside a
   * runner: the run then uses the time, and nothing is idempotent across runs).
   */
  tokenBase?: string;
}

export function planPipeline(s: PipelineSettings, env: Env): PipelinePlan {
  if (!s.pipeline === !s['image-arn']) {
    throw new UserError(
      "Give either input 'pipeline' (to start a build) or input 'image-arn' (to wait for one already started), not both and not neither.",
    );
  }
  if (s['image-arn'] && s['parent-image']) {
    throw new UserError(
      "Input 'parent-image' moves a pipeline's recipe before a build; it has no meaning with 'image-arn'.",
    );
  }
  if (s['parent-image'] && !s['update-recipe']) {
    throw new UserError(
      `Input 'parent-image' is ${s['parent-image']} but 'update-recipe' is false: the pipeline would build on its recipe's own parent. Set update-recipe: true to move the pipeline's recipe to the new parent.`,
    );
  }
  const region = s.pipeline
    ? regionFromArn('pipeline', s.pipeline, s.region)
    : regionFromArn('image-arn', s['image-arn'], s.region);
  const attempt = runAttempt(env);
  const tokenBase = s['client-token'] ?? (attempt ? `gh-${attempt}` : undefined);
  return {
    ...(s.pipeline ? { pipeline: s.pipeline } : {}),
    ...(s['image-arn'] ? { imageArn: s['image-arn'] } : {}),
    ...(s['parent-image'] ? { parentImage: s['parent-image'] } : {}),
    wait: s.wait,
    timeoutMs: s.timeout,
    pollIntervalMs: s['poll-interval'],
    cancelOnAbort: s['cancel-on-abort'],
    region,
    ...(s['client-token'] ? { clientToken: s['client-token'] } : {}),
    ...(tokenBase ? { tokenBase } : {}),
  };
}
