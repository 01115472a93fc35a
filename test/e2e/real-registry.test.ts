// ecr-login against a real OCI registry: Debian's docker-registry (CNCF distribution) with htpasswd auth
// whose password is the token the simulator hands out, and skopeo, a daemonless client, pushing with the
// Docker config file the action wrote.
import { spawnSync } from 'node:child_process';
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { writeOciImage } from '../harness/oci.js';
import { runAction } from '../harness/runner.js';
import { type Registry, requireTools, startRegistry } from '../harness/tools.js';
import { type Simulator, simulatorEnv, startSimulator } from '../simulator/server.js';
import { registryPassword } from '../simulator/services/ecr.js';

const ready = requireTools(['docker-registry', 'skopeo', 'htpasswd'], 'real registry tests');
const ACCOUNT = '111122223333';

let sim: Simulator;
let registry: Registry;
let work: string;

function skopeo(args: string[]) {
  return spawnSync('skopeo', args, {
    encoding: 'utf8',
    timeout: 60_000,
    env: { ...process.env, HOME: work },
  });
}

(ready ? describe : describe.skip)('ecr-login with a real registry and skopeo', () => {
  beforeAll(async () => {
    work = await mkdtemp(join(tmpdir(), 'real-registry-'));
    sim = await startSimulator({ scenario: { account: ACCOUNT } });
    const password = registryPassword(sim, ACCOUNT, 'us-east-1');
    registry = await startRegistry(work, 'AWS', password);
    // ECR reports this registry as the endpoint of the account, as it would report *.dkr.ecr.*.
    sim.scenario.ecr = { registries: { [ACCOUNT]: { endpoint: `http://${registry.host}`, password } } };
  });
  afterAll(async () => {
    await registry?.stop();
    await sim?.close();
  });

  test('skopeo pushes with the credentials the action wrote; a wrong password is refused; after the post step nothing is left', async () => {
    const image = await writeOciImage(join(work, 'image'));
    const result = await runAction('ecr-login', {
      inputs: { 'login-mode': 'config-file' },
      env: { ...simulatorEnv(sim), PATH: dirname(process.execPath) },
      post: false,
    });
    expect(result.errors).toEqual([]);
    expect(result.outputs['registry']).toBe(registry.host);
    const authfile = join(result.dir, '.docker', 'config.json');

    const push = skopeo([
      'copy',
      '--authfile',
      authfile,
      '--dest-tls-verify=false',
      `oci:${image.dir}:${image.tag}`,
      `docker://${registry.host}/web:1.0`,
    ]);
    expect({ status: push.status, stderr: push.stderr }).toEqual({ status: 0, stderr: '' });
    const inspect = skopeo([
      'inspect',
      '--authfile',
      authfile,
      '--tls-verify=false',
      '--raw',
      `docker://${registry.host}/web:1.0`,
    ]);
    expect(inspect.status).toBe(0);
    expect(JSON.parse(inspect.stdout).layers).toHaveLength(1);

    // The same push with a password one character off is refused by the registry.
    const password = registryPassword(sim, ACCOUNT, 'us-east-1');
    const wrong = `${password[0] === 'A' ? 'B' : 'A'}${password.slice(1)}`;
    const wrongFile = join(work, 'wrong.json');
    await writeFile(
      wrongFile,
      JSON.stringify({
        auths: { [registry.host]: { auth: Buffer.from(`AWS:${wrong}`).toString('base64') } },
      }),
    );
    const refused = skopeo([
      'copy',
      '--authfile',
      wrongFile,
      '--dest-tls-verify=false',
      `oci:${image.dir}:${image.tag}`,
      `docker://${registry.host}/web:1.1`,
    ]);
    expect(refused.status).not.toBe(0);
    expect(refused.stderr).toMatch(/unauthorized|authentication required|401/i);

    // The post step takes the login away again: the same authfile no longer gets in.
    const { runPostOnly } = await import('../harness/post.js');
    const post = await runPostOnly('ecr-login', result);
    expect(post.exitCode).toBe(0);
    const after = skopeo([
      'inspect',
      '--authfile',
      authfile,
      '--tls-verify=false',
      '--raw',
      `docker://${registry.host}/web:1.0`,
    ]);
    expect(after.status).not.toBe(0);
    expect(after.stderr).toMatch(/unauthorized|authentication required|401/i);
  });
});

if (!ready) test('real registry tests need docker-registry, skopeo and htpasswd (skipped here)', () => {});
