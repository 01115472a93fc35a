// The registry HTTP client against Debian's docker-registry (CNCF distribution 2.8) with images pushed by
// skopeo, and against a small token-issuing registry in node:http for the bearer flow and redirects.
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdtemp } from 'node:fs/promises';
import { type IncomingMessage, type Server, type ServerResponse, createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { type OciImage, writeOciImage, writeOciIndex } from '../harness/oci.js';
import { type Registry, requireTools, startRegistry } from '../harness/tools.js';
import {
  OCI_INDEX,
  OCI_MANIFEST,
  RegistryTokens,
  fetchBlob,
  fetchManifest,
  imagePlatforms,
  parseImageReference,
} from '../../src/verify/registry.js';

const ref = (image: string) => {
  const parsed = parseImageReference(image);
  if (!parsed) throw new Error(`not a reference: ${image}`);
  return parsed;
};

const ready = requireTools(['docker-registry', 'skopeo', 'htpasswd'], 'registry HTTP tests');

(ready ? describe : describe.skip)(
  'against a real registry (docker-registry, images pushed by skopeo)',
  () => {
    let work: string;
    let open: Registry;
    let locked: Registry;
    let single: OciImage;
    let multi: OciImage;
    const skopeo = (args: string[]) =>
      spawnSync('skopeo', args, { encoding: 'utf8', timeout: 60_000, env: { ...process.env, HOME: work } });

    beforeAll(async () => {
      work = await mkdtemp(join(tmpdir(), 'registry-http-'));
      open = await startRegistry(join(work, 'open'));
      locked = await startRegistry(await mkdtemp(join(work, 'locked-')), 'deployer', 's3cret-pass');
      single = await writeOciImage(join(work, 'single'), 'v1', 'arm only\n', {
        os: 'linux',
        architecture: 'arm64',
        variant: 'v8',
      });
      multi = await writeOciIndex(join(work, 'multi'), 'v2', [
        { os: 'linux', architecture: 'amd64' },
        { os: 'linux', architecture: 'arm64', variant: 'v8' },
      ]);
      for (const [args, what] of [
        [
          ['copy', '--dest-tls-verify=false', `oci:${single.dir}:v1`, `docker://${open.host}/team/single:v1`],
          'single',
        ],
        [
          [
            'copy',
            '--all',
            '--dest-tls-verify=false',
            `oci:${multi.dir}:v2`,
            `docker://${open.host}/team/multi:v2`,
          ],
          'multi',
        ],
        [
          [
            'copy',
            '--dest-tls-verify=false',
            '--dest-creds',
            'deployer:s3cret-pass',
            `oci:${single.dir}:v1`,
            `docker://${locked.host}/team/single:v1`,
          ],
          'locked',
        ],
      ] as const) {
        const push = skopeo([...args]);
        if (push.status !== 0) throw new Error(`skopeo push (${what}) failed: ${push.stderr}`);
      }
    });
    afterAll(async () => {
      await open?.stop();
      await locked?.stop();
    });

    test('a single-platform image: found, its platform read from the config blob', async () => {
      const answer = await imagePlatforms(ref(`${open.host}/team/single:v1`));
      expect(answer).toEqual({
        status: 'found',
        value: {
          platforms: [{ os: 'linux', architecture: 'arm64', variant: 'v8' }],
          mediaType: OCI_MANIFEST,
          digest: single.manifestDigest,
        },
      });
      // The same image by digest (and by tag and digest both) is the same manifest.
      const byDigest = await fetchManifest(ref(`${open.host}/team/single:v1@${single.manifestDigest}`));
      expect(byDigest).toMatchObject({ status: 'found', value: { digest: single.manifestDigest } });
    });

    test('a multi-platform image: the image index and its platforms', async () => {
      const answer = await imagePlatforms(ref(`${open.host}/team/multi:v2`));
      expect(answer).toEqual({
        status: 'found',
        value: {
          platforms: [
            { os: 'linux', architecture: 'amd64' },
            { os: 'linux', architecture: 'arm64', variant: 'v8' },
          ],
          mediaType: OCI_INDEX,
          digest: multi.manifestDigest,
        },
      });
    });

    test('a tag never pushed: not found, with the registry code, the repository said to exist', async () => {
      const answer = await imagePlatforms(ref(`${open.host}/team/single:1.99`));
      expect(answer).toEqual({
        status: 'not-found',
        message: `${open.host} answered 404 MANIFEST_UNKNOWN for the manifest of team/single:1.99: the tag 1.99 was never pushed (or was deleted); the repository exists`,
      });
    });

    test('a digest the repository does not have, and a blob it does not have', async () => {
      const digest = `sha256:${'0'.repeat(64)}`;
      expect(await fetchManifest(ref(`${open.host}/team/single@${digest}`))).toEqual({
        status: 'not-found',
        message: `${open.host} answered 404 MANIFEST_UNKNOWN for the manifest of team/single@${digest}: the repository has no manifest with digest ${digest}`,
      });
      expect(await fetchBlob(ref(`${open.host}/team/single:v1`), digest)).toMatchObject({
        status: 'not-found',
        message: expect.stringContaining('404 BLOB_UNKNOWN'),
      });
    });

    test('an unknown repository: distribution says MANIFEST_UNKNOWN; tags/list tells it is the repository', async () => {
      const answer = await imagePlatforms(ref(`${open.host}/nope/x:v1`));
      expect(answer).toEqual({
        status: 'not-found',
        message: `${open.host} answered 404 MANIFEST_UNKNOWN for the manifest of nope/x:v1: the repository nope/x does not exist`,
      });
    });

    test('a registry with Basic auth: unauthorized without credentials, refused with wrong ones, found with right ones', async () => {
      const image = ref(`${locked.host}/team/single:v1`);
      expect(await imagePlatforms(image)).toEqual({
        status: 'unauthorized',
        message: `${locked.host} needs a user name and password (HTTP Basic, realm "ecs-shipyard-test") to read team/single:v1; anonymous reads are refused`,
      });
      const wrong = await imagePlatforms(image, {
        credentials: { username: 'deployer', password: 'not-it' },
      });
      expect(wrong).toEqual({
        status: 'unauthorized',
        message: `${locked.host} refused user deployer (HTTP Basic) for team/single:v1: wrong user name or password`,
      });
      expect(JSON.stringify(wrong)).not.toContain('not-it');
      const right = await imagePlatforms(image, {
        credentials: { username: 'deployer', password: 's3cret-pass' },
      });
      expect(right).toMatchObject({
        status: 'found',
        value: { platforms: [{ os: 'linux', architecture: 'arm64', variant: 'v8' }] },
      });
    });
  },
);

if (!ready) test('registry HTTP tests need docker-registry, skopeo and htpasswd (skipped here)', () => {});

// ---------------------------------------------------------------------------------------------------------

interface Seen {
  method: string;
  url: string;
  authorization: string | undefined;
}

async function listen(server: Server, host: string): Promise<string> {
  await new Promise<void>((r) => server.listen(0, host, r));
  return `${host}:${(server.address() as AddressInfo).port}`;
}

const sha = (s: string) => `sha256:${createHash('sha256').update(s).digest('hex')}`;

describe('the bearer token flow and redirects (a token-issuing registry in node:http)', () => {
  const config = JSON.stringify({
    architecture: 'arm64',
    os: 'linux',
    variant: 'v8',
    rootfs: { type: 'layers' },
  });
  const configDigest = sha(config);
  const manifest = JSON.stringify({
    schemaVersion: 2,
    mediaType: 'application/vnd.docker.distribution.manifest.v2+json',
    config: {
      mediaType: 'application/vnd.docker.container.image.v1+json',
      digest: configDigest,
      size: config.length,
    },
    layers: [],
  });
  let registry: Server;
  let storage: Server;
  let host: string;
  let storageHost: string;
  const seen: Seen[] = [];
  const storageSeen: Seen[] = [];
  let issued = 0;
  const pending: ServerResponse[] = [];

  const oci = (res: ServerResponse, status: number, code: string, message: string, headers = {}) => {
    res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', ...headers });
    res.end(JSON.stringify({ errors: [{ code, message, detail: null }] }));
  };

  function handle(req: IncomingMessage, res: ServerResponse) {
    const url = new URL(req.url ?? '/', `http://${host}`);
    seen.push({
      method: req.method ?? '',
      url: url.pathname + url.search,
      authorization: req.headers.authorization,
    });
    if (url.pathname === '/token') {
      issued++;
      res.writeHead(200, { 'content-type': 'application/json' });
      // The spec's fields; the token is what a client must never print.
      return res.end(
        JSON.stringify({ token: `tok-${issued}`, expires_in: 300, issued_at: new Date().toISOString() }),
      );
    }
    const m = /^\/v2\/(.+)\/(manifests|blobs)\/(.+)$/.exec(url.pathname);
    if (!m) return oci(res, 404, 'NOT_FOUND', 'no route');
    const [, repo, kind, reference] = m;
    if (repo === 'slow/app') return void pending.push(res); // never answers
    if (repo === 'busy/app')
      return oci(res, 429, 'TOOMANYREQUESTS', 'You have reached your pull rate limit.');
    if (repo === 'broken/app') {
      res.writeHead(502, { 'content-type': 'text/html' });
      return res.end('<html><body>Bad gateway</body></html>');
    }
    const granted = repo === 'x/y' && /^Bearer tok-\d+$/.test(req.headers.authorization ?? '');
    if (!granted) {
      // As Docker Hub: a private or missing repository gets 401 even with an (anonymous) token.
      return oci(res, 401, 'UNAUTHORIZED', 'authentication required', {
        'www-authenticate': `Bearer realm="http://${host}/token",service="fake",scope="repository:${repo}:pull"`,
      });
    }
    if (kind === 'manifests' && reference === 'moved') {
      // A redirect within the registry keeps the registry's Authorization.
      res.writeHead(307, { location: '/v2/x/y/manifests/v1' });
      return res.end();
    }
    if (kind === 'manifests' && (reference === 'v1' || reference === 'v2' || reference === sha(manifest))) {
      res.writeHead(200, {
        'content-type': 'application/vnd.docker.distribution.manifest.v2+json',
        'docker-content-digest': sha(manifest),
      });
      return res.end(manifest);
    }
    if (kind === 'blobs' && reference === configDigest) {
      // Blobs live in storage on another host (S3, a CDN), reached by a redirect with a signed URL.
      res.writeHead(307, { location: `http://${storageHost}/bucket/${configDigest}?X-Amz-Signature=abc` });
      return res.end();
    }
    return oci(res, 404, 'MANIFEST_UNKNOWN', 'manifest unknown');
  }

  beforeAll(async () => {
    registry = createServer(handle);
    host = await listen(registry, '127.0.0.1');
    storage = createServer((req, res) => {
      storageSeen.push({
        method: req.method ?? '',
        url: req.url ?? '',
        authorization: req.headers.authorization,
      });
      res.writeHead(200, { 'content-type': 'application/octet-stream' });
      res.end(config);
    });
    // Another loopback address: another host, as S3 is to the registry.
    storageHost = await listen(storage, '127.0.0.2');
  });
  afterAll(async () => {
    for (const res of pending) res.destroy();
    registry.closeAllConnections();
    await new Promise((r) => registry.close(r));
    await new Promise((r) => storage.close(r));
  });

  test('401 → token → retry; one token for two manifest reads of the same repository', async () => {
    const tokens = new RegistryTokens();
    const before = issued;
    seen.length = 0;
    const a = await fetchManifest(ref(`${host}/x/y:v1`), { tokens });
    const b = await fetchManifest(ref(`${host}/x/y:v2`), { tokens });
    expect(a).toEqual({
      status: 'found',
      value: {
        text: manifest,
        mediaType: 'application/vnd.docker.distribution.manifest.v2+json',
        digest: sha(manifest),
      },
    });
    expect(b.status).toBe('found');
    expect(issued - before).toBe(1);
    expect(tokens.fetched).toBe(1);
    // The token request carries the challenge's service and scope; the second read goes straight in.
    expect(seen.map((s) => [s.url, s.authorization])).toEqual([
      ['/v2/x/y/manifests/v1', undefined],
      ['/token?service=fake&scope=repository%3Ax%2Fy%3Apull', undefined],
      ['/v2/x/y/manifests/v1', `Bearer tok-${issued}`],
      ['/v2/x/y/manifests/v2', `Bearer tok-${issued}`],
    ]);
  });

  test("a blob redirected to storage on another host: followed, and the registry's Authorization stays behind", async () => {
    const tokens = new RegistryTokens();
    storageSeen.length = 0;
    seen.length = 0;
    const answer = await imagePlatforms(ref(`${host}/x/y:v1`), { tokens });
    expect(answer).toEqual({
      status: 'found',
      value: {
        platforms: [{ os: 'linux', architecture: 'arm64', variant: 'v8' }],
        mediaType: 'application/vnd.docker.distribution.manifest.v2+json',
        digest: sha(manifest),
      },
    });
    const blobRequest = seen.find((s) => s.url.includes('/blobs/'));
    expect(blobRequest?.authorization).toMatch(/^Bearer tok-\d+$/);
    expect(storageSeen).toEqual([
      { method: 'GET', url: `/bucket/${configDigest}?X-Amz-Signature=abc`, authorization: undefined },
    ]);
    expect(tokens.fetched).toBe(1);
  });

  test('a redirect within the registry keeps the token', async () => {
    seen.length = 0;
    const answer = await fetchManifest(ref(`${host}/x/y:moved`), { tokens: new RegistryTokens() });
    expect(answer.status).toBe('found');
    expect(seen.at(-1)).toMatchObject({
      url: '/v2/x/y/manifests/v1',
      authorization: expect.stringMatching(/^Bearer /),
    });
  });

  test('an expired token is fetched again (expires_in, on an injected clock)', async () => {
    const tokens = new RegistryTokens();
    let now = Date.now();
    await fetchManifest(ref(`${host}/x/y:v1`), { tokens, now: () => now });
    now += 299_000;
    await fetchManifest(ref(`${host}/x/y:v1`), { tokens, now: () => now });
    expect(tokens.fetched).toBe(1);
    now += 2_000;
    await fetchManifest(ref(`${host}/x/y:v1`), { tokens, now: () => now });
    expect(tokens.fetched).toBe(2);
  });

  test('a repository the anonymous token does not open: unauthorized, saying why, and no token in the message', async () => {
    const answer = await imagePlatforms(ref(`${host}/x/private:v1`), { tokens: new RegistryTokens() });
    expect(answer).toEqual({
      status: 'unauthorized',
      message: `${host} answered 401 UNAUTHORIZED (authentication required) for x/private:v1 with an anonymous token: the repository does not exist, or it is private and needs credentials (registries answer both the same way)`,
    });
    expect(JSON.stringify(answer)).not.toMatch(/tok-/);
  });

  test('rate limits, gateway errors, silence and a closed port are unreachable, each said so', async () => {
    expect(await fetchManifest(ref(`${host}/busy/app:1`))).toEqual({
      status: 'unreachable',
      message: `${host} answered 429 TOOMANYREQUESTS for the manifest of busy/app:1: too many requests (a pull rate limit; authenticated pulls get a higher one), try again later`,
    });
    expect(await fetchManifest(ref(`${host}/broken/app:1`))).toEqual({
      status: 'unreachable',
      message: `${host} answered 502 for the manifest of broken/app:1: a failure on the registry's side, try again later`,
    });
    expect(await fetchManifest(ref(`${host}/slow/app:1`), { timeoutMs: 300 })).toEqual({
      status: 'unreachable',
      message: `the manifest of slow/app:1 on ${host}: ${host} did not answer within 300 ms`,
    });
    const closed = createServer();
    const closedHost = await listen(closed, '127.0.0.1');
    await new Promise((r) => closed.close(r));
    expect(await fetchManifest(ref(`${closedHost}/x/y:v1`))).toEqual({
      status: 'unreachable',
      message: `the manifest of x/y:v1 on ${closedHost}: could not reach ${closedHost}: ECONNREFUSED: nothing listens on that port`,
    });
  });

  test('an abort from the caller rejects with its reason instead of answering', async () => {
    const controller = new AbortController();
    const reason = new Error('job cancelled');
    const answer = fetchManifest(ref(`${host}/slow/app:2`), { signal: controller.signal });
    setTimeout(() => controller.abort(reason), 50);
    await expect(answer).rejects.toBe(reason);
    const already = new AbortController();
    already.abort(reason);
    await expect(imagePlatforms(ref(`${host}/x/y:v1`), { signal: already.signal })).rejects.toBe(reason);
  });
});
