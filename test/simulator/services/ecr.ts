/**
 * Amazon ECR and ECR Public, as far as ecs-shipyard calls them. Shapes follow the 2015-09-21 / 2020-10-30 models.
 *
 * Seeded images are real manifests: an image manifest whose config blob is the image's JSON
 * configuration, or an image index (manifest list) over one manifest per platform, each child stored too
 * and addressable by digest only. Digests are sha256 over the exact bytes served. Layer and config blobs
 * are served by the simulator itself at the presigned-style URL GetDownloadUrlForLayer hands out
 * (serveEcrBlob, called by the server's transport: as S3 does, no SigV4, the query string is the key).
 */
import { createHash, createHmac, randomBytes } from 'node:crypto';
import { AwsError, invalidParameter, notFound } from '../errors.js';
import { DEFAULT_ACCOUNT, type EcrImageSeed, type EcrRepositorySeed } from '../scenario.js';
import type { JsonService, RequestContext, Simulator } from '../server.js';
import { bool, int, list, str, struct } from '../shapes.js';

const REGISTRY_ID = str({ pattern: '[0-9]{12}' });
const REPOSITORY_NAME = str({
  min: 2,
  max: 256,
  pattern: '[a-z0-9]+((\\.|_|__|-+)[a-z0-9]+)*(\\/[a-z0-9]+((\\.|_|__|-+)[a-z0-9]+)*)*',
});

interface Repository {
  account: string;
  region: string;
  name: string;
  imageTagMutability: string;
  scanOnPush: boolean;
  exclusions: string[];
  encryptionType: string;
  kmsKey?: string;
  createdAt: number;
  /** Every manifest pushed, children of an index included (untagged), in push order. */
  images: StoredImage[];
  /** Config and layer blobs by digest. */
  blobs: Map<string, Buffer>;
}

interface StoredImage {
  digest: string;
  mediaType: string;
  /** The manifest exactly as served. */
  manifest: string;
  tags: string[];
  pushedAt: number;
  sizeInBytes: number;
  /** The config's media type (image manifests only). */
  artifactMediaType?: string;
  /** linux/amd64 and so on, for the children of an index. */
  platform?: { os: string; architecture: string; variant?: string };
  /** For an index: its children's digests. */
  children?: string[];
  /** For an image manifest: the config's and the layers' digests. */
  blobs: string[];
}

interface PullThroughCacheRule {
  prefix: string;
  upstreamRegistryUrl: string;
  account: string;
  region: string;
  createdAt: number;
}

export interface EcrState {
  repositories: Repository[];
  pullThroughCacheRules: PullThroughCacheRule[];
  /** `${account}/${region}` → the password GetAuthorizationToken hands out there. */
  passwords: Map<string, string>;
}

export function ecrState(sim: Simulator): EcrState {
  let state = sim.state.get('ecr') as EcrState | undefined;
  if (!state) {
    const seeds: EcrRepositorySeed[] = sim.scenario.ecr?.repositories ?? [];
    const account = sim.scenario.account ?? DEFAULT_ACCOUNT;
    state = {
      repositories: seeds.map((s) => {
        const repository: Repository = {
          account: s.account ?? account,
          region: s.region ?? 'us-east-1',
          name: s.name,
          imageTagMutability: s.imageTagMutability ?? 'MUTABLE',
          scanOnPush: s.scanOnPush ?? false,
          exclusions: s.mutableTags ?? [],
          encryptionType: 'AES256',
          createdAt: s.createdAt ? Date.parse(s.createdAt) : sim.now(),
          images: [],
          blobs: new Map(),
        };
        (s.images ?? []).forEach((image, i) => pushImage(repository, image, i, sim.now()));
        return repository;
      }),
      pullThroughCacheRules: (sim.scenario.ecr?.pullThroughCacheRules ?? []).map((r) => ({
        prefix: r.prefix,
        upstreamRegistryUrl: r.upstreamRegistryUrl,
        account: r.account ?? account,
        region: r.region ?? 'us-east-1',
        createdAt: sim.now() - 30 * 86_400_000,
      })),
      passwords: new Map(),
    };
    sim.state.set('ecr', state);
  }
  return state;
}

/** The password for a registry: the scenario's, or one made up once and kept (tests read it from here). */
export function registryPassword(sim: Simulator, account: string, region: string): string {
  const state = ecrState(sim);
  const key = `${account}/${region}`;
  let password = sim.scenario.ecr?.registries?.[account]?.password ?? state.passwords.get(key);
  if (!password) {
    // 48 random bytes: shorter than bcrypt's 72-byte limit, so htpasswd checks every character.
    password = randomBytes(36).toString('base64');
    state.passwords.set(key, password);
  }
  return password;
}

export function registryEndpoint(sim: Simulator, account: string, region: string): string {
  return (
    sim.scenario.ecr?.registries?.[account]?.endpoint ?? `https://${account}.dkr.ecr.${region}.amazonaws.com`
  );
}

function token(password: string): string {
  return Buffer.from(`AWS:${password}`).toString('base64');
}

function expiry(ctx: RequestContext): number {
  return (ctx.now + (ctx.sim.scenario.ecr?.tokenLifetimeSeconds ?? 12 * 3600) * 1000) / 1000;
}

function encodeToken(offset: number): string {
  return Buffer.from(JSON.stringify({ offset })).toString('base64');
}

function decodeToken(token: string): number {
  try {
    const { offset } = JSON.parse(Buffer.from(token, 'base64').toString('utf8')) as { offset: unknown };
    if (typeof offset === 'number' && Number.isInteger(offset) && offset >= 0) return offset;
  } catch {
    // fall through
  }
  throw invalidParameter(
    "Invalid parameter at 'nextToken' failed to satisfy constraint: 'Invalid NextToken'",
  );
}

const registryHost = (sim: Simulator, account: string, region: string) =>
  registryEndpoint(sim, account, region).replace(/^https?:\/\//, '');

function describeRepository(r: Repository, host: string) {
  return {
    repositoryArn: `arn:aws:ecr:${r.region}:${r.account}:repository/${r.name}`,
    registryId: r.account,
    repositoryName: r.name,
    repositoryUri: `${host}/${r.name}`,
    createdAt: r.createdAt / 1000,
    imageTagMutability: r.imageTagMutability,
    ...(r.exclusions.length
      ? {
          imageTagMutabilityExclusionFilters: r.exclusions.map((filter) => ({
            filterType: 'WILDCARD',
            filter,
          })),
        }
      : {}),
    imageScanningConfiguration: { scanOnPush: r.scanOnPush },
    encryptionConfiguration: { encryptionType: r.encryptionType, ...(r.kmsKey ? { kmsKey: r.kmsKey } : {}) },
  };
}

// ---------------------------------------------------------------------------------------------------
// Images: manifests, indexes and blobs built from the seeds

const MEDIA = {
  docker: {
    manifest: 'application/vnd.docker.distribution.manifest.v2+json',
    index: 'application/vnd.docker.distribution.manifest.list.v2+json',
    config: 'application/vnd.docker.container.image.v1+json',
    layer: 'application/vnd.docker.image.rootfs.diff.tar.gzip',
  },
  oci: {
    manifest: 'application/vnd.oci.image.manifest.v1+json',
    index: 'application/vnd.oci.image.index.v1+json',
    config: 'application/vnd.oci.image.config.v1+json',
    layer: 'application/vnd.oci.image.layer.v1.tar+gzip',
  },
} as const;

/**
 * What BatchGetImage accepts when the caller names no media types: the values AWS documents for
 * acceptedMediaTypes (Docker schema 1 and 2, OCI image manifest). Indexes and manifest lists have to be
 * asked for.
 */
const DEFAULT_ACCEPTED = [
  'application/vnd.docker.distribution.manifest.v1+json',
  MEDIA.docker.manifest,
  MEDIA.oci.manifest,
];

const sha256 = (bytes: Buffer | string) => `sha256:${createHash('sha256').update(bytes).digest('hex')}`;

function parsePlatform(p: string): { os: string; architecture: string; variant?: string } {
  const [os, architecture, variant] = p.split('/');
  if (!os || !architecture) throw new Error(`scenario: platform '${p}' is not os/arch[/variant]`);
  return { os, architecture, ...(variant ? { variant } : {}) };
}

/** One image manifest for a platform, with its config and layer blobs stored in the repository. */
function buildManifest(
  repo: Repository,
  format: 'docker' | 'oci',
  platform: { os: string; architecture: string; variant?: string },
  seed: string,
): { digest: string; body: string; size: number; blobs: string[]; total: number } {
  const media = MEDIA[format];
  const layers = [0, 1].map((n) => Buffer.from(`layer ${n} of ${seed}\n`.repeat(8 + n * 8)));
  const config = Buffer.from(
    JSON.stringify({
      architecture: platform.architecture,
      os: platform.os,
      ...(platform.variant ? { variant: platform.variant } : {}),
      config: {
        Env: ['PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin'],
        Cmd: platform.os === 'windows' ? ['cmd'] : ['/bin/sh'],
      },
      rootfs: { type: 'layers', diff_ids: layers.map((l) => sha256(l)) },
    }),
  );
  const manifest = JSON.stringify({
    schemaVersion: 2,
    mediaType: media.manifest,
    config: { mediaType: media.config, digest: sha256(config), size: config.length },
    layers: layers.map((l) => ({ mediaType: media.layer, digest: sha256(l), size: l.length })),
  });
  for (const blob of [config, ...layers]) repo.blobs.set(sha256(blob), blob);
  return {
    digest: sha256(manifest),
    body: manifest,
    size: Buffer.byteLength(manifest),
    blobs: [config, ...layers].map((b) => sha256(b)),
    total: config.length + layers.reduce((n, l) => n + l.length, 0),
  };
}

/** Pushes a seeded image: a tag moves from the image that had it, as a push does. */
function pushImage(repo: Repository, seed: EcrImageSeed, index: number, now: number): void {
  const format = seed.format ?? 'docker';
  const media = MEDIA[format];
  const platforms = (seed.platforms ?? ['linux/amd64']).map(parsePlatform);
  const pushedAt = seed.pushedAt ? Date.parse(seed.pushedAt) : now - 86_400_000;
  const tags = seed.tags ?? [];
  for (const image of repo.images) image.tags = image.tags.filter((t) => !tags.includes(t));
  const base = `${repo.account}/${repo.region}/${repo.name}/${index}/${(seed.tags ?? []).join(',')}`;
  const built = platforms.map((p) => ({
    platform: p,
    ...buildManifest(repo, format, p, `${base}/${p.os}/${p.architecture}/${p.variant ?? ''}`),
  }));
  if (built.length === 1) {
    const m = built[0]!;
    repo.images.push({
      digest: m.digest,
      mediaType: media.manifest,
      manifest: m.body,
      tags,
      pushedAt,
      sizeInBytes: m.total,
      artifactMediaType: media.config,
      blobs: m.blobs,
    });
    return;
  }
  for (const m of built) {
    repo.images.push({
      digest: m.digest,
      mediaType: media.manifest,
      manifest: m.body,
      tags: [],
      pushedAt,
      sizeInBytes: m.total,
      artifactMediaType: media.config,
      platform: m.platform,
      blobs: m.blobs,
    });
  }
  const list = JSON.stringify({
    schemaVersion: 2,
    mediaType: media.index,
    manifests: built.map((m) => ({
      mediaType: media.manifest,
      digest: m.digest,
      size: m.size,
      platform: m.platform,
    })),
  });
  repo.images.push({
    digest: sha256(list),
    mediaType: media.index,
    manifest: list,
    tags,
    pushedAt,
    // AWS: "If the image is a manifest list, this will be the max size of all manifests in the list."
    sizeInBytes: Math.max(...built.map((m) => m.total)),
    children: built.map((m) => m.digest),
    blobs: [],
  });
}

function findRepository(ctx: RequestContext, input: Record<string, unknown>): Repository {
  const registryId = (input['registryId'] as string | undefined) ?? ctx.account;
  const name = input['repositoryName'] as string;
  const repo = ecrState(ctx.sim).repositories.find(
    (r) => r.account === registryId && r.region === ctx.region && r.name === name,
  );
  if (!repo) {
    throw notFound(
      'RepositoryNotFoundException',
      `The repository with name '${name}' does not exist in the registry with id '${registryId}'`,
    );
  }
  return repo;
}

/** The digest of a seeded image by tag (tests use it to know what the simulator will answer). */
export function imageDigest(
  sim: Simulator,
  ref: { account?: string; region?: string; repository: string; tag: string },
): string {
  const account = ref.account ?? sim.scenario.account ?? DEFAULT_ACCOUNT;
  const region = ref.region ?? 'us-east-1';
  const repo = ecrState(sim).repositories.find(
    (r) => r.account === account && r.region === region && r.name === ref.repository,
  );
  const image = repo?.images.find((i) => i.tags.includes(ref.tag));
  if (!image) throw new Error(`no image ${ref.repository}:${ref.tag} in ${account}/${region}`);
  return image.digest;
}

const DIGEST = /^[a-zA-Z0-9-_+.]+:[a-fA-F0-9]+$/;
type ImageId = { imageTag?: string; imageDigest?: string };

/** BatchGetImage's answer for one reference: the image to serve, or the failure AWS lists. */
function resolveForGet(
  repo: Repository,
  id: ImageId,
  accepted: readonly string[],
): { image: StoredImage } | { failureCode: string; failureReason: string } {
  if (!id.imageTag && !id.imageDigest) {
    return {
      failureCode: 'MissingDigestAndTag',
      failureReason: 'Invalid request parameters: both tag and digest cannot be null',
    };
  }
  if (id.imageDigest !== undefined && !DIGEST.test(id.imageDigest)) {
    return {
      failureCode: 'InvalidImageDigest',
      failureReason:
        "Invalid request parameters: image digest should satisfy the regex '[a-zA-Z0-9-_+.]+:[a-fA-F0-9]+'",
    };
  }
  const missing = { failureCode: 'ImageNotFound', failureReason: 'Requested image not found' };
  const image = id.imageTag
    ? repo.images.find((i) => i.tags.includes(id.imageTag!))
    : repo.images.find((i) => i.digest === id.imageDigest);
  if (!image) return missing;
  if (id.imageTag && id.imageDigest && image.digest !== id.imageDigest) {
    return {
      failureCode: 'ImageTagDoesNotMatchDigest',
      failureReason: 'Invalid request parameters: image tag does not match digest',
    };
  }
  if (accepted.includes(image.mediaType)) return { image };
  // An index the caller cannot read: the registry falls back to its linux/amd64 manifest, if it has one.
  if (image.children) {
    const child = repo.images.find(
      (i) =>
        image.children!.includes(i.digest) &&
        i.platform?.os === 'linux' &&
        i.platform.architecture === 'amd64' &&
        accepted.includes(i.mediaType),
    );
    if (child) return { image: child };
  }
  return missing;
}

function describeImage(repo: Repository, i: StoredImage) {
  return {
    registryId: repo.account,
    repositoryName: repo.name,
    imageDigest: i.digest,
    ...(i.tags.length ? { imageTags: i.tags } : {}),
    imageSizeInBytes: i.sizeInBytes,
    imagePushedAt: i.pushedAt / 1000,
    imageManifestMediaType: i.mediaType,
    ...(i.artifactMediaType ? { artifactMediaType: i.artifactMediaType } : {}),
    imageStatus: 'ACTIVE',
  };
}

/** The registry ECR pulls from for a pull through cache rule, as DescribePullThroughCacheRules names it. */
function upstreamRegistry(url: string): string | undefined {
  const host = url.replace(/^https?:\/\//, '').split('/')[0] ?? '';
  if (host === 'public.ecr.aws') return 'ecr-public';
  if (/\.dkr\.ecr\.[^.]+\.amazonaws\.com$/.test(host)) return 'ecr';
  if (host === 'registry-1.docker.io') return 'docker-hub';
  if (host === 'quay.io') return 'quay';
  if (host === 'registry.k8s.io') return 'k8s';
  if (host === 'ghcr.io') return 'github-container-registry';
  if (host.endsWith('.azurecr.io')) return 'azure-container-registry';
  if (host === 'registry.gitlab.com') return 'gitlab-container-registry';
  if (host === 'cgr.dev') return 'chainguard';
  return undefined;
}

// ---------------------------------------------------------------------------------------------------
// Blob downloads: the presigned-style URL GetDownloadUrlForLayer hands out, served without SigV4

const BLOB_PATH = '/__ecr-blobs/';
/** How long a download URL is good for, in seconds. */
const BLOB_URL_SECONDS = 3600;
const BLOB_KEY = 'simulator-ecr-blob-url-key';

const amzDate = (ms: number) =>
  new Date(ms)
    .toISOString()
    .replace(/[-:]/g, '')
    .replace(/\.\d{3}/, '');
const blobSignature = (path: string, date: string, expires: string) =>
  createHmac('sha256', BLOB_KEY).update(`${path}\n${date}\n${expires}`).digest('hex');

function downloadUrl(sim: Simulator, repo: Repository, digest: string, now: number): string {
  const path = `${BLOB_PATH}${repo.account}/${repo.region}/${repo.name}/${encodeURIComponent(digest)}`;
  const date = amzDate(now);
  const expires = String(BLOB_URL_SECONDS);
  const query = new URLSearchParams({
    'X-Amz-Algorithm': 'AWS4-HMAC-SHA256',
    'X-Amz-Date': date,
    'X-Amz-Expires': expires,
    'X-Amz-SignedHeaders': 'host',
    'X-Amz-Signature': blobSignature(path, date, expires),
  });
  return `${sim.endpoint}${path}?${query.toString()}`;
}

export interface RawAnswer {
  status: number;
  contentType: string;
  body: Buffer;
}

const s3Error = (status: number, code: string, message: string): RawAnswer => ({
  status,
  contentType: 'application/xml',
  body: Buffer.from(
    `<?xml version="1.0" encoding="UTF-8"?>\n<Error><Code>${code}</Code><Message>${message}</Message></Error>`,
  ),
});

/**
 * A GET of a blob URL, answered as S3 answers a presigned GET: the bytes, or S3's XML error (403 for a
 * bad signature or an expired URL, 404 for a key that is not there). Undefined for any other path.
 */
export function serveEcrBlob(sim: Simulator, method: string, url: URL): RawAnswer | undefined {
  if (!url.pathname.startsWith(BLOB_PATH)) return undefined;
  const q = url.searchParams;
  const date = q.get('X-Amz-Date') ?? '';
  const expires = q.get('X-Amz-Expires') ?? '';
  if (method !== 'GET' || q.get('X-Amz-Signature') !== blobSignature(url.pathname, date, expires)) {
    return s3Error(
      403,
      'SignatureDoesNotMatch',
      'The request signature we calculated does not match the signature you provided. Check your key and signing method.',
    );
  }
  const signedAt = Date.parse(
    date.replace(/^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z$/, '$1-$2-$3T$4:$5:$6Z'),
  );
  if (sim.now() > signedAt + Number(expires) * 1000)
    return s3Error(403, 'AccessDenied', 'Request has expired');
  const [account, region, ...rest] = url.pathname.slice(BLOB_PATH.length).split('/');
  const digest = decodeURIComponent(rest.pop() ?? '');
  const repo = ecrState(sim).repositories.find(
    (r) => r.account === account && r.region === region && r.name === rest.join('/'),
  );
  const blob = repo?.blobs.get(digest);
  if (!blob) return s3Error(404, 'NoSuchKey', 'The specified key does not exist.');
  return { status: 200, contentType: 'application/octet-stream', body: blob };
}

const IMAGE_ID = struct({ imageDigest: str(), imageTag: str({ min: 1, max: 300 }) });

export const ecrService: JsonService = {
  protocol: 'awsJson1_1',
  name: 'ecr',
  iamPrefix: 'ecr',
  targetPrefix: 'AmazonEC2ContainerRegistry_V20150921',
  operations: {
    GetAuthorizationToken: {
      input: struct({ registryIds: list(REGISTRY_ID, { min: 1, max: 10 }) }),
      handler(input, ctx) {
        const ids = (input['registryIds'] as string[] | undefined) ?? [ctx.account];
        return {
          authorizationData: ids.map((id) => ({
            authorizationToken: token(registryPassword(ctx.sim, id, ctx.region)),
            expiresAt: expiry(ctx),
            proxyEndpoint: registryEndpoint(ctx.sim, id, ctx.region),
          })),
        };
      },
    },
    DescribeRepositories: {
      input: struct({
        registryId: REGISTRY_ID,
        repositoryNames: list(REPOSITORY_NAME, { min: 1, max: 100 }),
        nextToken: str(),
        maxResults: int({ min: 1, max: 1000 }),
      }),
      handler(input, ctx) {
        const registryId = (input['registryId'] as string | undefined) ?? ctx.account;
        const names = input['repositoryNames'] as string[] | undefined;
        if (names && input['maxResults'] !== undefined) {
          throw invalidParameter('Cannot specify maxResults and repositoryNames together');
        }
        const all = ecrState(ctx.sim).repositories.filter(
          (r) => r.account === registryId && r.region === ctx.region,
        );
        let selected = all;
        if (names) {
          for (const name of names) {
            if (!all.some((r) => r.name === name)) {
              throw notFound(
                'RepositoryNotFoundException',
                `The repository with name '${name}' does not exist in the registry with id '${registryId}'`,
              );
            }
          }
          selected = all.filter((r) => names.includes(r.name));
        }
        const offset = input['nextToken'] ? decodeToken(input['nextToken'] as string) : 0;
        const max = (input['maxResults'] as number | undefined) ?? 100;
        const page = selected.slice(offset, offset + max);
        const host = registryHost(ctx.sim, registryId, ctx.region);
        return {
          repositories: page.map((r) => describeRepository(r, host)),
          ...(offset + max < selected.length ? { nextToken: encodeToken(offset + max) } : {}),
        };
      },
    },
    CreateRepository: {
      input: struct(
        {
          registryId: REGISTRY_ID,
          repositoryName: REPOSITORY_NAME,
          imageTagMutability: str({
            enum: ['MUTABLE', 'IMMUTABLE', 'IMMUTABLE_WITH_EXCLUSION', 'MUTABLE_WITH_EXCLUSION'],
          }),
          imageTagMutabilityExclusionFilters: list(
            struct(
              {
                filterType: str({ enum: ['WILDCARD'] }),
                filter: str({ min: 1, max: 128, pattern: '[a-zA-Z0-9._*-]+' }),
              },
              ['filterType', 'filter'],
            ),
            { min: 1, max: 5 },
          ),
          imageScanningConfiguration: struct({ scanOnPush: bool }),
          encryptionConfiguration: struct(
            {
              encryptionType: str({ enum: ['AES256', 'KMS', 'KMS_DSSE'] }),
              kmsKey: str({ min: 1, max: 2048 }),
            },
            ['encryptionType'],
          ),
          tags: list(struct({ Key: str(), Value: str() })),
        },
        ['repositoryName'],
      ),
      handler(input, ctx) {
        const account = (input['registryId'] as string | undefined) ?? ctx.account;
        if (account !== ctx.account) {
          throw new AwsError(
            'InvalidParameterException',
            `Invalid parameter at 'registryId': a repository can only be created in the caller's own registry (${ctx.account})`,
          );
        }
        const name = input['repositoryName'] as string;
        const state = ecrState(ctx.sim);
        if (
          state.repositories.some((r) => r.account === account && r.region === ctx.region && r.name === name)
        ) {
          throw new AwsError(
            'RepositoryAlreadyExistsException',
            `The repository with name '${name}' already exists in the registry with id '${account}'`,
          );
        }
        const mutability = (input['imageTagMutability'] as string | undefined) ?? 'MUTABLE';
        const filters =
          (input['imageTagMutabilityExclusionFilters'] as { filter: string }[] | undefined) ?? [];
        if (mutability.endsWith('_WITH_EXCLUSION') !== filters.length > 0) {
          throw invalidParameter(
            'Invalid parameter: imageTagMutabilityExclusionFilters must be given with, and only with, a *_WITH_EXCLUSION imageTagMutability',
          );
        }
        const encryption = input['encryptionConfiguration'] as
          { encryptionType: string; kmsKey?: string } | undefined;
        const scanning = input['imageScanningConfiguration'] as { scanOnPush?: boolean } | undefined;
        const repository: Repository = {
          account,
          region: ctx.region,
          name,
          imageTagMutability: mutability,
          exclusions: filters.map((f) => f.filter),
          scanOnPush: scanning?.scanOnPush ?? false,
          encryptionType: encryption?.encryptionType ?? 'AES256',
          ...(encryption?.kmsKey ? { kmsKey: encryption.kmsKey } : {}),
          createdAt: ctx.sim.now(),
          images: [],
          blobs: new Map(),
        };
        state.repositories.push(repository);
        return { repository: describeRepository(repository, registryHost(ctx.sim, account, ctx.region)) };
      },
    },
    BatchGetImage: {
      input: struct(
        {
          registryId: REGISTRY_ID,
          repositoryName: REPOSITORY_NAME,
          imageIds: list(IMAGE_ID, { min: 1, max: 100 }),
          acceptedMediaTypes: list(str(), { min: 1, max: 100 }),
        },
        ['repositoryName', 'imageIds'],
      ),
      handler(input, ctx) {
        const repo = findRepository(ctx, input);
        const accepted = (input['acceptedMediaTypes'] as string[] | undefined) ?? DEFAULT_ACCEPTED;
        const images: unknown[] = [];
        const failures: unknown[] = [];
        for (const id of input['imageIds'] as ImageId[]) {
          const found = resolveForGet(repo, id, accepted);
          if ('image' in found) {
            images.push({
              registryId: repo.account,
              repositoryName: repo.name,
              imageId: {
                imageDigest: found.image.digest,
                ...(id.imageTag ? { imageTag: id.imageTag } : {}),
              },
              imageManifest: found.image.manifest,
              imageManifestMediaType: found.image.mediaType,
            });
          } else failures.push({ imageId: id, ...found });
        }
        return { images, failures };
      },
    },
    DescribeImages: {
      input: struct(
        {
          registryId: REGISTRY_ID,
          repositoryName: REPOSITORY_NAME,
          imageIds: list(IMAGE_ID, { min: 1, max: 100 }),
          nextToken: str(),
          maxResults: int({ min: 1, max: 1000 }),
          filter: struct({
            tagStatus: str({ enum: ['TAGGED', 'UNTAGGED', 'ANY'] }),
            imageStatus: str({ enum: ['ACTIVE', 'ARCHIVED', 'ACTIVATING', 'ANY'] }),
          }),
        },
        ['repositoryName'],
      ),
      handler(input, ctx) {
        const repo = findRepository(ctx, input);
        const ids = input['imageIds'] as ImageId[] | undefined;
        if (ids && input['maxResults'] !== undefined) {
          throw invalidParameter('Cannot specify maxResults and imageIds together');
        }
        let selected: StoredImage[];
        if (ids) {
          selected = [];
          for (const id of ids) {
            const image = repo.images.find(
              (i) =>
                (!id.imageTag || i.tags.includes(id.imageTag)) &&
                (!id.imageDigest || i.digest === id.imageDigest) &&
                (id.imageTag || id.imageDigest),
            );
            if (!image) {
              throw notFound(
                'ImageNotFoundException',
                `The image with imageId {imageDigest:'${id.imageDigest ?? 'null'}', imageTag:'${id.imageTag ?? 'null'}'} does not exist within the repository with name '${repo.name}' in the registry with id '${repo.account}'`,
              );
            }
            if (!selected.includes(image)) selected.push(image);
          }
        } else {
          const filter = (input['filter'] as { tagStatus?: string; imageStatus?: string } | undefined) ?? {};
          const tagStatus = filter.tagStatus ?? 'ANY';
          selected = repo.images.filter(
            (i) =>
              (tagStatus === 'ANY' || (tagStatus === 'TAGGED') === i.tags.length > 0) &&
              ['ACTIVE', 'ANY', undefined].includes(filter.imageStatus),
          );
        }
        const offset = input['nextToken'] ? decodeToken(input['nextToken'] as string) : 0;
        const max = (input['maxResults'] as number | undefined) ?? 100;
        const page = selected.slice(offset, offset + max);
        return {
          imageDetails: page.map((i) => describeImage(repo, i)),
          ...(offset + max < selected.length ? { nextToken: encodeToken(offset + max) } : {}),
        };
      },
    },
    GetDownloadUrlForLayer: {
      input: struct(
        {
          registryId: REGISTRY_ID,
          repositoryName: REPOSITORY_NAME,
          layerDigest: str({ pattern: '[a-zA-Z0-9-_+.]+:[a-fA-F0-9]+' }),
        },
        ['repositoryName', 'layerDigest'],
      ),
      handler(input, ctx) {
        const repo = findRepository(ctx, input);
        const digest = input['layerDigest'] as string;
        // Only blobs an image in this repository references (its config and layers).
        if (!repo.images.some((i) => i.blobs.includes(digest))) {
          throw notFound(
            'LayersNotFoundException',
            `The layer with digest '${digest}' does not exist in the repository with name '${repo.name}' in the registry with id '${repo.account}'`,
          );
        }
        return { downloadUrl: downloadUrl(ctx.sim, repo, digest, ctx.now), layerDigest: digest };
      },
    },
    DescribePullThroughCacheRules: {
      input: struct({
        registryId: REGISTRY_ID,
        ecrRepositoryPrefixes: list(
          str({
            min: 2,
            max: 30,
            pattern:
              '^([a-z0-9]+((\\.|_|__|-+)[a-z0-9]+)*(\\/[a-z0-9]+((\\.|_|__|-+)[a-z0-9]+)*)*\\/?|ROOT)$',
          }),
          { min: 1, max: 100 },
        ),
        nextToken: str(),
        maxResults: int({ min: 1, max: 1000 }),
      }),
      handler(input, ctx) {
        const registryId = (input['registryId'] as string | undefined) ?? ctx.account;
        const all = ecrState(ctx.sim).pullThroughCacheRules.filter(
          (r) => r.account === registryId && r.region === ctx.region,
        );
        const prefixes = input['ecrRepositoryPrefixes'] as string[] | undefined;
        for (const prefix of prefixes ?? []) {
          if (!all.some((r) => r.prefix === prefix)) {
            throw notFound(
              'PullThroughCacheRuleNotFoundException',
              `The pull through cache rule with prefix '${prefix}' does not exist in the registry with id '${registryId}'`,
            );
          }
        }
        const selected = prefixes ? all.filter((r) => prefixes.includes(r.prefix)) : all;
        const offset = input['nextToken'] ? decodeToken(input['nextToken'] as string) : 0;
        const max = (input['maxResults'] as number | undefined) ?? 100;
        return {
          pullThroughCacheRules: selected.slice(offset, offset + max).map((r) => {
            const upstream = upstreamRegistry(r.upstreamRegistryUrl);
            return {
              ecrRepositoryPrefix: r.prefix,
              upstreamRegistryUrl: r.upstreamRegistryUrl,
              createdAt: r.createdAt / 1000,
              registryId: r.account,
              ...(upstream ? { upstreamRegistry: upstream } : {}),
            };
          }),
          ...(offset + max < selected.length ? { nextToken: encodeToken(offset + max) } : {}),
        };
      },
    },
  },
};

export const ecrPublicService: JsonService = {
  protocol: 'awsJson1_1',
  name: 'ecr-public',
  iamPrefix: 'ecr-public',
  targetPrefix: 'SpencerFrontendService',
  operations: {
    GetAuthorizationToken: {
      iamActions: ['ecr-public:GetAuthorizationToken', 'sts:GetServiceBearerToken'],
      input: struct({}),
      handler(_input, ctx) {
        // AWS has no ECR Public endpoint outside us-east-1 (clients elsewhere fail to resolve it).
        if (ctx.region !== 'us-east-1') {
          throw new AwsError(
            'UnsupportedCommandException',
            `ECR Public authorization is not available in ${ctx.region}`,
          );
        }
        return {
          authorizationData: {
            authorizationToken: token(registryPassword(ctx.sim, 'public', 'us-east-1')),
            expiresAt: expiry(ctx),
          },
        };
      },
    },
  },
};
