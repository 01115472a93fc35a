/**
 * Runs a built action as the GitHub runner does: INPUT_* from the step's `with:` plus action.yml's
 * defaults, the GITHUB_OUTPUT / GITHUB_STATE / GITHUB_STEP_SUMMARY files, RUNNER_TEMP, a HOME of its
 * own, then the post step with the saved state as STATE_*. It reads back outputs, state, summary and the
 * workflow commands (masks, errors, warnings) the action printed.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse } from 'yaml';
import { processRunner } from '../../src/exec.js';

export const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');

export interface ActionYml {
  name: string;
  inputs?: Record<string, { description?: string; required?: boolean; default?: string }>;
  outputs?: Record<string, { description?: string }>;
  runs: { using: string; main?: string; post?: string; 'post-if'?: string; steps?: unknown[] };
}

export async function readActionYml(actionDir: string): Promise<ActionYml> {
  return parse(await readFile(join(ROOT, actionDir, 'action.yml'), 'utf8')) as ActionYml;
}

export interface StepResult {
  exitCode: number;
  stdout: string;
  stderr: string;
  /** Values passed to ::add-mask::. */
  masks: string[];
  errors: string[];
  warnings: string[];
  notices: string[];
}

export interface RunResult extends StepResult {
  outputs: Record<string, string>;
  state: Record<string, string>;
  summary: string;
  post?: StepResult;
  /** The temp folder standing in for the runner's: HOME, RUNNER_TEMP and the command files are in it. */
  dir: string;
  env: Record<string, string>;
}

export interface RunOptions {
  inputs?: Record<string, string>;
  env?: Record<string, string | undefined>;
  /** Run the post step too (default: when action.yml declares one). */
  post?: boolean;
  /** Reuse a runner folder (HOME, RUNNER_TEMP) from an earlier run, as later steps of one job do. */
  dir?: string;
}

/** Parses a GITHUB_OUTPUT / GITHUB_STATE file: `name<<DELIM` heredocs and `name=value` lines. */
export function parseCommandFile(text: string): Record<string, string> {
  const out: Record<string, string> = {};
  const lines = text.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!;
    const heredoc = /^([^=<]+)<<(.+)$/.exec(line);
    if (heredoc) {
      const [, name, delimiter] = heredoc;
      const value: string[] = [];
      for (i++; i < lines.length && lines[i] !== delimiter; i++) value.push(lines[i]!);
      out[name!] = value.join('\n');
    } else if (line.includes('=')) {
      out[line.slice(0, line.indexOf('='))] = line.slice(line.indexOf('=') + 1);
    }
  }
  return out;
}

function unescapeData(s: string): string {
  return s.replace(/%0D/g, '\r').replace(/%0A/g, '\n').replace(/%25/g, '%');
}

function commands(stdout: string, name: string): string[] {
  const found: string[] = [];
  for (const line of stdout.split('\n')) {
    const m = new RegExp(`^::${name}(?: [^:]*)?::(.*)$`).exec(line);
    if (m) found.push(unescapeData(m[1]!));
  }
  return found;
}

function stepResult(exitCode: number, stdout: string, stderr: string): StepResult {
  return {
    exitCode,
    stdout,
    stderr,
    masks: commands(stdout, 'add-mask'),
    errors: commands(stdout, 'error'),
    warnings: commands(stdout, 'warning'),
    notices: commands(stdout, 'notice'),
  };
}

/** Runs one step (main or post) of a built action with the given environment. */
export async function runStep(file: string, env: Record<string, string>): Promise<StepResult> {
  const { code, stdout, stderr } = await processRunner.run(process.execPath, [file], { env });
  return stepResult(code, stdout, stderr);
}

/** Starts the main step and hands back the process, for tests that signal it (job cancellation). */
export async function startAction(
  actionDir: string,
  options: RunOptions = {},
): Promise<{
  child: ChildProcess;
  output: () => string;
  done: Promise<StepResult>;
}> {
  const prepared = await prepare(actionDir, options);
  const child = spawn(process.execPath, [prepared.main], {
    env: prepared.env,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout?.on('data', (d: Buffer) => (stdout += d.toString()));
  child.stderr?.on('data', (d: Buffer) => (stderr += d.toString()));
  const done = new Promise<StepResult>((resolvePromise) =>
    child.on('close', (code) => resolvePromise(stepResult(code ?? -1, stdout, stderr))),
  );
  return { child, output: () => stdout, done };
}

async function prepare(actionDir: string, options: RunOptions) {
  const yml = await readActionYml(actionDir);
  if (!yml.runs.using.startsWith('node') || !yml.runs.main)
    throw new Error(`${actionDir} is not a JavaScript action`);
  const declared = yml.inputs ?? {};
  for (const name of Object.keys(options.inputs ?? {})) {
    // The runner only warns; a test should not pass an input the action does not declare.
    if (!(name in declared)) throw new Error(`input '${name}' is not declared in ${actionDir}/action.yml`);
  }
  const dir = options.dir ?? (await mkdtemp(join(tmpdir(), 'shipyard-runner-')));
  const files = {
    GITHUB_OUTPUT: join(dir, `output-${Date.now()}`),
    GITHUB_STATE: join(dir, `state-${Date.now()}`),
    GITHUB_STEP_SUMMARY: join(dir, `summary-${Date.now()}`),
    GITHUB_ENV: join(dir, 'env'),
    GITHUB_PATH: join(dir, 'path'),
  };
  for (const f of Object.values(files)) await writeFile(f, '', { flag: 'a' });
  const env: Record<string, string> = {
    PATH: process.env['PATH'] ?? '',
    HOME: dir,
    RUNNER_TEMP: dir,
    GITHUB_ACTIONS: 'true',
    CI: 'true',
    GITHUB_WORKSPACE: ROOT,
    GITHUB_REPOSITORY: 'octo-org/octo-app',
    GITHUB_RUN_ID: '1',
    AWS_EC2_METADATA_DISABLED: 'true',
    ...files,
  };
  for (const [name, spec] of Object.entries(declared)) {
    const value = options.inputs?.[name] ?? spec.default;
    if (value !== undefined) env[`INPUT_${name.replace(/ /g, '_').toUpperCase()}`] = value;
  }
  for (const [k, v] of Object.entries(options.env ?? {})) {
    if (v === undefined) delete env[k];
    else env[k] = v;
  }
  return { yml, env, dir, files, main: resolve(ROOT, actionDir, yml.runs.main!) };
}

export async function runAction(actionDir: string, options: RunOptions = {}): Promise<RunResult> {
  const { yml, env, dir, files, main: mainFile } = await prepare(actionDir, options);
  const main = await runStep(mainFile, env);
  const state = parseCommandFile(await readFile(files.GITHUB_STATE, 'utf8'));
  const result: RunResult = {
    ...main,
    outputs: parseCommandFile(await readFile(files.GITHUB_OUTPUT, 'utf8')),
    state,
    summary: await readFile(files.GITHUB_STEP_SUMMARY, 'utf8'),
    dir,
    env,
  };
  if (yml.runs.post && options.post !== false) {
    const postEnv: Record<string, string> = { ...env, GITHUB_STATE: `${files.GITHUB_STATE}-post` };
    for (const [k, v] of Object.entries(state)) postEnv[`STATE_${k}`] = v;
    result.post = await runStep(resolve(ROOT, actionDir, yml.runs.post), postEnv);
  }
  return result;
}

/** Every place a run printed or stored text a user could see, without the ::add-mask:: lines themselves. */
export function visibleText(result: RunResult): string {
  const strip = (s: string) =>
    s
      .split('\n')
      .filter((l) => !l.startsWith('::add-mask::'))
      .join('\n');
  return [
    strip(result.stdout),
    result.stderr,
    result.summary,
    strip(result.post?.stdout ?? ''),
    result.post?.stderr ?? '',
  ].join('\n');
}
