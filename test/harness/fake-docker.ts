/**
 * A stand-in `docker` command for tests (no Docker engine here): it records each call's arguments and
 * standard input in a log file and answers like the Docker CLI, or fails as told by environment.
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
if (args[0] === 'login') {
  if (mode === 'no-daemon') { process.stderr.write('Cannot connect to the Docker daemon at unix:///var/run/docker.sock. Is the docker daemon running?\\n'); process.exit(1); }
  if (mode === 'fail') { process.stderr.write('Error response from daemon: login attempt to https://' + args[args.length - 1] + '/v2/ failed with status: 401 Unauthorized (got ' + input + ')\\n'); process.exit(1); }
  process.stdout.write('Login Succeeded\\n');
  process.exit(0);
}
if (args[0] === 'logout') { process.stdout.write('Removing login credentials for ' + args[1] + '\\n'); process.exit(mode === 'logout-fail' ? 1 : 0); }
process.exit(0);
`;
  const file = join(binDir, 'docker');
  await writeFile(file, script);
  await chmod(file, 0o755);
  return { dir, binDir, logFile };
}
