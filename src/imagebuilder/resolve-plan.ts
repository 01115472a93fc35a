/**
 * resolve-ecs-image's plan: the catalog entry for the OS, architecture and variant, the source to read it
 * from, and the region (a compare-to ARN's decides; a disagreeing 'region' input is refused: a recipe
 * builds on a parent image of its own region). Pure: no SDK client is loaded here.
 */
import { regionFromArn } from '../aws/identifiers.js';
import { UserError } from '../errors.js';
import {
  type Architecture,
  type CatalogEntry,
  chooseSource,
  lookup,
  type OperatingSystem,
  type Source,
  type Variant,
} from './catalog.js';
import type { Reference } from './references.js';

/** The inputs resolve-ecs-image reads (the shell's spec produces exactly this). */
export interface ResolveSettings {
  os: OperatingSystem;
  architecture: Architecture;
  variant: Variant;
  source: Source | 'auto';
  region: string | undefined;
  'compare-to': Reference | undefined;
}

export interface ResolvePlan {
  entry: CatalogEntry;
  source: Source;
  /** source: auto — where Amazon publishes no managed image in the region, read the SSM parameter. */
  fallBackToSsm: boolean;
  /** The compare-to ARN's region, else the region input (else the environment's, chosen by the shell). */
  region: string | undefined;
  compareTo?: Reference;
}

/** The catalog entry and source for the inputs, or one message naming the inputs and what exists. */
function select(
  os: OperatingSystem,
  architecture: Architecture,
  variant: Variant,
  wanted: Source | 'auto',
): { entry: CatalogEntry; source: Source } {
  const entry = lookup(os, architecture, variant);
  if ('problem' in entry) throw new UserError(`Inputs 'os', 'architecture' and 'variant': ${entry.problem}.`);
  const source = chooseSource(entry, wanted);
  if (typeof source === 'object') throw new UserError(`Input 'source' is ${wanted}, but ${source.problem}.`);
  return { entry, source };
}

export function planResolve(s: ResolveSettings): ResolvePlan {
  const { entry, source } = select(s.os, s.architecture, s.variant, s.source);
  const reference = s['compare-to'];
  return {
    entry,
    source,
    fallBackToSsm: s.source === 'auto',
    region: regionFromArn(
      'compare-to',
      reference && 'arn' in reference ? reference.arn : undefined,
      s.region,
    ),
    ...(reference ? { compareTo: reference } : {}),
  };
}
