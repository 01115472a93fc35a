/**
 * images: every container image exists, and offers the platform the task runs on. ECR images are read
 * through ECR's API — one BatchGetImage per repository for all its tags and digests (it answers each one
 * found or not, where DescribeImages fails the whole call on the first one missing), then the config
 * blob of a single-platform manifest through GetDownloadUrlForLayer. A repository that does not exist
 * but falls under a pull-through cache rule is followed to its upstream registry. Other registries are
 * read through their HTTP API (the anonymous token flow), or left with a notice.
 */
import {
  BatchGetImageCommand,
  DescribePullThroughCacheRulesCommand,
  GetDownloadUrlForLayerCommand,
  type PullThroughCacheRule,
} from '@aws-sdk/client-ecr';
import { type CheckContext, errorName } from './context.js';
import type { ImageUse } from './references.js';
import {
  describePlatform,
  ecrRegistry,
  type ImageReference,
  imagePlatforms,
  MANIFEST_MEDIA_TYPES,
  type Platform,
  parseImageReference,
  platformMatches,
  platformOfConfig,
  readManifest,
  wantedPlatform,
} from './registry.js';

type Json = Record<string, unknown>;

/** What one image turned out to be. */
type Seen =
  | { kind: 'platforms'; platforms: Platform[]; via?: string }
  | { kind: 'missing'; message: string }
  | { kind: 'unchecked'; message: string };

interface EcrImage {
  account: string;
  region: string;
  repository: string;
  id: { imageTag?: string; imageDigest?: string };
}

const idText = (id: EcrImage['id']) => id.imageDigest ?? id.imageTag ?? 'latest';

/** The platform the task runs on, when the task definition says (runtimePlatform, or Fargate's default). */
function judgedPlatform(definition: Json): { platform: Platform; why: string } | undefined {
  const runtime = definition['runtimePlatform'] as Json | undefined;
  if (runtime && (runtime['cpuArchitecture'] || runtime['operatingSystemFamily'])) {
    const said = [runtime['operatingSystemFamily'], runtime['cpuArchitecture']].filter(Boolean).join(', ');
    return { platform: wantedPlatform(runtime), why: `runtimePlatform ${said}` };
  }
  const compat = definition['requiresCompatibilities'];
  if (Array.isArray(compat) && compat.length === 1 && compat[0] === 'FARGATE')
    return {
      platform: wantedPlatform(undefined),
      why: 'Fargate without runtimePlatform runs LINUX on X86_64',
    };
  // On EC2 the instances decide; verify does not guess them.
  return undefined;
}

async function ecrBatch(ctx: CheckContext, repo: Omit<EcrImage, 'id'>, ids: EcrImage['id'][]) {
  const key = `BatchGetImage ${repo.account}/${repo.region}/${repo.repository}`;
  return ctx.lookups.once(key, async () => {
    try {
      const out = await ctx.clients.ecr(repo.region).send(
        new BatchGetImageCommand({
          registryId: repo.account,
          repositoryName: repo.repository,
          imageIds: ids,
          acceptedMediaTypes: [...MANIFEST_MEDIA_TYPES],
        }),
      );
      return { found: true as const, out };
    } catch (error) {
      if (errorName(error) === 'RepositoryNotFoundException') return { found: false as const };
      throw error;
    }
  });
}

async function pullThroughRules(
  ctx: CheckContext,
  account: string,
  region: string,
): Promise<PullThroughCacheRule[]> {
  return ctx.lookups.once(`DescribePullThroughCacheRules ${account}/${region}`, async () => {
    const rules: PullThroughCacheRule[] = [];
    let nextToken: string | undefined;
    do {
      const out = await ctx.clients.ecr(region).send(
        new DescribePullThroughCacheRulesCommand({
          registryId: account,
          ...(nextToken ? { nextToken } : {}),
        }),
      );
      rules.push(...(out.pullThroughCacheRules ?? []));
      nextToken = out.nextToken;
    } while (nextToken);
    return rules;
  });
}

/** The upstream image a pull-through cache repository stands for (docker-hub/library/nginx → Docker Hub's). */
function upstreamOf(
  rule: PullThroughCacheRule,
  repository: string,
  id: EcrImage['id'],
): ImageReference | undefined {
  const prefix = rule.ecrRepositoryPrefix ?? '';
  let host = (rule.upstreamRegistryUrl ?? '').replace(/^https?:\/\//, '');
  if (host === 'docker.io') host = 'registry-1.docker.io';
  const rest = repository.slice(prefix.length + 1);
  const written = `${host}/${rest}${id.imageDigest ? `@${id.imageDigest}` : `:${id.imageTag ?? 'latest'}`}`;
  return parseImageReference(written);
}

async function ecrSeen(ctx: CheckContext, image: EcrImage, ids: EcrImage['id'][]): Promise<Seen | undefined> {
  const where = `${image.repository} (registry ${image.account}, ${image.region})`;
  const batch = await ctx.read('images', `repository ${image.repository}`, () => ecrBatch(ctx, image, ids));
  if (!batch) return undefined;
  // A repository under a pull-through cache rule fills from upstream on a pull: one that does not exist
  // yet, or lacks the tag so far, is judged by the upstream image.
  const throughCache = async (missing: string): Promise<Seen> => {
    const rules = await ctx.read('images', `pull-through cache rules of ${image.account}`, () =>
      pullThroughRules(ctx, image.account, image.region),
    );
    const rule = rules?.find(
      (r) => r.ecrRepositoryPrefix && image.repository.startsWith(`${r.ecrRepositoryPrefix}/`),
    );
    if (!rule) {
      return {
        kind: 'missing',
        message: `${missing}${rules ? ', and no pull-through cache rule covers it' : ''}`,
      };
    }
    const upstream = upstreamOf(rule, image.repository, image.id);
    if (!upstream)
      return {
        kind: 'unchecked',
        message: `pull-through cache rule ${rule.ecrRepositoryPrefix} names ${rule.upstreamRegistryUrl}, which verify cannot read`,
      };
    const via = `pulled through the cache rule ${rule.ecrRepositoryPrefix}/ from ${rule.upstreamRegistryUrl}`;
    const seen = await registrySeen(ctx, upstream);
    return seen.kind === 'platforms' ? { ...seen, via } : { ...seen, message: `${seen.message} (${via})` };
  };
  if (!batch.found) return throughCache(`the repository ${where} does not exist`);
  const wanted = idText(image.id);
  const failure = batch.out.failures?.find((f) => (f.imageId?.imageDigest ?? f.imageId?.imageTag) === wanted);
  if (failure) {
    const code = failure.failureCode ?? 'failure';
    if (code === 'ImageNotFound')
      return throughCache(
        `${image.id.imageDigest ? 'digest' : 'tag'} ${wanted} is not in ${where}: it was never pushed, or it was deleted (a lifecycle policy?)`,
      );
    // The upstream registry of a pull-through cache refused or did not answer: nothing is known.
    if (code.startsWith('Upstream'))
      return {
        kind: 'unchecked',
        message: `ECR answered ${code} for ${wanted} in ${where}: ${failure.failureReason ?? ''}`,
      };
    return {
      kind: 'missing',
      message: `ECR answered ${code} for ${wanted} in ${where}: ${failure.failureReason ?? ''}`,
    };
  }
  const found = batch.out.images?.find(
    (i) => i.imageId?.imageDigest === wanted || i.imageId?.imageTag === wanted,
  );
  if (!found?.imageManifest)
    return { kind: 'unchecked', message: `ECR returned no manifest for ${wanted} in ${where}` };
  const manifest = readManifest(found.imageManifest, found.imageManifestMediaType);
  if (manifest.kind === 'index') return { kind: 'platforms', platforms: manifest.platforms };
  if (manifest.kind === 'unknown')
    return { kind: 'unchecked', message: `its manifest is ${manifest.mediaType}, which says no platform` };
  const digest = manifest.configDigest;
  const config = await ctx.read('images', `image config of ${image.repository}`, () =>
    ctx.lookups.once(
      `GetDownloadUrlForLayer ${image.account}/${image.region}/${image.repository}@${digest}`,
      async () => {
        const out = await ctx.clients.ecr(image.region).send(
          new GetDownloadUrlForLayerCommand({
            registryId: image.account,
            repositoryName: image.repository,
            layerDigest: digest,
          }),
        );
        if (!out.downloadUrl) return undefined;
        const response = await (ctx.fetch ?? fetch)(out.downloadUrl, {
          ...(ctx.signal ? { signal: ctx.signal } : {}),
        });
        return response.ok ? response.text() : undefined;
      },
    ),
  );
  const platform = config ? platformOfConfig(config) : undefined;
  return platform
    ? { kind: 'platforms', platforms: [platform] }
    : { kind: 'unchecked', message: `the image config of ${wanted} in ${where} could not be read` };
}

async function registrySeen(ctx: CheckContext, ref: ImageReference): Promise<Seen> {
  const answer = await ctx.lookups.once(
    `registry ${ref.registry}/${ref.repository}@${ref.digest ?? ref.tag}`,
    () =>
      imagePlatforms(ref, {
        ...(ctx.fetch ? { fetch: ctx.fetch } : {}),
        ...(ctx.signal ? { signal: ctx.signal } : {}),
      }),
  );
  if (answer.status === 'found') return { kind: 'platforms', platforms: answer.value.platforms };
  if (answer.status === 'not-found') return { kind: 'missing', message: answer.message };
  return { kind: 'unchecked', message: answer.message };
}

export async function checkImages(ctx: CheckContext): Promise<void> {
  const judged = judgedPlatform(ctx.definition);
  const uses = ctx.refs.images.map((use) => ({ use, ref: parseImageReference(use.image) }));
  // All tags and digests of one ECR repository go in one BatchGetImage.
  const byRepo = new Map<string, EcrImage['id'][]>();
  const ecrOf = (ref: ImageReference): EcrImage | undefined => {
    const registry = ecrRegistry(ref.registry);
    if (!registry) return undefined;
    const id = ref.digest ? { imageDigest: ref.digest } : { imageTag: ref.tag ?? 'latest' };
    return { ...registry, repository: ref.repository, id };
  };
  for (const { ref } of uses) {
    const ecr = ref && ecrOf(ref);
    if (!ecr) continue;
    const key = `${ecr.account}/${ecr.region}/${ecr.repository}`;
    const ids = byRepo.get(key) ?? [];
    if (!ids.some((i) => idText(i) === idText(ecr.id))) ids.push(ecr.id);
    byRepo.set(key, ids);
  }
  await Promise.all(
    uses.map(async ({ use, ref }) => {
      if (!ref) {
        ctx.find(
          'image-unchecked',
          use.pointer,
          `The image of ${use.container} (${use.image}) is not an image reference verify can read.`,
        );
        return;
      }
      const ecr = ecrOf(ref);
      const seen = ecr
        ? await ecrSeen(ctx, ecr, byRepo.get(`${ecr.account}/${ecr.region}/${ecr.repository}`)!)
        : await registrySeen(ctx, ref);
      if (seen) judge(ctx, use, seen, judged);
    }),
  );
}

function judge(
  ctx: CheckContext,
  use: ImageUse,
  seen: Seen,
  judged: ReturnType<typeof judgedPlatform>,
): void {
  const of = `The image of ${use.container} (${use.image})`;
  if (seen.kind === 'missing') {
    ctx.find('image-not-found', use.pointer, `${of} cannot be pulled: ${seen.message}.`);
    return;
  }
  if (seen.kind === 'unchecked') {
    const credentials = use.credentials
      ? ' (the registry takes the credentials in repositoryCredentials, which verify does not read)'
      : '';
    ctx.find(
      'image-unchecked',
      use.pointer,
      `${of} was not checked: ${seen.message}${credentials}.`,
      'notice',
    );
    return;
  }
  if (seen.via)
    ctx.find(
      'image-unchecked',
      use.pointer,
      `${of} is ${seen.via}; the upstream image was checked.`,
      'notice',
    );
  if (!judged || seen.platforms.length === 0) return;
  if (seen.platforms.some((p) => platformMatches(judged.platform, p))) return;
  const offered = seen.platforms.map(describePlatform).join(', ');
  ctx.find(
    'image-platform',
    use.pointer,
    `${of} offers ${offered} only, but the task runs on ${describePlatform(judged.platform)} (${judged.why}): ECS would pull nothing that runs. Build it for ${describePlatform(judged.platform)} (docker buildx build --platform ${describePlatform(judged.platform)}), or change runtimePlatform.`,
  );
}
