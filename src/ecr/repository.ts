/**
 * An ECR repository that a push can go to: found with DescribeRepositories, or created with scanning on
 * push, the tag mutability and the encryption asked for. An existing repository is never changed; where it
 * differs from what was asked, the differences are returned so that the step can say so.
 */
import {
  CreateRepositoryCommand,
  DescribeRepositoriesCommand,
  type ECRClient,
  type Repository,
} from '@aws-sdk/client-ecr';
import { UserError } from '../errors.js';

export interface RepositoryWanted {
  name: string;
  /** The registry (account) to look in; the caller's own when absent. */
  registryId?: string;
  region: string;
  ifMissing: 'create' | 'fail';
  scanOnPush: boolean;
  tagMutability: 'IMMUTABLE' | 'MUTABLE';
  /** With IMMUTABLE: wildcard filters of tags that stay mutable (a build cache tag, say). */
  mutableTags: string[];
  encryption: 'AES256' | 'KMS';
  kmsKey?: string;
}

export interface RepositoryFound {
  uri: string;
  arn: string;
  registryId: string;
  created: boolean;
  /** IMMUTABLE, MUTABLE, IMMUTABLE_WITH_EXCLUSION or MUTABLE_WITH_EXCLUSION, as the repository has it. */
  tagMutability: string;
  /** The exclusion filters of a *_WITH_EXCLUSION repository. */
  exclusions: string[];
  /** How an existing repository differs from the settings asked for (empty when created or the same). */
  differences: string[];
}

type Ecr = Pick<ECRClient, 'send'>;

const isNamed = (e: unknown, name: string) => (e as { name?: string } | null)?.name === name;

async function describe(client: Ecr, wanted: RepositoryWanted): Promise<Repository | undefined> {
  try {
    const out = await client.send(
      new DescribeRepositoriesCommand({
        repositoryNames: [wanted.name],
        ...(wanted.registryId ? { registryId: wanted.registryId } : {}),
      }),
    );
    return out.repositories?.[0];
  } catch (e) {
    if (isNamed(e, 'RepositoryNotFoundException')) return undefined;
    throw e;
  }
}

function differences(r: Repository, wanted: RepositoryWanted): string[] {
  const out: string[] = [];
  const scan = r.imageScanningConfiguration?.scanOnPush ?? false;
  if (scan !== wanted.scanOnPush)
    out.push(`scan on push is ${scan ? 'on' : 'off'} (asked: ${wanted.scanOnPush ? 'on' : 'off'})`);
  if (!(r.imageTagMutability ?? 'MUTABLE').startsWith(wanted.tagMutability)) {
    out.push(`tags are ${r.imageTagMutability} (asked: ${wanted.tagMutability})`);
  }
  const encryption = r.encryptionConfiguration?.encryptionType ?? 'AES256';
  if (!encryption.startsWith(wanted.encryption))
    out.push(`encryption is ${encryption} (asked: ${wanted.encryption})`);
  return out;
}

function found(r: Repository, created: boolean, diffs: string[]): RepositoryFound {
  return {
    uri: r.repositoryUri ?? '',
    arn: r.repositoryArn ?? '',
    registryId: r.registryId ?? '',
    created,
    tagMutability: r.imageTagMutability ?? 'MUTABLE',
    exclusions: (r.imageTagMutabilityExclusionFilters ?? []).map((f) => f.filter ?? ''),
    differences: diffs,
  };
}

export async function ensureRepository(client: Ecr, wanted: RepositoryWanted): Promise<RepositoryFound> {
  const existing = await describe(client, wanted);
  if (existing) return found(existing, false, differences(existing, wanted));
  const where = `${wanted.registryId ? `registry ${wanted.registryId}` : "this account's registry"} in ${wanted.region}`;
  if (wanted.ifMissing === 'fail') {
    throw new UserError(
      `The ECR repository '${wanted.name}' does not exist in ${where}. Create it, or let the step create it (ecr-repository: if-missing: create; build-and-push: create-repository: true).`,
    );
  }
  try {
    const out = await client.send(
      new CreateRepositoryCommand({
        repositoryName: wanted.name,
        ...(wanted.registryId ? { registryId: wanted.registryId } : {}),
        ...(wanted.mutableTags.length > 0
          ? {
              imageTagMutability: `${wanted.tagMutability}_WITH_EXCLUSION`,
              imageTagMutabilityExclusionFilters: wanted.mutableTags.map((filter) => ({
                filterType: 'WILDCARD',
                filter,
              })),
            }
          : { imageTagMutability: wanted.tagMutability }),
        imageScanningConfiguration: { scanOnPush: wanted.scanOnPush },
        encryptionConfiguration: {
          encryptionType: wanted.encryption,
          ...(wanted.kmsKey ? { kmsKey: wanted.kmsKey } : {}),
        },
      }),
    );
    if (!out.repository) throw new Error(`CreateRepository returned no repository for '${wanted.name}'`);
    return found(out.repository, true, []);
  } catch (e) {
    // Another job created it between our look and our create (parallel matrix jobs do): use that one.
    if (!isNamed(e, 'RepositoryAlreadyExistsException')) throw e;
    const raced = await describe(client, wanted);
    if (!raced) throw e;
    return found(raced, false, differences(raced, wanted));
  }
}
