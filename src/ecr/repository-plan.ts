/**
 * ecr-repository's plan: the repository reference and registry parsed, the checks across inputs, and the
 * region (a repository URI's, else the region input) — before any AWS call. No SDK client is loaded here.
 */
import type { Env } from '../aws/client.js';
import { type Problem, UserError } from '../errors.js';
import { parseRegistryRef, type PrivateRegistryRef } from './registry.js';
import type { RepositoryWanted } from './repository.js';

/** ECR's repository name rule (2–256 characters, lower case, `/`-separated path parts). */
export const REPOSITORY_NAME =
  /^(?=.{2,256}$)[a-z0-9]+(?:(?:\.|_|__|-+)[a-z0-9]+)*(?:\/[a-z0-9]+(?:(?:\.|_|__|-+)[a-z0-9]+)*)*$/;

export const REPOSITORY_ACCEPTED =
  'a repository name (web, team/web: lower case, 2–256 characters) or a repository URI (123456789012.dkr.ecr.us-east-1.amazonaws.com/web)';
export const TAG_FILTER_ACCEPTED =
  'tag filters (letters, digits, _ . - and * as wildcard), such as buildcache or cache-*';

export interface RepositoryRef {
  name: string;
  /** Set when the repository was given as a full URI (registry host/name). */
  registry?: PrivateRegistryRef;
}

/** A repository as users write it: a name, or a private registry URI and a name (no tag, no digest). */
export function parseRepositoryRef(raw: string): RepositoryRef | Problem {
  const bare = raw.replace(/^https:\/\//i, '');
  const slash = bare.indexOf('/');
  const head = slash > 0 ? bare.slice(0, slash) : '';
  if (head.includes('.')) {
    const registry = parseRegistryRef(head);
    if ('problem' in registry || registry.kind === 'public') return { problem: REPOSITORY_ACCEPTED };
    const name = bare.slice(slash + 1);
    if (/[:@]/.test(name))
      return { problem: `give the repository without a tag or digest: ${head}/${name.split(/[:@]/)[0]}` };
    return REPOSITORY_NAME.test(name) ? { name, registry } : { problem: REPOSITORY_ACCEPTED };
  }
  if (/[:@]/.test(bare))
    return { problem: `give the repository without a tag or digest: ${bare.split(/[:@]/)[0]}` };
  return REPOSITORY_NAME.test(bare) ? { name: bare } : { problem: REPOSITORY_ACCEPTED };
}

/** A private registry: an account ID or registry URI (ECR Public is refused). */
export function parsePrivateRegistry(raw: string): PrivateRegistryRef | Problem {
  const ref = parseRegistryRef(raw);
  if (!('problem' in ref) && ref.kind === 'public') {
    return { problem: 'ECR Public repositories are not supported here; give a private registry' };
  }
  return ref as PrivateRegistryRef | Problem;
}

/** A tag mutability exclusion filter as ECR takes it (a wildcard, not only `*`). */
export function parseTagFilter(raw: string): string | Problem {
  return /^[A-Za-z0-9_.*-]{1,128}$/.test(raw) && /[^*]/.test(raw) ? raw : { problem: TAG_FILTER_ACCEPTED };
}

/** The inputs ecr-repository reads (the shell's spec produces exactly this). */
export interface RepositorySettings {
  repository: RepositoryRef;
  registry: PrivateRegistryRef | undefined;
  region: string | undefined;
  'if-missing': 'create' | 'fail';
  'scan-on-push': boolean;
  'tag-mutability': 'IMMUTABLE' | 'MUTABLE';
  'mutable-tags': string[];
  encryption: 'AES256' | 'KMS';
  'kms-key': string | undefined;
}

export interface RepositoryPlan {
  wanted: Omit<RepositoryWanted, 'region'>;
  /** A repository or registry URI's region, else the region input. */
  region: string | undefined;
}

export function planRepository(s: RepositorySettings, _env: Env): RepositoryPlan {
  const fromUri = s.repository.registry;
  if (fromUri && s.registry) {
    throw new UserError(
      "Input 'repository' is a full URI, which names its registry already: leave input 'registry' empty, or give the repository by name.",
    );
  }
  if (s['kms-key'] && s.encryption !== 'KMS') {
    throw new UserError(
      "Input 'kms-key' is set, but input 'encryption' is AES256: set encryption: KMS to use the key.",
    );
  }
  const registry = fromUri ?? s.registry;
  if (registry?.kind === 'uri' && s.region && registry.region !== s.region) {
    throw new UserError(
      `The repository URI is in ${registry.region}, but input 'region' is ${s.region}: leave 'region' out (the URI's region is used), or give the URI of that region.`,
    );
  }
  return {
    wanted: {
      name: s.repository.name,
      ...(registry ? { registryId: registry.accountId } : {}),
      ifMissing: s['if-missing'],
      scanOnPush: s['scan-on-push'],
      tagMutability: s['tag-mutability'],
      // With MUTABLE every tag is movable already: there is nothing to exempt.
      mutableTags: s['tag-mutability'] === 'IMMUTABLE' ? s['mutable-tags'] : [],
      encryption: s.encryption,
      ...(s['kms-key'] ? { kmsKey: s['kms-key'] } : {}),
    },
    region: registry?.kind === 'uri' ? registry.region : s.region,
  };
}
