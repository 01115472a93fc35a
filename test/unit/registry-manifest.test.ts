import { describe, expect, test } from '@jest/globals';
import {
  DOCKER_HUB_REGISTRY,
  DOCKER_MANIFEST,
  DOCKER_MANIFEST_LIST,
  MANIFEST_MEDIA_TYPES,
  OCI_INDEX,
  OCI_MANIFEST,
  describePlatform,
  describeReference,
  ecrRegistry,
  parseChallenges,
  parseImageReference,
  platformMatches,
  platformOfConfig,
  readManifest,
  registryOrigin,
  wantedPlatform,
} from '../../src/verify/registry.js';

const D = `sha256:${'a'.repeat(64)}`;

describe('image references, normalised as Docker does (distribution/reference)', () => {
  test.each([
    ['nginx', DOCKER_HUB_REGISTRY, 'library/nginx', 'latest', undefined],
    ['nginx:1.27', DOCKER_HUB_REGISTRY, 'library/nginx', '1.27', undefined],
    ['bitnami/redis:7', DOCKER_HUB_REGISTRY, 'bitnami/redis', '7', undefined],
    ['docker.io/nginx', DOCKER_HUB_REGISTRY, 'library/nginx', 'latest', undefined],
    ['docker.io/x/y', DOCKER_HUB_REGISTRY, 'x/y', 'latest', undefined],
    ['index.docker.io/x/y:2', DOCKER_HUB_REGISTRY, 'x/y', '2', undefined],
    // registry-1.docker.io is an ordinary domain to Docker: no library/ prefix is added.
    ['registry-1.docker.io/nginx', DOCKER_HUB_REGISTRY, 'nginx', 'latest', undefined],
    ['amazon/amazon-ecs-agent', DOCKER_HUB_REGISTRY, 'amazon/amazon-ecs-agent', 'latest', undefined],
    ['ghcr.io/org/app/worker:v1.2.3', 'ghcr.io', 'org/app/worker', 'v1.2.3', undefined],
    ['quay.io/assemblyline/ubuntu', 'quay.io', 'assemblyline/ubuntu', 'latest', undefined],
    ['public.ecr.aws/nginx/nginx:stable', 'public.ecr.aws', 'nginx/nginx', 'stable', undefined],
    ['localhost/app', 'localhost', 'app', 'latest', undefined],
    ['localhost:5000/a/b', 'localhost:5000', 'a/b', 'latest', undefined],
    ['host:5000/a/b@' + D, 'host:5000', 'a/b', undefined, D],
    ['127.0.0.1:5000/web:1.0', '127.0.0.1:5000', 'web', '1.0', undefined],
    ['[::1]:5000/web', '[::1]:5000', 'web', 'latest', undefined],
    ['Registry/app', 'Registry', 'app', 'latest', undefined], // an upper-case first component is a domain
    ['my_org__x/a-b--c.d:tag_1', DOCKER_HUB_REGISTRY, 'my_org__x/a-b--c.d', 'tag_1', undefined],
    ['nginx@' + D, DOCKER_HUB_REGISTRY, 'library/nginx', undefined, D],
  ])('%s', (image, registry, repository, tag, digest) => {
    expect(parseImageReference(image)).toEqual({
      registry,
      repository,
      ...(tag !== undefined ? { tag } : {}),
      ...(digest !== undefined ? { digest } : {}),
      image,
    });
  });

  test('a tag and a digest are both kept; messages show both', () => {
    const ref = parseImageReference(`123456789012.dkr.ecr.eu-west-1.amazonaws.com/web:1.4@${D}`);
    expect(ref).toMatchObject({ repository: 'web', tag: '1.4', digest: D });
    expect(describeReference(ref!)).toBe(`web:1.4@${D}`);
    expect(describeReference(parseImageReference('nginx')!)).toBe('library/nginx:latest');
  });

  test.each([
    '',
    'Nginx', // upper case in the repository (Docker: "repository name must be lowercase")
    'docker.io/Library/nginx',
    'ghcr.io/Org/app',
    'nginx:', // empty tag
    'nginx:-x', // a tag cannot start with '-'
    `nginx:${'t'.repeat(129)}`, // tags have at most 128 characters
    'nginx@sha256:abc', // short digest
    `nginx@sha256:${'A'.repeat(64)}`, // upper-case hex (go-digest refuses it)
    `nginx@md5:${'a'.repeat(32)}`, // an algorithm go-digest does not know
    'a'.repeat(64), // a bare image ID is not a name
    'nginx latest',
    ' nginx',
    'a//b',
    '/nginx',
    'nginx/',
    'host:port/app', // a port is digits
    '-bad.example.com/app',
    `example.com/${'a'.repeat(250)}`, // the name (domain included) has at most 255 characters
    'http://example.com/app',
  ])('not an image reference: %j', (image) => {
    expect(parseImageReference(image)).toBeUndefined();
  });

  test('never throws on what is not a string', () => {
    expect(parseImageReference(undefined as unknown as string)).toBeUndefined();
    expect(parseImageReference(42 as unknown as string)).toBeUndefined();
  });
});

describe('ECR registry hosts', () => {
  test.each([
    ['123456789012.dkr.ecr.eu-west-1.amazonaws.com', '123456789012', 'eu-west-1'],
    ['123456789012.dkr.ecr-fips.us-gov-west-1.amazonaws.com', '123456789012', 'us-gov-west-1'],
    ['123456789012.dkr.ecr.cn-north-1.amazonaws.com.cn', '123456789012', 'cn-north-1'],
    ['123456789012.dkr-ecr.us-east-2.on.aws', '123456789012', 'us-east-2'],
    ['123456789012.dkr-ecr-fips.us-east-1.on.aws', '123456789012', 'us-east-1'],
  ])('%s', (host, account, region) => {
    expect(ecrRegistry(host)).toEqual({ account, region });
  });

  test.each([
    'public.ecr.aws',
    'registry-1.docker.io',
    'ghcr.io',
    '12345678901.dkr.ecr.eu-west-1.amazonaws.com', // 11 digits
    '123456789012.dkr.ecr.eu-west-1.amazonaws.com:443',
    '123456789012.dkr.ecr.eu-west-1.amazonaws.com/web',
    '123456789012.dkr.ecr.eu-west-1.example.com',
    '123456789012',
  ])('not ECR: %s', (host) => {
    expect(ecrRegistry(host)).toBeUndefined();
  });
});

describe('manifests by media type', () => {
  const index = (mediaType: string | undefined) =>
    JSON.stringify({
      schemaVersion: 2,
      ...(mediaType ? { mediaType } : {}),
      manifests: [
        { mediaType: OCI_MANIFEST, digest: D, size: 1, platform: { architecture: 'amd64', os: 'linux' } },
        {
          mediaType: OCI_MANIFEST,
          digest: D,
          size: 1,
          platform: { architecture: 'arm64', os: 'linux', variant: 'v8' },
        },
        {
          mediaType: OCI_MANIFEST,
          digest: D,
          size: 1,
          platform: { architecture: 'amd64', os: 'windows', 'os.version': '10.0.20348.2113' },
        },
        // buildx's attestation manifests: platform unknown/unknown, with the reference annotation.
        {
          mediaType: OCI_MANIFEST,
          digest: D,
          size: 1,
          annotations: {
            'vnd.docker.reference.digest': D,
            'vnd.docker.reference.type': 'attestation-manifest',
          },
          platform: { architecture: 'unknown', os: 'unknown' },
        },
        { mediaType: OCI_MANIFEST, digest: D, size: 1, platform: { architecture: 'unknown', os: 'unknown' } },
        { mediaType: OCI_MANIFEST, digest: D, size: 1 }, // no platform: nothing to say about it
      ],
    });
  const platforms = [
    { os: 'linux', architecture: 'amd64' },
    { os: 'linux', architecture: 'arm64', variant: 'v8' },
    { os: 'windows', architecture: 'amd64', osVersion: '10.0.20348.2113' },
  ];

  test('the accepted list is exactly the four manifest types, indexes first', () => {
    expect(MANIFEST_MEDIA_TYPES).toEqual([
      'application/vnd.oci.image.index.v1+json',
      'application/vnd.docker.distribution.manifest.list.v2+json',
      'application/vnd.oci.image.manifest.v1+json',
      'application/vnd.docker.distribution.manifest.v2+json',
    ]);
  });

  test('an OCI image index and a Docker manifest list give their platforms, attestations left out', () => {
    expect(readManifest(index(OCI_INDEX), OCI_INDEX)).toEqual({ kind: 'index', platforms });
    expect(readManifest(index(DOCKER_MANIFEST_LIST), DOCKER_MANIFEST_LIST)).toEqual({
      kind: 'index',
      platforms,
    });
    // Content-Type with parameters, or generic, or absent: the text's own mediaType decides.
    expect(readManifest(index(OCI_INDEX), `${OCI_INDEX}; charset=utf-8`).kind).toBe('index');
    expect(readManifest(index(DOCKER_MANIFEST_LIST), 'application/json').kind).toBe('index');
    expect(readManifest(index(undefined))).toEqual({ kind: 'index', platforms }); // mediaType is optional
  });

  test('an OCI image manifest and a Docker schema 2 manifest give their config digest', () => {
    const oci = JSON.stringify({
      schemaVersion: 2,
      mediaType: OCI_MANIFEST,
      config: { mediaType: 'application/vnd.oci.image.config.v1+json', digest: D, size: 2 },
      layers: [],
    });
    expect(readManifest(oci, OCI_MANIFEST)).toEqual({
      kind: 'image',
      configDigest: D,
      configMediaType: 'application/vnd.oci.image.config.v1+json',
    });
    expect(readManifest(oci)).toMatchObject({ kind: 'image', configDigest: D });
    const docker = JSON.stringify({
      schemaVersion: 2,
      mediaType: DOCKER_MANIFEST,
      config: { mediaType: 'application/vnd.docker.container.image.v1+json', digest: D, size: 2 },
      layers: [],
    });
    expect(readManifest(docker, DOCKER_MANIFEST)).toEqual({
      kind: 'image',
      configDigest: D,
      configMediaType: 'application/vnd.docker.container.image.v1+json',
    });
    expect(readManifest(docker, 'text/plain')).toMatchObject({ kind: 'image' });
  });

  test('schema 1, artifacts and what is not a manifest are unknown, with the media type seen', () => {
    const schema1 = JSON.stringify({
      schemaVersion: 1,
      name: 'x',
      tag: 'y',
      architecture: 'amd64',
      fsLayers: [],
    });
    expect(readManifest(schema1, 'application/vnd.docker.distribution.manifest.v1+prettyjws')).toEqual({
      kind: 'unknown',
      mediaType: 'application/vnd.docker.distribution.manifest.v1+prettyjws',
    });
    expect(readManifest(schema1)).toEqual({
      kind: 'unknown',
      mediaType: 'application/vnd.docker.distribution.manifest.v1+json',
    });
    const helm = JSON.stringify({
      schemaVersion: 2,
      mediaType: OCI_MANIFEST,
      config: { mediaType: 'application/vnd.cncf.helm.config.v1+json', digest: D, size: 2 },
      layers: [],
    });
    expect(readManifest(helm, OCI_MANIFEST)).toEqual({
      kind: 'unknown',
      mediaType: 'application/vnd.cncf.helm.config.v1+json',
    });
    const artifact = JSON.stringify({
      schemaVersion: 2,
      mediaType: OCI_MANIFEST,
      artifactType: 'application/vnd.example.sbom',
      config: { mediaType: 'application/vnd.oci.empty.v1+json', digest: D, size: 2 },
      layers: [],
    });
    expect(readManifest(artifact, OCI_MANIFEST)).toEqual({
      kind: 'unknown',
      mediaType: 'application/vnd.example.sbom',
    });
    expect(readManifest('<html>', 'text/html')).toEqual({ kind: 'unknown', mediaType: 'text/html' });
    expect(readManifest('[]')).toEqual({ kind: 'unknown', mediaType: 'not a manifest' });
    expect(readManifest(JSON.stringify({ schemaVersion: 2, mediaType: OCI_MANIFEST }), OCI_MANIFEST)).toEqual(
      {
        kind: 'unknown',
        mediaType: OCI_MANIFEST,
      },
    );
  });

  test('the platform in an image config blob', () => {
    expect(
      platformOfConfig(JSON.stringify({ architecture: 'arm64', os: 'linux', variant: 'v8', rootfs: {} })),
    ).toEqual({
      os: 'linux',
      architecture: 'arm64',
      variant: 'v8',
    });
    expect(
      platformOfConfig(
        JSON.stringify({ architecture: 'amd64', os: 'windows', 'os.version': '10.0.17763.1' }),
      ),
    ).toEqual({ os: 'windows', architecture: 'amd64', osVersion: '10.0.17763.1' });
    expect(platformOfConfig(JSON.stringify({ os: 'linux' }))).toBeUndefined();
    expect(platformOfConfig('not json')).toBeUndefined();
  });
});

describe('the platform a task needs', () => {
  test('no runtimePlatform (or empty, or not an object) is linux/amd64, as ECS assumes', () => {
    for (const rp of [undefined, null, {}, 'LINUX', []])
      expect(wantedPlatform(rp)).toEqual({ os: 'linux', architecture: 'amd64' });
    expect(wantedPlatform({ cpuArchitecture: 'X86_64', operatingSystemFamily: 'LINUX' })).toEqual({
      os: 'linux',
      architecture: 'amd64',
    });
  });

  test('ARM64 needs arm64, and any arm64 variant serves it; amd64 does not', () => {
    const arm = wantedPlatform({ cpuArchitecture: 'ARM64', operatingSystemFamily: 'LINUX' });
    expect(arm).toEqual({ os: 'linux', architecture: 'arm64' });
    expect(platformMatches(arm, { os: 'linux', architecture: 'arm64', variant: 'v8' })).toBe(true);
    expect(platformMatches(arm, { os: 'linux', architecture: 'arm64' })).toBe(true);
    expect(platformMatches(arm, { os: 'linux', architecture: 'aarch64' })).toBe(true);
    expect(platformMatches(arm, { os: 'linux', architecture: 'amd64' })).toBe(false);
    expect(platformMatches(arm, { os: 'linux', architecture: 'arm', variant: 'v7' })).toBe(false);
    expect(platformMatches(wantedPlatform({}), { os: 'linux', architecture: 'arm64', variant: 'v8' })).toBe(
      false,
    );
  });

  test('WINDOWS_SERVER_* needs windows/amd64; a Linux image does not serve it, nor the reverse', () => {
    for (const family of [
      'WINDOWS_SERVER_2022_CORE',
      'WINDOWS_SERVER_2019_FULL',
      'WINDOWS_SERVER_2025_CORE',
    ]) {
      expect(wantedPlatform({ operatingSystemFamily: family })).toEqual({
        os: 'windows',
        architecture: 'amd64',
      });
    }
    const win = wantedPlatform({
      operatingSystemFamily: 'WINDOWS_SERVER_2022_CORE',
      cpuArchitecture: 'X86_64',
    });
    expect(platformMatches(win, { os: 'windows', architecture: 'amd64', osVersion: '10.0.20348.2113' })).toBe(
      true,
    );
    expect(platformMatches(win, { os: 'linux', architecture: 'amd64' })).toBe(false);
    expect(platformMatches(wantedPlatform(undefined), { os: 'windows', architecture: 'amd64' })).toBe(false);
  });

  test('a variant asked for must match; x86_64 and amd64 are one architecture', () => {
    expect(
      platformMatches(
        { os: 'linux', architecture: 'arm', variant: 'v7' },
        { os: 'linux', architecture: 'arm', variant: 'v6' },
      ),
    ).toBe(false);
    expect(
      platformMatches(
        { os: 'linux', architecture: 'arm', variant: 'v7' },
        { os: 'linux', architecture: 'arm' },
      ),
    ).toBe(true);
    expect(
      platformMatches({ os: 'linux', architecture: 'amd64' }, { os: 'Linux', architecture: 'x86_64' }),
    ).toBe(true);
    // arm64's default variant is v8 (containerd's normalisation): asking for v8 accepts an image without one.
    const v8 = { os: 'linux', architecture: 'arm64', variant: 'v8' };
    expect(platformMatches(v8, { os: 'linux', architecture: 'arm64' })).toBe(true);
    expect(platformMatches(v8, { os: 'linux', architecture: 'aarch64', variant: '8' })).toBe(true);
    expect(platformMatches(v8, { os: 'linux', architecture: 'arm64', variant: 'v9' })).toBe(false);
  });

  test('descriptions', () => {
    expect(describePlatform({ os: 'linux', architecture: 'arm64', variant: 'v8' })).toBe('linux/arm64/v8');
    expect(describePlatform({ os: 'linux', architecture: 'amd64' })).toBe('linux/amd64');
    expect(describePlatform({ os: 'windows', architecture: 'amd64', osVersion: '10.0.20348.2113' })).toBe(
      'windows/amd64 (10.0.20348.2113)',
    );
  });
});

describe('transport and challenges', () => {
  test('plain http only on loopback (Docker: ::1/128 and 127.0.0.0/8 are insecure by default), https elsewhere', () => {
    expect(registryOrigin('127.0.0.1:5000')).toBe('http://127.0.0.1:5000');
    expect(registryOrigin('127.1.2.3')).toBe('http://127.1.2.3');
    expect(registryOrigin('localhost:5000')).toBe('http://localhost:5000');
    expect(registryOrigin('[::1]:5000')).toBe('http://[::1]:5000');
    expect(registryOrigin('registry-1.docker.io')).toBe('https://registry-1.docker.io');
    expect(registryOrigin('10.0.0.1:5000')).toBe('https://10.0.0.1:5000');
    expect(registryOrigin('127.0.0.1.example.com')).toBe('https://127.0.0.1.example.com');
    expect(registryOrigin('localhost.example.com')).toBe('https://localhost.example.com');
  });

  test('WWW-Authenticate: quoted values with commas, several challenges in one header', () => {
    expect(
      parseChallenges(
        'Bearer realm="https://auth.docker.io/token",service="registry.docker.io",scope="repository:samalba/my-app:pull,push"',
      ),
    ).toEqual([
      {
        scheme: 'bearer',
        params: {
          realm: 'https://auth.docker.io/token',
          service: 'registry.docker.io',
          scope: 'repository:samalba/my-app:pull,push',
        },
      },
    ]);
    expect(parseChallenges('Basic realm="ecs-shipyard-test"')).toEqual([
      { scheme: 'basic', params: { realm: 'ecs-shipyard-test' } },
    ]);
    expect(parseChallenges('Basic realm="a\\"b", Bearer realm=https://x/token, service=y')).toEqual([
      { scheme: 'basic', params: { realm: 'a"b' } },
      { scheme: 'bearer', params: { realm: 'https://x/token', service: 'y' } },
    ]);
    expect(parseChallenges('')).toEqual([]);
  });
});
