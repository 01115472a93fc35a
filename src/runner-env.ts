/**
 * What the GitHub runner's environment tells the core: where the workspace is and which run this is.
 * Plain reads of an Env (tests pass their own), so plans stay pure and the CLI works outside a runner.
 */
import { isAbsolute, join } from 'node:path';

type Env = Readonly<Record<string, string | undefined>>;

/** The workspace relative paths are read from: GITHUB_WORKSPACE, else the current directory. */
export function workspaceOf(env: Env): string {
  return env['GITHUB_WORKSPACE'] || process.cwd();
}

/** A path input resolved against the workspace (absolute paths are kept). */
export function inWorkspace(env: Env, path: string): string {
  return isAbsolute(path) ? path : join(workspaceOf(env), path);
}

/** The URL of this workflow run, when the runner says which one it is. */
export function runUrl(env: Env): string | undefined {
  const repo = env['GITHUB_REPOSITORY'];
  const run = env['GITHUB_RUN_ID'];
  return repo && run
    ? `${env['GITHUB_SERVER_URL'] || 'https://github.com'}/${repo}/actions/runs/${run}`
    : undefined;
}

/** This run and attempt, as one token (a rerun of the same run is another attempt). */
export function runAttempt(env: Env): string | undefined {
  const run = env['GITHUB_RUN_ID'];
  return run ? `${run}-${env['GITHUB_RUN_ATTEMPT'] || '1'}` : undefined;
}
