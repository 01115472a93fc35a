/** What resolving an ECS-optimized image gives, shared by the Image Builder and SSM resolvers. */
import { isAmiId } from '../aws/identifiers.js';
import { UserError } from '../errors.js';
import type { Source } from './catalog.js';

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

/**
 * The AMI ID an answer carries, checked by the one AMI rule whichever service gave it (an SSM parameter,
 * Bottlerocket's or Image Builder's outputs): anything else is AWS's answer not being what was expected.
 */
export function amiFrom(value: unknown, where: string): string {
  const text = typeof value === 'string' ? value : '';
  if (!isAmiId(text)) throw new Error(`${where} names no AMI ID (it says "${String(value ?? '')}").`);
  return text;
}
