/**
 * A stand-in `docker` command for tests (no Docker engine here): it records each call's arguments and
 * standard input in a log file and answers like the Docker CLI, or fails as told by environment
 * (FAKE_DOCKER_MODE for every call; FAKE_DOCKER_FAIL_LOGIN: the registries whose login fails, comma-separated).
 */
import { chmod, mkdir, mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface FakeDocker {
  /** A runner folder of its own (pass it as the run's `dir`). */
  dir: string;
  /** Folder to put first on PATH. */
  binDir: string;
  logFile: string;
}

export async function makeFakeDocker(): Promise<FakeDocker> {
  const dir = await mkdtemp(join(tmpdir(), 'shipyard-runner-'));
  const binDir = join(dir, 'fake-bin');
  await mkdir(binDir, { recursive: true });
  const logFile = join(dir, 'docker-calls.jsonl');
  const script = `#!/usr/bin/env node
const fs = require('node:fs');
const args = process.argv.slice(2);
let input = '';
try { input = fs.readFileSync(0, 'utf8'); } catch {}
fs.appendFileSync(${JSON.stringify(logFile)}, JSON.stringify({ args, stdin: input }) + '\\n');
const mode = process.env.FAKE_DOCKER_MODE || 'ok';
const configFile = require('node:path').join(process.env.DOCKER_CONFIG || require('node:path').join(process.env.HOME || '', '.docker'), 'config.json');
const readConfig = () => { try { return JSON.parse(fs.readFileSync(configFile, 'utf8')); } catch { return {}; } };
const writeConfig = (c) => { fs.mkdirSync(require('node:path').dirname(configFile), { recursive: true }); fs.writeFileSync(configFile, JSON.stringify(c, null, 2)); };
if (args[0] === 'login') {
  if (mode === 'no-daemon') { process.stderr.write('Cannot connect to the Docker daemon at unix:///var/run/docker.sock. Is the docker daemon running?\\n'); process.exit(1); }
  const failFor = (process.env.FAKE_DOCKER_FAIL_LOGIN || '').split(',');
  if (mode === 'fail' || failFor.includes(args[args.length - 1])) { process.stderr.write('Error response from daemon: login attempt to https://' + args[args.length - 1] + '/v2/ failed with status: 401 Unauthorized (got ' + input + ')\\n'); process.exit(1); }
  if (process.env.FAKE_DOCKER_STORE === 'config') {
    const c = readConfig(); c.auths = c.auths || {};
    c.auths[args[args.length - 1]] = { auth: Buffer.from(args[args.indexOf('--username') + 1] + ':' + input.trim()).toString('base64') };
    writeConfig(c);
  }
  process.stdout.write('Login Succeeded\\n');
  process.exit(0);
}
if (args[0] === 'logout') {
  if (process.env.FAKE_DOCKER_STORE === 'config') { const c = readConfig(); if (c.auths) delete c.auths[args[1]]; writeConfig(c); }
  process.stdout.write('Removing login credentials for ' + args[1] + '\\n'); process.exit(mode === 'logout-fail' ? 1 : 0);
}
if (args[0] === 'buildx') {
  if (args[1] === 'version') { process.stdout.write('github.com/docker/buildx v0.29.1 fake\\n'); process.exit(mode === 'no-buildx' ? 1 : 0); }
  if (args[1] === 'inspect') {
    const i = args.indexOf('--builder');
    const known = (process.env.FAKE_BUILDX_BUILDERS || 'default').split(',');
    process.exit(i >= 0 && !known.includes(args[i + 1]) ? 1 : 0);
  }
  if (args[1] === 'build') {
    if (mode === 'build-fail') { process.stderr.write('ERROR: failed to solve: process "/bin/sh -c make" did not complete successfully: exit code: 2\\n'); process.exit(1); }
    const values = (flag) => args.flatMap((a, i) => (a === flag ? [args[i + 1]] : []));
    const meta = values('--metadata-file')[0];
    let digest = 'sha256:' + require('node:crypto').createHash('sha256').update(args.join(' ')).digest('hex');
    const oci = process.env.FAKE_BUILDX_OCI;
    if (oci) {
      // Push a real image with the credentials in the Docker config file, as buildx would.
      const digestFile = meta + '.digest';
      for (const ref of values('--tag')) {
        const r = require('node:child_process').spawnSync('skopeo', ['copy', '--authfile', configFile, '--dest-tls-verify=false', '--digestfile', digestFile, 'oci:' + oci, 'docker://' + ref], { encoding: 'utf8' });
        if (r.status !== 0) { process.stderr.write(r.stderr); process.exit(1); }
        digest = fs.readFileSync(digestFile, 'utf8').trim();
      }
    }
    if (meta) fs.writeFileSync(meta, JSON.stringify({ 'buildx.build.ref': 'fake/fake/1', 'containerimage.digest': digest, 'image.name': values('--tag').join(',') }, null, 2));
    process.stdout.write('#1 naming to ' + values('--tag').join(', ') + ' done\\n');
    process.exit(0);
  }
}
process.exit(0);
`;
  const file = join(binDir, 'docker');
  await writeFile(file, script);
  await chmod(file, 0o755);
  return { dir, binDir, logFile };
}
