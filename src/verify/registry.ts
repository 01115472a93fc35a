/**
 * Container images outside ECR, read through the registry's HTTP API (the OCI distribution spec), and the
 * manifest logic shared with the ECR path: image references as Docker normalises them, manifests and image
 * indexes by media type, image config platforms, and the platform an ECS task needs.
 *
 * Sources: distribution/reference (normalize.go, regexp.go) for references; the OCI image and distribution
 * specs for media types, descriptors and the error body; the Docker token authentication spec
 * (distribution docs/spec/auth/token.md) for the anonymous bearer flow; Docker Engine API
 * RegistryServiceConfig ("local registries (::1/128 and 127.0.0.0/8) are configured as insecure") for plain
 * http on loopback; Docker's attestation storage page for the unknown/unknown index entries.
 */
import { createHash } from 'node:crypto';
import { parseRegistryRef } from '../ecr/registry.js';

// ---------------------------------------------------------------------------------------------------------
// Image references
// ---------------------------------------------------------------------------------------------------------

export interface ImageReference {
  /** The host the HTTP API answers on (Docker Hub: registry-1.docker.io), with its port if one was written. */
  registry: string;
  /** The repository path in that registry (Docker Hub official images: library/<name>). */
  repository: string;
  tag?: string;
  digest?: string;
  /** As written. */
  image: string;
}

/** Docker Hub's API host: docker.io and index.docker.io are names for it, not hosts that serve /v2/. */
export const DOCKER_HUB_REGISTRY = 'registry-1.docker.io';

// distribution/reference regexp.go, piece by piece.
const PATH_COMPONENT = '[a-z0-9]+(?:(?:[._]|__|[-]+)[a-z0-9]+)*';
const DOMAIN_COMPONENT = '(?:[a-zA-Z0-9]|[a-zA-Z0-9][a-zA-Z0-9-]*[a-zA-Z0-9])';
const DOMAIN = `(?:${DOMAIN_COMPONENT}(?:\\.${DOMAIN_COMPONENT})*|\\[[a-fA-F0-9:]+\\])(?::[0-9]+)?`;
const REMOTE_NAME = new RegExp(`^${PATH_COMPONENT}(?:/${PATH_COMPONENT})*$`);
const DOMAIN_RE = new RegExp(`^${DOMAIN}$`);
const TAG = /^[\w][\w.-]{0,127}$/;
// go-digest: the algorithms it knows, each with its own encoded length (lower-case hex).
const DIGEST = /^(sha256:[a-f0-9]{64}|sha384:[a-f0-9]{96}|sha512:[a-f0-9]{128})$/;
const IDENTIFIER = /^[a-f0-9]{64}$/;
/** reference.NameTotalLengthMax: the whole name, domain included. */
const NAME_MAX = 255;

/**
 * Docker's normalisation (ParseNormalizedNamed, then the default tag): "nginx" →
 * registry-1.docker.io/library/nginx:latest; "docker.io/x/y" → registry-1.docker.io/x/y:latest;
 * "host:5000/a/b@sha256:…" keeps its digest and gets no tag; a tag and a digest are both kept (Docker pulls
 * by the digest). Undefined, without throwing, for anything that is not an image reference.
 */
export function parseImageReference(image: string): ImageReference | undefined {
  if (typeof image !== 'string' || image === '' || IDENTIFIER.test(image)) return undefined;
  let rest = image;
  let digest: string | undefined;
  const at = rest.indexOf('@');
  if (at >= 0) {
    digest = rest.slice(at + 1);
    rest = rest.slice(0, at);
    if (!DIGEST.test(digest)) return undefined;
  }
  // The tag is after the last colon that follows the last slash (a colon before it is a port).
  let tag: string | undefined;
  const colon = rest.lastIndexOf(':');
  if (colon > rest.lastIndexOf('/')) {
    tag = rest.slice(colon + 1);
    rest = rest.slice(0, colon);
    if (!TAG.test(tag)) return undefined;
  }
  if (rest.length > NAME_MAX) return undefined;
  const [domain, path] = splitDomain(rest);
  if (domain !== undefined && !DOMAIN_RE.test(domain)) return undefined;
  if (!REMOTE_NAME.test(path)) return undefined;
  let registry = domain ?? 'docker.io';
  let repository = path;
  if (registry === 'docker.io' || registry === 'index.docker.io') {
    registry = DOCKER_HUB_REGISTRY;
    if (!repository.includes('/')) repository = `library/${repository}`;
  }
  if (tag === undefined && digest === undefined) tag = 'latest';
  return {
    registry,
    repository,
    ...(tag !== undefined ? { tag } : {}),
    ...(digest !== undefined ? { digest } : {}),
    image,
  };
}

/** splitDockerDomain: the first component is a domain when it is localhost, has a '.' or ':', or upper case. */
function splitDomain(name: string): [string | undefined, string] {
  const slash = name.indexOf('/');
  if (slash < 0) return [undefined, name];
  const first = name.slice(0, slash);
  if (first === 'localhost' || /[.:]/.test(first) || first.toLowerCase() !== first) {
    return [first, name.slice(slash + 1)];
  }
  return [undefined, name];
}

/** How a reference reads in messages: repository:tag, repository@digest, or both. */
export function describeReference(ref: ImageReference): string {
  return `${ref.repository}${ref.tag !== undefined ? `:${ref.tag}` : ''}${ref.digest !== undefined ? `@${ref.digest}` : ''}`;
}

/**
 * `ACCOUNT.dkr.ecr.REGION.amazonaws.com` (also .amazonaws.com.cn, dkr.ecr-fips, and the dual-stack
 * `ACCOUNT.dkr-ecr.REGION.on.aws`) → its account and region; undefined for other registries.
 */
export function ecrRegistry(host: string): { account: string; region: string } | undefined {
  if (typeof host !== 'string' || host.includes('/') || host.includes(':')) return undefined;
  const ref = parseRegistryRef(host);
  return 'kind' in ref && ref.kind === 'uri' ? { account: ref.accountId, region: ref.region } : undefined;
}

// ---------------------------------------------------------------------------------------------------------
// Manifests and platforms
// ---------------------------------------------------------------------------------------------------------

export interface Platform {
  os: string;
  architecture: string;
  variant?: string;
  /** `os.version` (Windows images carry their build, e.g. 10.0.20348.2113); shown, not matched. */
  osVersion?: string;
}

export const OCI_INDEX = 'application/vnd.oci.image.index.v1+json';
export const DOCKER_MANIFEST_LIST = 'application/vnd.docker.distribution.manifest.list.v2+json';
export const OCI_MANIFEST = 'application/vnd.oci.image.manifest.v1+json';
export const DOCKER_MANIFEST = 'application/vnd.docker.distribution.manifest.v2+json';
const DOCKER_SCHEMA1 = 'application/vnd.docker.distribution.manifest.v1+json';
const IMAGE_CONFIGS = [
  'application/vnd.oci.image.config.v1+json',
  'application/vnd.docker.container.image.v1+json',
];

/** The manifest media types a client accepts: OCI image index, Docker manifest list, OCI image manifest, Docker schema 2. */
export const MANIFEST_MEDIA_TYPES: readonly string[] = [
  OCI_INDEX,
  DOCKER_MANIFEST_LIST,
  OCI_MANIFEST,
  DOCKER_MANIFEST,
];

export type ManifestKind =
  | { kind: 'index'; platforms: Platform[] }
  | { kind: 'image'; configDigest: string; configMediaType?: string }
  | { kind: 'unknown'; mediaType: string };

/** Content types that say nothing about the manifest; the text's own mediaType decides then. */
const GENERIC = new Set(['', 'application/json', 'text/plain', 'application/octet-stream']);

const isObject = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);
const nonEmpty = (v: unknown): v is string => typeof v === 'string' && v !== '';

function bareMediaType(value: string | undefined): string {
  return (value ?? '').split(';')[0]!.trim().toLowerCase();
}

/**
 * From a manifest's text and media type (the Content-Type, or else the text's own mediaType, or else its
 * shape): an index with its platforms (attestation manifests left out: buildx writes them with platform
 * unknown/unknown), an image manifest with its config's digest, or unknown (schema 1, artifacts, not JSON).
 */
export function readManifest(text: string, mediaType?: string): ManifestKind {
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch {
    return { kind: 'unknown', mediaType: bareMediaType(mediaType) || 'not JSON' };
  }
  if (!isObject(doc)) return { kind: 'unknown', mediaType: bareMediaType(mediaType) || 'not a manifest' };
  let type = bareMediaType(mediaType);
  if (GENERIC.has(type)) type = typeof doc['mediaType'] === 'string' ? bareMediaType(doc['mediaType']) : '';
  if (type === '') {
    // The OCI media types make mediaType optional (SHOULD); the shape tells them apart.
    if (doc['schemaVersion'] === 1) type = DOCKER_SCHEMA1;
    else if (Array.isArray(doc['manifests'])) type = OCI_INDEX;
    else if (isObject(doc['config'])) type = OCI_MANIFEST;
    else return { kind: 'unknown', mediaType: 'no media type' };
  }
  if (type === OCI_INDEX || type === DOCKER_MANIFEST_LIST) {
    const manifests = Array.isArray(doc['manifests']) ? doc['manifests'] : [];
    const platforms: Platform[] = [];
    for (const entry of manifests) {
      if (!isObject(entry) || isAttestation(entry)) continue;
      const platform = platformOf(entry['platform']);
      if (platform && !(platform.os === 'unknown' && platform.architecture === 'unknown'))
        platforms.push(platform);
    }
    return { kind: 'index', platforms };
  }
  if (type === OCI_MANIFEST || type === DOCKER_MANIFEST) {
    const config = doc['config'];
    if (!isObject(config) || !nonEmpty(config['digest'])) return { kind: 'unknown', mediaType: type };
    const configMediaType = nonEmpty(config['mediaType']) ? config['mediaType'] : undefined;
    // An artifact (OCI 1.1: artifactType, or a config that is no image config) is no runnable image.
    if (nonEmpty(doc['artifactType'])) return { kind: 'unknown', mediaType: doc['artifactType'] };
    if (configMediaType !== undefined && !IMAGE_CONFIGS.includes(configMediaType))
      return { kind: 'unknown', mediaType: configMediaType };
    return {
      kind: 'image',
      configDigest: config['digest'],
      ...(configMediaType !== undefined ? { configMediaType } : {}),
    };
  }
  return { kind: 'unknown', mediaType: type };
}

function isAttestation(entry: Record<string, unknown>): boolean {
  const annotations = entry['annotations'];
  return isObject(annotations) && annotations['vnd.docker.reference.type'] === 'attestation-manifest';
}

function platformOf(value: unknown): Platform | undefined {
  if (!isObject(value) || !nonEmpty(value['os']) || !nonEmpty(value['architecture'])) return undefined;
  return {
    os: value['os'],
    architecture: value['architecture'],
    ...(nonEmpty(value['variant']) ? { variant: value['variant'] } : {}),
    ...(nonEmpty(value['os.version']) ? { osVersion: value['os.version'] } : {}),
  };
}

/** The platform in an image config blob ({architecture, os, variant, os.version}). */
export function platformOfConfig(text: string): Platform | undefined {
  try {
    return platformOf(JSON.parse(text));
  } catch {
    return undefined;
  }
}

/**
 * The platform a task needs, from its runtimePlatform. Absent fields take ECS's defaults (LINUX, X86_64:
 * the task definition parameters page). ARM64 → arm64 (any variant); WINDOWS_SERVER_* → windows; X86_64 → amd64.
 */
export function wantedPlatform(runtimePlatform: unknown): Platform {
  const rp = isObject(runtimePlatform) ? runtimePlatform : {};
  const family = nonEmpty(rp['operatingSystemFamily']) ? rp['operatingSystemFamily'].toUpperCase() : 'LINUX';
  const cpu = nonEmpty(rp['cpuArchitecture']) ? rp['cpuArchitecture'] : 'X86_64';
  const os = family.startsWith('WINDOWS_SERVER') ? 'windows' : family.toLowerCase();
  return { os, architecture: normalizeArchitecture(cpu).architecture };
}

/** containerd's platform normalisation (platforms/database.go), for the names images and ECS use. */
function normalizeArchitecture(
  architecture: string,
  variant?: string,
): { architecture: string; variant: string } {
  const arch = architecture.toLowerCase();
  const v = (variant ?? '').toLowerCase();
  switch (arch) {
    case 'x86_64':
    case 'x86-64':
    case 'amd64':
      return { architecture: 'amd64', variant: v };
    case 'aarch64':
    case 'arm64':
      return { architecture: 'arm64', variant: v === '8' || v === 'v8' ? '' : v };
    case 'i386':
      return { architecture: '386', variant: '' };
    case 'armhf':
      return { architecture: 'arm', variant: 'v7' };
    case 'armel':
      return { architecture: 'arm', variant: 'v6' };
    case 'arm':
      return { architecture: 'arm', variant: v === '' || v === '7' ? 'v7' : /^[568]$/.test(v) ? `v${v}` : v };
    default:
      return { architecture: arch, variant: v };
  }
}

/** Whether an image for `offered` runs where `wanted` is needed: same OS and architecture; a variant only when asked. */
export function platformMatches(wanted: Platform, offered: Platform): boolean {
  if (wanted.os.toLowerCase() !== offered.os.toLowerCase()) return false;
  const w = normalizeArchitecture(wanted.architecture, wanted.variant);
  const o = normalizeArchitecture(offered.architecture, offered.variant);
  if (w.architecture !== o.architecture) return false;
  return wanted.variant === undefined || w.variant === o.variant;
}

/** "linux/arm64/v8"; a Windows build in parentheses: "windows/amd64 (10.0.20348.2113)". */
export function describePlatform(p: Platform): string {
  return `${p.os}/${p.architecture}${p.variant ? `/${p.variant}` : ''}${p.osVersion ? ` (${p.osVersion})` : ''}`;
}

// ---------------------------------------------------------------------------------------------------------
// The registry's HTTP API
// ---------------------------------------------------------------------------------------------------------

export type RegistryAnswer<T> =
  | { status: 'found'; value: T }
  | { status: 'not-found'; message: string }
  | { status: 'unauthorized'; message: string }
  | { status: 'unreachable'; message: string };

/**
 * Bearer tokens by registry, repository and user, kept until they expire (expires_in, 60 s when absent, as
 * the token spec says). One is shared by default; pass your own to scope it to a run.
 */
export class RegistryTokens {
  private readonly tokens = new Map<string, { token: string; expiresAt: number }>();
  /** How many tokens were fetched from token endpoints (for tests and logs). */
  fetched = 0;

  get(key: string, now: number): string | undefined {
    const entry = this.tokens.get(key);
    if (entry && entry.expiresAt > now) return entry.token;
    this.tokens.delete(key);
    return undefined;
  }

  set(key: string, token: string, expiresAt: number): void {
    this.tokens.set(key, { token, expiresAt });
  }

  delete(key: string): void {
    this.tokens.delete(key);
  }
}

const sharedTokens = new RegistryTokens();

export interface RegistryOptions {
  /** Node's global fetch by default; inject one for a proxy or a test. */
  fetch?: typeof fetch;
  signal?: AbortSignal;
  /** Per request (each redirect hop and the token request included); 10 s by default. */
  timeoutMs?: number;
  /** For registries that want a user (Basic challenge, or a token endpoint that authenticates); never logged. */
  credentials?: { username: string; password: string };
  tokens?: RegistryTokens;
  /** Milliseconds since the epoch, for token expiry; Date.now by default. */
  now?: () => number;
}

const DEFAULT_TIMEOUT_MS = 10_000;
const MAX_REDIRECTS = 10;
/** distribution refuses manifests over 4 MiB; config blobs are far smaller. */
const MAX_BODY_BYTES = 8 * 1024 * 1024;

/** Docker's default: registries on loopback are insecure, reached over plain http; all others over https. */
export function registryOrigin(registry: string): string {
  const host = registry
    .replace(/:\d+$/, '')
    .replace(/^\[|\]$/g, '')
    .toLowerCase();
  const loopback = host === 'localhost' || host === '::1' || /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(host);
  return `${loopback ? 'http' : 'https'}://${registry}`;
}

interface Answered {
  status: number;
  headers: Headers;
  body: Buffer;
  url: string;
}

type Outcome = { ok: Answered } | { fail: RegistryAnswer<never> };

class Cancelled extends Error {}

/** One GET with redirects followed by hand, so that the registry's Authorization never reaches another origin. */
async function get(
  url: string,
  headers: Record<string, string>,
  options: RegistryOptions,
  what: string,
): Promise<Outcome> {
  const doFetch = options.fetch ?? fetch;
  const timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  const origin = new URL(url).origin;
  let current = url;
  for (let hop = 0; ; hop++) {
    if (options.signal?.aborted) throw new Cancelled();
    const timeout = AbortSignal.timeout(timeoutMs);
    const signal = options.signal ? AbortSignal.any([options.signal, timeout]) : timeout;
    const sameOrigin = new URL(current).origin === origin;
    const sent = sameOrigin
      ? headers
      : Object.fromEntries(Object.entries(headers).filter(([k]) => k.toLowerCase() !== 'authorization'));
    let res: Response;
    let body: Buffer;
    try {
      res = await doFetch(current, { headers: sent, redirect: 'manual', signal });
      const length = Number(res.headers.get('content-length') ?? '0');
      if (length > MAX_BODY_BYTES) {
        await res.body?.cancel();
        return {
          fail: {
            status: 'unreachable',
            message: `${what}: ${hostOf(current)} sent ${length} bytes, more than a manifest or config can be`,
          },
        };
      }
      body = Buffer.from(await res.arrayBuffer());
    } catch (error) {
      if (options.signal?.aborted) throw new Cancelled();
      if (timeout.aborted) {
        return {
          fail: {
            status: 'unreachable',
            message: `${what}: ${hostOf(current)} did not answer within ${seconds(timeoutMs)}`,
          },
        };
      }
      return {
        fail: {
          status: 'unreachable',
          message: `${what}: could not reach ${hostOf(current)}: ${networkReason(error)}`,
        },
      };
    }
    if (res.status >= 300 && res.status < 400 && res.headers.get('location')) {
      if (hop >= MAX_REDIRECTS) {
        return {
          fail: {
            status: 'unreachable',
            message: `${what}: more than ${MAX_REDIRECTS} redirects from ${hostOf(url)}`,
          },
        };
      }
      current = new URL(res.headers.get('location')!, current).toString();
      continue;
    }
    return { ok: { status: res.status, headers: res.headers, body, url: current } };
  }
}

function hostOf(url: string): string {
  return new URL(url).host;
}

function seconds(ms: number): string {
  return ms % 1000 === 0 ? `${ms / 1000} s` : `${ms} ms`;
}

/** Node's fetch says "fetch failed" and puts the reason in `cause` (ECONNREFUSED, ENOTFOUND, a TLS code). */
function networkReason(error: unknown): string {
  // Duck-typed: the error may come from another realm (a test VM), where instanceof Error is false.
  const fields = (e: unknown) =>
    (isObject(e) ? e : {}) as { cause?: unknown; code?: unknown; message?: unknown };
  const cause = isObject(fields(error).cause) ? fields(error).cause : error;
  const code = fields(cause).code;
  const message =
    typeof fields(cause).message === 'string' ? (fields(cause).message as string) : String(cause);
  if (typeof code === 'string') {
    if (code === 'ENOTFOUND' || code === 'EAI_AGAIN') return `${code}: the host name does not resolve`;
    if (code === 'ECONNREFUSED') return `${code}: nothing listens on that port`;
    if (/CERT|SELF_SIGNED|UNABLE_TO_VERIFY|ERR_TLS/.test(code))
      return `${code}: its TLS certificate is not trusted (a private CA goes in NODE_EXTRA_CA_CERTS)`;
    return message.includes(code) ? message : `${code}: ${message}`;
  }
  return message;
}

/** The OCI error body {errors:[{code,message,detail}]}: "MANIFEST_UNKNOWN (manifest unknown)". */
function errorCodes(body: Buffer): { codes: string[]; text: string } {
  try {
    const doc: unknown = JSON.parse(body.toString('utf8'));
    if (isObject(doc) && Array.isArray(doc['errors'])) {
      const errors = doc['errors'].filter(isObject);
      const codes = errors.map((e) => (nonEmpty(e['code']) ? e['code'] : 'UNKNOWN'));
      const text = errors
        .map(
          (e) =>
            `${nonEmpty(e['code']) ? e['code'] : 'UNKNOWN'}${nonEmpty(e['message']) ? ` (${e['message'].slice(0, 200)})` : ''}`,
        )
        .join(', ');
      return { codes, text };
    }
  } catch {
    // not JSON: an HTML page from a proxy or a load balancer
  }
  return { codes: [], text: '' };
}

interface Challenge {
  scheme: string;
  params: Record<string, string>;
}

/** WWW-Authenticate (RFC 7235): schemes each with auth-params, values quoted or not, several per header. */
export function parseChallenges(header: string): Challenge[] {
  const challenges: Challenge[] = [];
  const re = /\s*([!#$%&'*+.^_`|~0-9A-Za-z-]+)(?:\s*=\s*("(?:[^"\\]|\\.)*"|[^,\s]*))?\s*(,|$|\s+)/y;
  let current: Challenge | undefined;
  let m: RegExpExecArray | null;
  re.lastIndex = 0;
  while (re.lastIndex < header.length && (m = re.exec(header))) {
    const [, name, value] = m;
    if (value === undefined) {
      current = { scheme: name!.toLowerCase(), params: {} };
      challenges.push(current);
    } else if (current) {
      current.params[name!.toLowerCase()] = value.startsWith('"')
        ? value.slice(1, -1).replace(/\\(.)/g, '$1')
        : value;
    }
    if (m[0] === '') break;
  }
  return challenges;
}

interface Target {
  ref: ImageReference;
  /** manifests/<reference> or blobs/<digest> */
  path: string;
  accept?: string;
  /** "manifest for library/nginx:1.99" */
  what: string;
}

/** A GET against /v2/<repository>/<path> with the auth the registry asks for: none, an anonymous or user bearer token, Basic. */
async function registryGet(target: Target, options: RegistryOptions): Promise<Outcome> {
  const { ref } = target;
  const tokens = options.tokens ?? sharedTokens;
  const now = options.now ?? Date.now;
  const url = `${registryOrigin(ref.registry)}/v2/${ref.repository}/${target.path}`;
  const key = `${ref.registry} ${ref.repository} ${options.credentials?.username ?? ''}`;
  const headers: Record<string, string> = target.accept ? { accept: target.accept } : {};
  const where = `${target.what} on ${ref.registry}`;

  const cached = tokens.get(key, now());
  let first = await get(
    url,
    cached ? { ...headers, authorization: `Bearer ${cached}` } : headers,
    options,
    where,
  );
  if ('fail' in first || first.ok.status !== 401) return first;
  const challenge = parseChallenges(first.ok.headers.get('www-authenticate') ?? '');
  const bearer = challenge.find((c) => c.scheme === 'bearer');
  const basic = challenge.find((c) => c.scheme === 'basic');
  if (bearer) {
    if (cached) tokens.delete(key); // expired or revoked early: one fresh token, then give up
    const token = await fetchToken(bearer, ref, options, where);
    if ('fail' in token) return token;
    tokens.set(key, token.token, token.expiresAt);
    first = await get(url, { ...headers, authorization: `Bearer ${token.token}` }, options, where);
    if ('fail' in first || first.ok.status !== 401) return first;
    const { text } = errorCodes(first.ok.body);
    return {
      fail: {
        status: 'unauthorized',
        message: options.credentials
          ? `${ref.registry} answered 401${text ? ` ${text}` : ''} for ${describeReference(ref)} with a token for user ${options.credentials.username}: that user may not pull this repository, or it does not exist`
          : `${ref.registry} answered 401${text ? ` ${text}` : ''} for ${describeReference(ref)} with an anonymous token: the repository does not exist, or it is private and needs credentials (registries answer both the same way)`,
      },
    };
  }
  if (basic) {
    if (!options.credentials) {
      return {
        fail: {
          status: 'unauthorized',
          message: `${ref.registry} needs a user name and password (HTTP Basic${basic.params['realm'] ? `, realm "${basic.params['realm']}"` : ''}) to read ${describeReference(ref)}; anonymous reads are refused`,
        },
      };
    }
    const { username, password } = options.credentials;
    const authorization = `Basic ${Buffer.from(`${username}:${password}`).toString('base64')}`;
    const again = await get(url, { ...headers, authorization }, options, where);
    if ('fail' in again || again.ok.status !== 401) return again;
    return {
      fail: {
        status: 'unauthorized',
        message: `${ref.registry} refused user ${username} (HTTP Basic) for ${describeReference(ref)}: wrong user name or password`,
      },
    };
  }
  return {
    fail: {
      status: 'unauthorized',
      message: `${ref.registry} answered 401 for ${describeReference(ref)} without a Bearer or Basic challenge (WWW-Authenticate: ${first.ok.headers.get('www-authenticate') ?? 'absent'})`,
    },
  };
}

/** GET realm?service=…&scope=… (the Docker token spec); the answer's token or access_token, and when it expires. */
async function fetchToken(
  challenge: Challenge,
  ref: ImageReference,
  options: RegistryOptions,
  where: string,
): Promise<{ token: string; expiresAt: number } | { fail: RegistryAnswer<never> }> {
  const realm = challenge.params['realm'];
  let url: URL;
  try {
    url = new URL(realm ?? '');
    if (url.protocol !== 'https:' && url.protocol !== 'http:') throw new Error(url.protocol);
  } catch {
    return {
      fail: {
        status: 'unreachable',
        message: `${where}: the registry's Bearer challenge has no usable realm (${realm ?? 'none'})`,
      },
    };
  }
  if (challenge.params['service']) url.searchParams.set('service', challenge.params['service']);
  const scopes = (challenge.params['scope'] ?? `repository:${ref.repository}:pull`)
    .split(' ')
    .filter(Boolean);
  for (const scope of scopes) url.searchParams.append('scope', scope);
  const headers: Record<string, string> = { accept: 'application/json' };
  if (options.credentials) {
    const { username, password } = options.credentials;
    headers['authorization'] = `Basic ${Buffer.from(`${username}:${password}`).toString('base64')}`;
  }
  const tokens = options.tokens ?? sharedTokens;
  const started = (options.now ?? Date.now)();
  // The token endpoint is its own origin: the credentials go to it, as Docker sends them.
  const got = await get(url.toString(), headers, options, `token for ${where}`);
  if ('fail' in got) return got;
  tokens.fetched++;
  const { status, body } = got.ok;
  if (status === 401 || status === 403) {
    return {
      fail: {
        status: 'unauthorized',
        message: options.credentials
          ? `the token service ${url.host} refused user ${options.credentials.username} (${status}) for ${describeReference(ref)}: wrong user name or password`
          : `the token service ${url.host} refused an anonymous token (${status}) for ${describeReference(ref)}: the registry needs credentials`,
      },
    };
  }
  if (status !== 200) {
    return {
      fail: {
        status: 'unreachable',
        message: `the token service ${url.host} answered ${status} for ${where}`,
      },
    };
  }
  let doc: unknown;
  try {
    doc = JSON.parse(body.toString('utf8'));
  } catch {
    doc = undefined;
  }
  const token = isObject(doc) ? (nonEmpty(doc['token']) ? doc['token'] : doc['access_token']) : undefined;
  if (!nonEmpty(token) || !isObject(doc)) {
    return {
      fail: {
        status: 'unreachable',
        message: `the token service ${url.host} answered without a token for ${where}`,
      },
    };
  }
  const expiresIn = typeof doc['expires_in'] === 'number' && doc['expires_in'] > 0 ? doc['expires_in'] : 60;
  const issued = nonEmpty(doc['issued_at']) ? Date.parse(doc['issued_at']) : NaN;
  const from = Number.isFinite(issued) ? Math.min(issued, started) : started;
  return { token, expiresAt: from + expiresIn * 1000 };
}

/** Messages for what a registry answers besides 200 and 401, in words the user can act on. */
function failure(target: Target, res: Answered, repositoryKnown?: boolean): RegistryAnswer<never> {
  const { ref } = target;
  const { codes, text } = errorCodes(res.body);
  const said = `${ref.registry} answered ${res.status}${text ? ` ${codes.join(', ')}` : ''} for ${target.what}`;
  if (res.status === 404) {
    let why: string;
    if (codes.includes('NAME_UNKNOWN') || repositoryKnown === false)
      why = `the repository ${ref.repository} does not exist`;
    else if (target.path.startsWith('blobs/'))
      why = 'the registry lost a blob its manifest names (push the image again)';
    else if (ref.digest !== undefined) why = `the repository has no manifest with digest ${ref.digest}`;
    else if (repositoryKnown === true)
      why = `the tag ${ref.tag} was never pushed (or was deleted); the repository exists`;
    else why = `the tag ${ref.tag} was never pushed, or the repository does not exist`;
    return { status: 'not-found', message: `${said}: ${why}` };
  }
  if (res.status === 403) {
    return { status: 'unauthorized', message: `${said}: access is denied${text ? ` (${text})` : ''}` };
  }
  if (res.status === 429) {
    return {
      status: 'unreachable',
      message: `${said}: too many requests (a pull rate limit; authenticated pulls get a higher one), try again later`,
    };
  }
  if (res.status >= 500) {
    return {
      status: 'unreachable',
      message: `${said}: a failure on the registry's side${text ? ` (${text})` : ''}, try again later`,
    };
  }
  return { status: 'unreachable', message: `${said}${text ? ` (${text})` : ''}` };
}

/** Whether the repository exists, from GET tags/list (distribution 2.x answers MANIFEST_UNKNOWN for an unknown repository too). */
async function repositoryExists(ref: ImageReference, options: RegistryOptions): Promise<boolean | undefined> {
  const got = await registryGet({ ref, path: 'tags/list?n=1', what: `tags of ${ref.repository}` }, options);
  if ('fail' in got) return undefined;
  if (got.ok.status === 200) return true;
  if (got.ok.status === 404 && errorCodes(got.ok.body).codes.includes('NAME_UNKNOWN')) return false;
  return undefined;
}

/** sha256/sha512 digests are checked against the bytes; other algorithms are taken on trust. */
function digestOf(body: Buffer, algorithm: string): string | undefined {
  if (algorithm !== 'sha256' && algorithm !== 'sha384' && algorithm !== 'sha512') return undefined;
  return `${algorithm}:${createHash(algorithm).update(body).digest('hex')}`;
}

async function guarded<T>(
  run: () => Promise<RegistryAnswer<T>>,
  signal?: AbortSignal,
): Promise<RegistryAnswer<T>> {
  try {
    return await run();
  } catch (error) {
    if (error instanceof Cancelled) throw signal?.reason ?? new Error('cancelled');
    throw error;
  }
}

/** GET /v2/<repository>/manifests/<digest or tag> with the four manifest media types accepted. */
export async function fetchManifest(
  ref: ImageReference,
  options: RegistryOptions = {},
): Promise<RegistryAnswer<{ text: string; mediaType: string; digest?: string }>> {
  return guarded(async () => {
    const reference = ref.digest ?? ref.tag ?? 'latest';
    const target: Target = {
      ref,
      path: `manifests/${reference}`,
      accept: MANIFEST_MEDIA_TYPES.join(', '),
      what: `the manifest of ${describeReference(ref)}`,
    };
    const got = await registryGet(target, options);
    if ('fail' in got) return got.fail;
    const res = got.ok;
    if (res.status !== 200) {
      const known =
        res.status === 404 && !errorCodes(res.body).codes.includes('NAME_UNKNOWN')
          ? await repositoryExists(ref, options)
          : undefined;
      return failure(target, res, known);
    }
    const text = res.body.toString('utf8');
    const computed = digestOf(res.body, (ref.digest ?? 'sha256').split(':')[0]!);
    if (ref.digest !== undefined && computed !== undefined && computed !== ref.digest) {
      return {
        status: 'unreachable',
        message: `${ref.registry} sent a manifest for ${describeReference(ref)} whose digest is ${computed}: the content does not match the reference`,
      };
    }
    const header = bareMediaType(res.headers.get('content-type') ?? undefined);
    const own = (() => {
      try {
        const doc: unknown = JSON.parse(text);
        return isObject(doc) && typeof doc['mediaType'] === 'string' ? bareMediaType(doc['mediaType']) : '';
      } catch {
        return '';
      }
    })();
    const mediaType = !GENERIC.has(header) ? header : own || header || 'unknown';
    const digest = res.headers.get('docker-content-digest') ?? ref.digest ?? computed;
    return { status: 'found', value: { text, mediaType, ...(digest ? { digest } : {}) } };
  }, options.signal);
}

/** GET /v2/<repository>/blobs/<digest> as text (a config blob), following the registry's redirect to storage. */
export async function fetchBlob(
  ref: ImageReference,
  digest: string,
  options: RegistryOptions = {},
): Promise<RegistryAnswer<string>> {
  return guarded(async () => {
    const target: Target = { ref, path: `blobs/${digest}`, what: `blob ${digest} of ${ref.repository}` };
    const got = await registryGet(target, options);
    if ('fail' in got) return got.fail;
    const res = got.ok;
    if (res.status !== 200) {
      if (hostOf(res.url) !== ref.registry && res.status !== 404) {
        return {
          status: 'unreachable',
          message: `${ref.registry} sent blob ${digest} of ${ref.repository} to ${hostOf(res.url)}, which answered ${res.status}`,
        };
      }
      return failure(target, res);
    }
    const computed = digestOf(res.body, digest.split(':')[0]!);
    if (computed !== undefined && computed !== digest) {
      return {
        status: 'unreachable',
        message: `blob ${digest} of ${ref.repository} arrived from ${hostOf(res.url)} with digest ${computed}: corrupted on the way`,
      };
    }
    return { status: 'found', value: res.body.toString('utf8') };
  }, options.signal);
}

/**
 * Whether an image exists and which platforms it offers: the manifest, then for an index its entries'
 * platforms, for an image manifest its config blob's platform. `platforms` is empty when the manifest is
 * of a kind that names none (schema 1, an artifact) or the config names none; `mediaType` says which.
 */
export async function imagePlatforms(
  ref: ImageReference,
  options: RegistryOptions = {},
): Promise<RegistryAnswer<{ platforms: Platform[]; digest?: string; mediaType: string }>> {
  const manifest = await fetchManifest(ref, options);
  if (manifest.status !== 'found') return manifest;
  const { text, mediaType, digest } = manifest.value;
  const found = (platforms: Platform[]) =>
    ({ status: 'found', value: { platforms, mediaType, ...(digest ? { digest } : {}) } }) as const;
  const read = readManifest(text, mediaType);
  if (read.kind === 'index') return found(read.platforms);
  if (read.kind === 'unknown') return found([]);
  const config = await fetchBlob(ref, read.configDigest, options);
  if (config.status !== 'found') return config;
  const platform = platformOfConfig(config.value);
  return found(platform ? [platform] : []);
}
