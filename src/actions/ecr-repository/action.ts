/**
 * ecr-repository: makes sure the ECR repository a build pushes to exists before the build starts — found,
 * or created with scanning on push, immutable tags and encryption — and gives its URI.
 */
import { REPOSITORY_NAME } from '../../ecr/repository.js';
import { parseRegistryRef, type PrivateRegistryRef, REGISTRY_ACCEPTED } from '../../ecr/registry.js';
import { UserError } from '../../errors.js';
import { defineAction } from '../../github/action.js';
import type { Problem } from '../../errors.js';
import { boolean, list, oneOf, parsed, region, text } from '../../github/inputs.js';
import { consoleLinks, link } from '../../github/summary.js';

const NAME = 'ecr-repository';
const TAG_FILTER_ACCEPTED =
  'tag filters (letters, digits, _ . - and * as wildcard), such as buildcache or cache-*';

interface RepositoryRef {
  name: string;
  /** Set when the repository was given as a full URI (registry host/name). */
  registry?: PrivateRegistryRef;
}

const REPOSITORY_ACCEPTED =
  'a repository name (web, team/web: lower case, 2–256 characters) or a repository URI (123456789012.dkr.ecr.us-east-1.amazonaws.com/web)';

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

function parsePrivateRegistry(raw: string): PrivateRegistryRef | Problem {
  const ref = parseRegistryRef(raw);
  if (!('problem' in ref) && ref.kind === 'public') {
    return { problem: 'ECR Public repositories are not supported here; give a private registry' };
  }
  return ref as PrivateRegistryRef | Problem;
}

export const inputs = {
  repository: parsed(parseRepositoryRef, { accepted: REPOSITORY_ACCEPTED, required: true }),
  registry: parsed(parsePrivateRegistry, { accepted: REGISTRY_ACCEPTED }),
  region: region(),
  'if-missing': oneOf(['create', 'fail'], { default: 'create' }),
  'scan-on-push': boolean({ default: 'true' }),
  'tag-mutability': oneOf(['IMMUTABLE', 'MUTABLE'], { default: 'IMMUTABLE' }),
  'mutable-tags': list({
    item: (t: string) =>
      /^[A-Za-z0-9_.*-]{1,128}$/.test(t) && /[^*]/.test(t) ? t : { problem: TAG_FILTER_ACCEPTED },
    itemAccepted: TAG_FILTER_ACCEPTED,
    default: '',
  }),
  encryption: oneOf(['AES256', 'KMS'], { default: 'AES256' }),
  'kms-key': text({
    pattern: /^(arn:aws[a-z-]*:kms:[a-z0-9-]+:\d{12}:(key|alias)\/[\w/-]+|alias\/[\w/-]+|[0-9a-f-]{36})$/,
    accepted: 'a KMS key ID, key ARN, alias (alias/name) or alias ARN',
  }),
};

export default defineAction({
  name: NAME,
  inputs,
  outputs: [
    'repository-uri',
    'repository-arn',
    'registry-id',
    'region',
    'created',
    'tag-mutability',
    'mutable-tags',
  ],

  async main(ctx) {
    const s = ctx.settings;
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
    const aws = await import('./aws.js');
    const stepRegion = registry?.kind === 'uri' ? registry.region : aws.resolveRegion(s.region, ctx.env);
    const client = aws.createClient(aws.ECRClient, { region: stepRegion, action: NAME, env: ctx.env });
    const repo = await aws.ensureRepository(client, {
      name: s.repository.name,
      ...(registry ? { registryId: registry.accountId } : {}),
      region: stepRegion,
      ifMissing: s['if-missing'],
      scanOnPush: s['scan-on-push'],
      tagMutability: s['tag-mutability'],
      mutableTags: s['mutable-tags'],
      encryption: s.encryption,
      ...(s['kms-key'] ? { kmsKey: s['kms-key'] } : {}),
    });

    ctx.setOutput('repository-uri', repo.uri);
    ctx.setOutput('repository-arn', repo.arn);
    ctx.setOutput('registry-id', repo.registryId);
    ctx.setOutput('region', stepRegion);
    ctx.setOutput('created', String(repo.created));
    ctx.setOutput('tag-mutability', repo.tagMutability);
    ctx.setOutput('mutable-tags', repo.exclusions.join(','));
    if (repo.created) {
      ctx.log.info(
        `Created ${repo.uri} (scan on push ${s['scan-on-push'] ? 'on' : 'off'}, tags ${s['tag-mutability']}, ${s.encryption}).`,
      );
    } else {
      ctx.log.info(`Found ${repo.uri}.`);
    }
    if (repo.differences.length > 0 && s['if-missing'] === 'create') {
      ctx.log.warning(
        `The repository ${repo.uri} already existed and is left as it is, although it differs from the inputs: ${repo.differences.join('; ')}.`,
      );
    }
    await ctx.summary
      .addRaw(
        `<p>ECR repository ${link(repo.uri, consoleLinks.ecrRepository(stepRegion, repo.registryId, s.repository.name))}: ${repo.created ? 'created' : 'exists'}.</p>`,
        true,
      )
      .write();
  },
});
