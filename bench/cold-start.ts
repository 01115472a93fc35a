/**
 * Cold start of each action bundle, from spawn to exit, against `node -e 0` — runs interleaved so that
 * machine noise hits every variant alike; medians reported. Variants per action:
 *   full login   a real run against the simulator (config-file login, so no Docker is involved)
 *   bad input    fails on input checking, before loading any AWS client work
 */
import { spawn } from 'node:child_process';
import { mkdtemp, readdir, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { ROOT } from '../test/harness/runner.js';
import { simulatorEnv, startSimulator } from '../test/simulator/server.js';

function timeRun(args: string[], env: NodeJS.ProcessEnv): Promise<number> {
  return new Promise((resolve, reject) => {
    const started = process.hrtime.bigint();
    const child = spawn(process.execPath, args, { env, stdio: 'ignore' });
    child.on('error', reject);
    child.on('exit', () => resolve(Number(process.hrtime.bigint() - started) / 1e6));
  });
}

export const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  const m = Math.floor(s.length / 2);
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
};

export async function coldStart(runs: number) {
  const sim = await startSimulator({ scenario: { account: '111122223333' } });
  const dir = await mkdtemp(join(tmpdir(), 'bench-'));
  const base = {
    PATH: dirname(process.execPath),
    HOME: dir,
    RUNNER_TEMP: dir,
    AWS_EC2_METADATA_DISABLED: 'true',
  };
  const files = async (tag: string) => {
    const f = {
      GITHUB_OUTPUT: join(dir, `out-${tag}`),
      GITHUB_STATE: join(dir, `state-${tag}`),
      GITHUB_STEP_SUMMARY: join(dir, `sum-${tag}`),
    };
    for (const p of Object.values(f)) await writeFile(p, '');
    return f;
  };
  const bundle = join(ROOT, 'dist', 'ecr-login', 'index.js');
  const variants: Record<string, { args: string[]; env: NodeJS.ProcessEnv }> = {
    'node -e 0': { args: ['-e', '0'], env: base },
    'ecr-login full login': {
      args: [bundle],
      env: {
        ...base,
        ...simulatorEnv(sim),
        ...(await files('full')),
        'INPUT_LOGIN-MODE': 'config-file',
        'INPUT_MASK-PASSWORD': 'true',
      },
    },
    'ecr-login bad input': {
      args: [bundle],
      env: { ...base, ...simulatorEnv(sim), ...(await files('bad')), INPUT_REGISTRIES: '123' },
    },
  };
  const times: Record<string, number[]> = Object.fromEntries(Object.keys(variants).map((k) => [k, []]));
  for (const v of Object.values(variants)) await timeRun(v.args, v.env); // warm the file cache
  for (let i = 0; i < runs; i++) {
    for (const [name, v] of Object.entries(variants)) times[name]!.push(await timeRun(v.args, v.env));
  }
  await sim.close();
  const bare = median(times['node -e 0']!);
  const rows = Object.entries(times).map(([name, t]) => ({
    name,
    medianMs: Math.round(median(t) * 10) / 10,
    minMs: Math.round(Math.min(...t) * 10) / 10,
    ratio: Math.round((median(t) / bare) * 100) / 100,
  }));
  const distDir = join(ROOT, 'dist', 'ecr-login');
  let bytes = 0;
  for (const f of await readdir(distDir)) if (f.endsWith('.js')) bytes += (await stat(join(distDir, f))).size;
  return { runs, rows, bundleBytes: bytes, logins: sim.calls('GetAuthorizationToken', { ok: true }).length };
}
