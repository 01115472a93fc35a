/** Pure parsing and matching of image references: no AWS client here, so inputs can use it up front. */
import { isAmiId } from '../aws/identifiers.js';
import type { Problem } from '../errors.js';
import { parseImageArn } from './arn.js';
import type { ResolvedImage } from './resolved.js';

/** A reference to compare with: what `compare-to` accepts. */
export type Reference =
  | { kind: 'ami'; id: string }
  | { kind: 'image'; arn: string }
  | { kind: 'recipe'; arn: string }
  | { kind: 'pipeline'; arn: string };

export function parseReference(text: string): Reference | Problem {
  if (isAmiId(text)) return { kind: 'ami', id: text };
  if (parseImageArn(text)) return { kind: 'image', arn: text };
  if (
    /^arn:aws[a-z-]*:imagebuilder:[a-z0-9-]+:(\d{12}|aws):image-recipe\/[a-z0-9-_]+\/(\d+|x)\.(\d+|x)\.(\d+|x)$/.test(
      text,
    )
  ) {
    return { kind: 'recipe', arn: text };
  }
  if (/^arn:aws[a-z-]*:imagebuilder:[a-z0-9-]+:\d{12}:image-pipeline\/[a-z0-9-_]+$/.test(text))
    return { kind: 'pipeline', arn: text };
  return {
    problem:
      'expected an AMI ID (ami-0123456789abcdef0), an Image Builder image ARN, an image recipe ARN (…:image-recipe/name/1.0.0) or an image pipeline ARN (…:image-pipeline/name)',
  };
}

/** Does `parentImage` (a recipe's) already build on `resolved`? */
export function parentMatches(parentImage: string, resolved: ResolvedImage): boolean {
  // An ssm: parent is resolved by Image Builder at build time: it follows its parameter by itself.
  if (parentImage.startsWith('ssm:'))
    return resolved.parameter !== undefined && parentImage.startsWith(`ssm:${resolved.parameter}`);
  if (isAmiId(parentImage)) return parentImage === resolved.amiId;
  const parent = parseImageArn(parentImage);
  const target = resolved.imageArn ? parseImageArn(resolved.imageArn) : undefined;
  if (!parent || !target || parent.name !== target.name) return false;
  // A wildcard version follows the newest by itself.
  if (!parent.version || parent.version.includes('x')) return true;
  return parent.version === target.version;
}

/** What image-pipeline's parent-image accepts: an image ARN, an AMI ID, or an ssm: parameter. */
export function parseParentImage(text: string): string | Problem {
  if (isAmiId(text) || parseImageArn(text)) return text;
  if (/^ssm:(\/[\w./-]+|arn:aws[a-z-]*:ssm:[a-z0-9-]+:\d{0,12}:parameter\/[\w./-]+)$/.test(text)) return text;
  return {
    problem:
      'expected an Image Builder image ARN, an AMI ID (ami-0123456789abcdef0) or an SSM parameter as ssm:/path/to/image_id',
  };
}
