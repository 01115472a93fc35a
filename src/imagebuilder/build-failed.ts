/** An image build that ended FAILED or CANCELLED (or became unusable). No AWS client here: the action's entry imports it. */
import type { Image } from '@aws-sdk/client-imagebuilder';

export class ImageBuildFailed extends Error {
  override readonly name = 'ImageBuildFailed';
  constructor(
    readonly image: Image,
    readonly status: string,
    readonly reason: string,
  ) {
    super(`The image build ${image.arn} ended ${status}${reason ? `: ${reason}` : ''}`);
  }
}
