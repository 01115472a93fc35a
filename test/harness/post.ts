/** Runs only the post step of an earlier run, with that run's saved state, as the runner does at job end. */

import { spawnSync } from 'node:child_process';
import { resolve } from 'node:path';
import { ROOT, type RunResult, readActionYml, type StepResult } from './runner.js';

export async function runPostOnly(actionDir: string, earlier: RunResult): Promise<StepResult> {
  const yml = await readActionYml(actionDir);
  if (!yml.runs.post) throw new Error(`${actionDir} has no post step`);
  const env: Record<string, string> = { ...earlier.env };
  for (const [k, v] of Object.entries(earlier.state)) env[`STATE_${k}`] = v;
  const r = spawnSync(process.execPath, [resolve(ROOT, actionDir, yml.runs.post)], { env, encoding: 'utf8' });
  const lines = (name: string) =>
    r.stdout.split('\n').flatMap((l) => (l.startsWith(`::${name}::`) ? [l.slice(name.length + 4)] : []));
  return {
    exitCode: r.status ?? -1,
    stdout: r.stdout,
    stderr: r.stderr,
    masks: lines('add-mask'),
    errors: lines('error'),
    warnings: lines('warning'),
    notices: lines('notice'),
  };
}
