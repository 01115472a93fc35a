/**
 * resolve-ecs-image's run: the newest ECS-optimized image of the plan's entry, from Amazon's managed
 * Image Builder images or the public SSM parameters (source: auto falls back to SSM where Amazon
 * publishes no managed image), and whether the compare-to reference already builds on it. Each source's
 * SDK is loaded only when that source is read, so the clients come as factories.
 */
import type { ImagebuilderClient } from '@aws-sdk/client-imagebuilder';
import type { SSMClient } from '@aws-sdk/client-ssm';
import type { Logger } from '../log.js';
import { parentMatches } from './references.js';
import { NoManagedImage, type ResolvedImage } from './resolved.js';
import type { ResolvePlan } from './resolve-plan.js';

export interface ResolveClients {
  imagebuilder: () => Promise<Pick<ImagebuilderClient, 'send'>>;
  ssm: () => Promise<Pick<SSMClient, 'send'>>;
}

export interface ResolveDeps {
  clients: ResolveClients;
  region: string;
  log: Logger;
}

/** What resolve-ecs-image found; filled in as it goes. */
export interface ResolveReport {
  region?: string;
  resolved?: ResolvedImage;
  /** With compare-to: the parent it builds on now (an AMI ID, an image ARN, or a recipe's parentImage)… */
  current?: string;
  /** …and whether that is not the resolved image yet. */
  changed?: boolean;
}

export async function runResolve(p: ResolvePlan, deps: ResolveDeps, report: ResolveReport): Promise<void> {
  const { clients, region, log } = deps;
  const { entry } = p;
  report.region = region;
  let resolved: ResolvedImage | undefined;
  if (p.source === 'image-builder' && entry.imageBuilder) {
    const ib = await import('./resolve.js');
    try {
      resolved = await ib.resolveFromImageBuilder(await clients.imagebuilder(), entry.imageBuilder, region);
    } catch (error) {
      if (!(error instanceof NoManagedImage) || !p.fallBackToSsm) throw error;
      log.info(`${error.message.split('. ')[0]}; reading the SSM parameter instead (source: auto).`);
    }
  }
  if (!resolved) {
    const ssm = await import('./resolve-ssm.js');
    resolved = await ssm.resolveFromSsm(await clients.ssm(), entry, region);
  }
  report.resolved = resolved;
  log.info(
    `Newest ${entry.os} ${entry.architecture} ${entry.variant} in ${region} (${resolved.source}): ${resolved.imageName} ${resolved.version} → ${resolved.amiId}`,
  );

  const reference = p.compareTo;
  if (!reference) return;
  let current: string;
  if (reference.kind === 'ami') current = reference.id;
  else if (reference.kind === 'image') current = reference.arn;
  else {
    const ib = await import('./resolve.js');
    current = await ib.recipeParent(await clients.imagebuilder(), reference);
  }
  report.current = current;
  report.changed = !parentMatches(current, resolved);
  log.info(
    report.changed
      ? `Changed: ${current} is not ${resolved.parentImage}.`
      : `Unchanged: ${current} already builds on it.`,
  );
}
