/**
 * Real servers and tools from Debian's packages that some tests use. On a machine without them those
 * tests skip with a visible message; in CI (CI=true) a missing tool is an error, since .ci/run installs them.
 */
import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { mkdir, writeFile } from 'node:fs/promises';
import type { AddressInfo } from 'node:net';
import { createServer } from 'node:net';
import { join } from 'node:path';

export function missingTools(tools: readonly string[]): string[] {
  return tools.filter((t) => spawnSync('sh', ['-c', `command -v ${t}`]).status !== 0);
}

/** Returns true when the tests may run; otherwise says why they are skipped (or fails in CI). */
export function requireTools(tools: readonly string[], what: string): boolean {
  const missing = missingTools(tools);
  if (missing.length === 0) return true;
  const message = `${what}: skipped, ${missing.join(', ')} not installed (Debian: apt-get install docker-registry skopeo apache2-utils; .ci/run installs them)`;
  if (process.env['CI']) throw new Error(`${message} — CI must run these tests`);
  // Jest shows console output next to the test file, so the skip is visible in the run.
  console.warn(message);
  return false;
}

export async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const { port } = server.address() as AddressInfo;
  await new Promise((r) => server.close(r));
  return port;
}

export interface Registry {
  host: string;
  process: ChildProcess;
  log: () => string;
  stop(): Promise<void>;
}

/**
 * CNCF distribution (Debian's docker-registry) on 127.0.0.1 with htpasswd auth for one user; without a
 * user, with no auth at all (anyone may pull and push, as a registry started with no `auth` section).
 */
export async function startRegistry(dir: string, user?: string, password?: string): Promise<Registry> {
  await mkdir(dir, { recursive: true });
  const htpasswd = join(dir, 'htpasswd');
  if (user !== undefined) {
    // -i reads the password from standard input, -B makes a bcrypt hash (the only kind the registry accepts).
    const made = spawnSync('htpasswd', ['-B', '-i', '-c', htpasswd, user], {
      input: password ?? '',
      encoding: 'utf8',
    });
    if (made.status !== 0) throw new Error(`htpasswd failed: ${made.stderr}`);
  }
  const port = await freePort();
  const config = join(dir, 'registry.yml');
  await writeFile(
    config,
    [
      'version: 0.1',
      'log: { level: warn }',
      `storage: { filesystem: { rootdirectory: ${join(dir, 'storage')} }, delete: { enabled: true } }`,
      `http: { addr: "127.0.0.1:${port}", secret: test-only-secret }`,
      ...(user !== undefined ? [`auth: { htpasswd: { realm: ecs-shipyard-test, path: ${htpasswd} } }`] : []),
      '',
    ].join('\n'),
  );
  const child = spawn('docker-registry', ['serve', config], { stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stdout?.on('data', (d: Buffer) => (output += d.toString()));
  child.stderr?.on('data', (d: Buffer) => (output += d.toString()));
  const host = `127.0.0.1:${port}`;
  // Ready when /v2/ answers (401 without credentials, 200 without auth).
  const deadline = Date.now() + 15_000;
  for (;;) {
    try {
      const res = await fetch(`http://${host}/v2/`);
      if (res.status === 401 || res.status === 200) break;
    } catch {
      // not up yet
    }
    if (child.exitCode !== null || Date.now() > deadline) {
      child.kill();
      throw new Error(`docker-registry did not start: ${output}`);
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  return {
    host,
    process: child,
    log: () => output,
    stop: () =>
      new Promise<void>((resolve) => {
        if (child.exitCode !== null) return resolve();
        child.once('exit', () => resolve());
        child.kill('SIGTERM');
      }),
  };
}
