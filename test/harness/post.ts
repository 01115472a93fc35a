/** Runs only the post step of an earlier run, with that run's saved state, as the runner does at job end. */
import { resolve } from 'node:path';
import { type RunResult, type StepResult, readActionYml, ROOT, runStep } from './runner.js';

export async function runPostOnly(actionDir: string, earlier: RunResult): Promise<StepResult> {
  const yml = await readActionYml(actionDir);
  if (!yml.runs.post) throw new Error(`${actionDir} has no post step`);
  const env: Record<string, string> = { ...earlier.env };
  for (const [k, v] of Object.entries(earlier.state)) env[`STATE_${k}`] = v;
  return runStep(resolve(ROOT, actionDir, yml.runs.post), env);
}
