/**
 * image-pipeline: starts an EC2 Image Builder pipeline (optionally moving its recipe to a new parent
 * image first) and waits for the image with one log line per state change; or waits for a build that
 * an earlier step started.
 */
import type { Image } from '@aws-sdk/client-imagebuilder';
import { PollCancelledError, PollTimeoutError } from '../../aws/poller.js';
import { UserError } from '../../errors.js';
import { defineAction } from '../../github/action.js';
import { boolean, duration, parsed, region, text } from '../../github/inputs.js';
import { link } from '../../github/summary.js';
import { parseImageArn } from '../../imagebuilder/arn.js';
import { ImageBuildFailed } from '../../imagebuilder/build-failed.js';
import { parseParentImage } from '../../imagebuilder/references.js';

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
  'client-token': text({ pattern: /^[\x21-\x7e]{1,64}$/, accepted: '1 to 64 printable characters' }),
  region: region(),
};

function imageConsoleLink(arn: string, region: string): string {
  return `https://${region}.console.aws.amazon.com/imagebuilder/home?region=${region}#/images/${encodeURIComponent(arn)}/details`;
}

export default defineAction({
  name: NAME,
  inputs,
  outputs: ['image-arn', 'image-version', 'status', 'ami-id', 'amis', 'recipe-arn'],

  async main(ctx) {
    const s = ctx.settings;
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
    const aws = await import('./aws.js');
    const pipelineRegion = s.pipeline?.startsWith('arn:') ? s.pipeline.split(':')[3] : undefined;
    const imageRegion = s['image-arn'] ? parseImageArn(s['image-arn'])?.region : undefined;
    const region = pipelineRegion ?? imageRegion ?? aws.resolveRegion(s.region, ctx.env);
    const client = aws.createClient(aws.ImagebuilderClient, { region, action: NAME, env: ctx.env });
    const runId = ctx.env['GITHUB_RUN_ID'];
    const attempt = ctx.env['GITHUB_RUN_ATTEMPT'] ?? '1';

    let imageArn = s['image-arn'];
    if (s.pipeline) {
      const pipeline = await aws.findPipeline(client, s.pipeline, region);
      if (pipeline.status === 'DISABLED') {
        throw new UserError(
          `The image pipeline ${pipeline.arn} is DISABLED${pipeline.consecutiveFailures ? ` (after ${pipeline.consecutiveFailures} failed scheduled builds)` : ''}. Enable it in Image Builder before running it from a workflow.`,
        );
      }
      // Derived from the run, its attempt and the pipeline: a retried call never starts a second build.
      const token = s['client-token'] ?? (runId ? `gh-${runId}-${attempt}` : `local-${Date.now()}`);
      if (s['parent-image']) {
        const current = pipeline.imageRecipeArn;
        if (!s['update-recipe']) {
          throw new UserError(
            `Input 'parent-image' is ${s['parent-image']} but 'update-recipe' is false: the pipeline would build on its recipe's own parent. Set update-recipe: true to move ${current} to the new parent.`,
          );
        }
        const move = await aws.moveRecipe(client, pipeline, s['parent-image'], token, ctx.log);
        if (move.moved) ctx.setOutput('recipe-arn', move.recipeArn);
      }
      imageArn = await aws.startBuild(
        client,
        pipeline.arn!,
        s['client-token'] ?? aws.clientToken(token, 'start', pipeline.arn!),
      );
      ctx.log.info(`Started ${pipeline.name}: ${imageArn}`);
    }
    if (!imageArn) throw new Error('no image to wait for');
    ctx.setOutput('image-arn', imageArn);
    ctx.setOutput('image-version', imageArn.split('/').slice(-2).join('/'));

    if (!s.wait) {
      const image = await aws.getImage(client, imageArn);
      ctx.setOutput('status', image.state?.status ?? 'UNKNOWN');
      ctx.log.info(`Not waiting (wait: false). A later step can wait with image-arn: ${imageArn}`);
      return;
    }

    let image: Image;
    try {
      ({ image } = await aws.waitForImage(client, imageArn, {
        timeoutMs: s.timeout,
        maxIntervalMs: s['poll-interval'],
        signal: ctx.signal,
        log: ctx.log,
      }));
    } catch (error) {
      if (error instanceof ImageBuildFailed) {
        ctx.setOutput('status', error.status);
        const logGroup =
          error.image.loggingConfiguration?.logGroupName ?? `/aws/imagebuilder/${error.image.name}`;
        await ctx.summary
          .addHeading('Image build failed', 3)
          .addRaw(
            `${link(imageArn, imageConsoleLink(imageArn, region))} ended ${error.status}: ${error.reason || 'no reason given'}. Logs: CloudWatch log group ${logGroup}.`,
            true,
          )
          .write();
        throw new UserError(
          `The image build ${imageArn} ended ${error.status}: ${error.reason || 'no reason given'}. Image: ${imageConsoleLink(imageArn, region)} — logs in the CloudWatch log group ${logGroup} (${region}).`,
        );
      }
      if (error instanceof PollTimeoutError) {
        throw new UserError(
          `${error.message} The build goes on in Image Builder: ${imageArn}. Raise 'timeout', or wait for it in a later step with image-arn.`,
        );
      }
      if (error instanceof PollCancelledError) {
        if (s['cancel-on-abort']) {
          await aws.cancelBuild(client, imageArn, runId ?? imageArn);
          throw new UserError(`${error.message} Cancelled the image build ${imageArn} (cancel-on-abort).`);
        }
        throw new UserError(
          `${error.message} The image build goes on: ${imageArn} (set cancel-on-abort: true to cancel it with the job).`,
        );
      }
      throw error;
    }

    const amis = (image.outputResources?.amis ?? []).map((a) => ({
      region: a.region,
      accountId: a.accountId,
      image: a.image,
      name: a.name,
    }));
    const here = amis.find((a) => a.region === region);
    ctx.setOutput('status', image.state?.status ?? 'AVAILABLE');
    ctx.setOutput('amis', JSON.stringify(amis));
    if (here?.image) ctx.setOutput('ami-id', here.image);
    ctx.log.info(`AMIs: ${amis.map((a) => `${a.region}: ${a.image}`).join(', ')}`);
    await ctx.summary
      .addHeading('Image build', 3)
      .addRaw(`${link(imageArn, imageConsoleLink(imageArn, region))} is AVAILABLE.`, true)
      .addTable([
        [
          { data: 'Region', header: true },
          { data: 'Account', header: true },
          { data: 'AMI', header: true },
          { data: 'Name', header: true },
        ],
        ...amis.map((a) => [a.region ?? '', a.accountId ?? '', a.image ?? '', a.name ?? '']),
      ])
      .write();
  },
});
