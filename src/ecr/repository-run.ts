/**
 * ecr-repository's run: the repository found or created, and a report of what it is — the URI, whether
 * this step created it, the tag mutability it has with its exclusion filters, and how an existing one
 * differs from the inputs.
 */
import type { ECRClient } from '@aws-sdk/client-ecr';
import type { Logger } from '../log.js';
import { ensureRepository, type RepositoryFound } from './repository.js';
import type { RepositoryPlan } from './repository-plan.js';

export interface RepositoryDeps {
  ecr: Pick<ECRClient, 'send'>;
  region: string;
  log: Logger;
}

export interface RepositoryReport {
  region: string;
  name: string;
  /** Set once the repository was found or created. */
  repository?: RepositoryFound;
}

/** The tag mutability in words: IMMUTABLE_WITH_EXCLUSION names the tags that stay movable. */
function mutabilityLine(tagMutability: string, exclusions: string[]): string {
  if (!exclusions.length) return `tags ${tagMutability}`;
  const which = tagMutability.startsWith('IMMUTABLE') ? 'movable' : 'immutable';
  return `tags ${tagMutability}: ${exclusions.join(', ')} ${which}`;
}

export async function runRepository(
  p: RepositoryPlan,
  deps: RepositoryDeps,
  report: RepositoryReport,
): Promise<void> {
  const repo = await ensureRepository(deps.ecr, { ...p.wanted, region: deps.region });
  report.repository = repo;
  if (repo.created) {
    const encryption = `${p.wanted.encryption}${p.wanted.kmsKey ? ` (${p.wanted.kmsKey})` : ''}`;
    deps.log.info(
      `Created ${repo.uri} (scan on push ${p.wanted.scanOnPush ? 'on' : 'off'}, ${mutabilityLine(repo.tagMutability, repo.exclusions)}, ${encryption}).`,
    );
  } else {
    deps.log.info(`Found ${repo.uri} (${mutabilityLine(repo.tagMutability, repo.exclusions)}).`);
  }
  if (repo.differences.length > 0 && p.wanted.ifMissing === 'create') {
    deps.log.warning(
      `The repository ${repo.uri} already existed and is left as it is, although it differs from the inputs: ${repo.differences.join('; ')}.`,
    );
  }
}
