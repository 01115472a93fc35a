/**
 * Runs steps as the GitHub runner does, for composite actions and for the jobs of our workflows:
 * `run:` steps through bash with the runner's environment files (GITHUB_OUTPUT, GITHUB_ENV, GITHUB_PATH,
 * GITHUB_STEP_SUMMARY), `uses:` steps of ours (`./x` or `OWNER/ecs-shipyard/x@v1`) through the same
 * harness as the e2e tests (JavaScript actions from their bundles, composite actions recursively, post
 * steps at the end in reverse order), and other actions through stand-ins the test gives.
 *
 * Expressions: contexts (inputs, steps, needs, github, runner, env, vars, secrets, matrix), string and number
 * literals, true/false/null, ==, !=, !, &&, || and parentheses, and the status functions always(),
 * success(), failure() and cancelled(). Anything else throws, so that a workflow using more fails loudly.
 */
import { execFile } from 'node:child_process';
import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseCommandFile, readActionYml, ROOT, runAction, type RunResult } from './runner.js';
import { runPostOnly } from './post.js';

export type StepRecord = { outputs: Record<string, string>; outcome: string; conclusion?: string };

export interface Context {
  inputs: Record<string, string>;
  steps: Record<string, StepRecord>;
  github?: Record<string, unknown>;
  runner?: Record<string, string>;
  env?: Record<string, string>;
  needs?: Record<string, { outputs: Record<string, string>; result: string }>;
  vars?: Record<string, string>;
  secrets?: Record<string, string>;
  matrix?: Record<string, string>;
  /** The job's status so far, for success()/failure(). */
  failed?: boolean;
}

const CONTEXTS = ['inputs', 'steps', 'needs', 'github', 'runner', 'env', 'vars', 'secrets', 'matrix'];

function lookup(path: string, ctx: Context): string {
  const parts = path.split('.');
  if (!CONTEXTS.includes(parts[0]!)) throw new Error(`expression not supported by the test harness: ${path}`);
  let value: unknown = ctx;
  for (const p of parts)
    value = value && typeof value === 'object' ? (value as Record<string, unknown>)[p] : undefined;
  if (value === undefined || value === null) return '';
  return typeof value === 'object' ? JSON.stringify(value) : String(value);
}

const truthy = (v: string) => v !== '' && v !== 'false' && v !== '0' && v !== 'null';

/** Evaluates one expression (without `${{ }}`) to the string the runner would substitute. */
export function evaluate(expression: string, ctx: Context): string {
  const tokens =
    expression.match(/'(?:[^']|'')*'|==|!=|&&|\|\||!|\(|\)|-?\d+(?:\.\d+)?|[A-Za-z_][\w.-]*(?:\(\))?/g) ?? [];
  let i = 0;
  const primary = (): string => {
    const t = tokens[i++];
    if (t === undefined) throw new Error(`incomplete expression: ${expression}`);
    if (t === '(') {
      const v = or();
      if (tokens[i++] !== ')') throw new Error(`missing ) in ${expression}`);
      return v;
    }
    if (t === '!') return String(!truthy(primary()));
    if (t.startsWith("'")) return t.slice(1, -1).replace(/''/g, "'");
    if (/^-?\d/.test(t)) return t;
    if (t === 'true' || t === 'false') return t;
    if (t === 'null') return '';
    if (t === 'always()') return 'true';
    if (t === 'cancelled()') return 'false';
    if (t === 'success()') return String(!ctx.failed);
    if (t === 'failure()') return String(ctx.failed === true);
    return lookup(t, ctx);
  };
  const cmp = (): string => {
    let left = primary();
    while (tokens[i] === '==' || tokens[i] === '!=') {
      const op = tokens[i++];
      const right = primary();
      left = String((left.toLowerCase() === right.toLowerCase()) === (op === '=='));
    }
    return left;
  };
  const and = (): string => {
    let left = cmp();
    while (tokens[i] === '&&') {
      i++;
      const right = cmp();
      left = truthy(left) ? right : left;
    }
    return left;
  };
  const or = (): string => {
    let left = and();
    while (tokens[i] === '||') {
      i++;
      const right = and();
      left = truthy(left) ? left : right;
    }
    return left;
  };
  const value = or();
  if (i !== tokens.length) throw new Error(`expression not supported by the test harness: ${expression}`);
  return value;
}

export const interpolate = (text: string, ctx: Context) =>
  text.replace(/\$\{\{(.*?)\}\}/g, (_, e: string) => evaluate(e, ctx));

/** An `if:` as the runner reads it: `${{ }}` optional, and success() implied unless a status function is used. */
export function condition(text: string | boolean | undefined, ctx: Context): boolean {
  if (text === undefined) return !ctx.failed;
  const expression = String(text)
    .trim()
    .replace(/^\$\{\{([\s\S]*)\}\}$/, '$1');
  const usesStatus = /\b(always|success|failure|cancelled)\(\)/.test(expression);
  const result = truthy(evaluate(expression, ctx));
  return usesStatus ? result : result && !ctx.failed;
}

export interface Step {
  id?: string;
  name?: string;
  if?: string | boolean;
  uses?: string;
  with?: Record<string, string | number | boolean>;
  run?: string;
  shell?: string;
  env?: Record<string, string>;
  'working-directory'?: string;
  'continue-on-error'?: boolean;
}

/** A stand-in for an action from another repository: gets its `with:` and the step env, gives outputs. */
export type Stub = (
  inputs: Record<string, string>,
  env: Record<string, string>,
) => Promise<Record<string, string>> | Record<string, string>;

export interface StepsOptions {
  /** Environment of the job: PATH, AWS_* and so on. */
  env?: Record<string, string>;
  /** The runner folder: HOME, RUNNER_TEMP and the command files (one is made when absent). */
  dir?: string;
  /** The workspace (GITHUB_WORKSPACE, the working directory of run steps); default the repository root. */
  workspace?: string;
  /** Stand-ins for other repositories' actions, by `owner/repo[/path]` without the ref. */
  stubs?: Record<string, Stub>;
}

export interface StepsResult {
  steps: Record<string, StepRecord>;
  stdout: string;
  failed: boolean;
  /** Every ::error:: and ::warning:: line printed by any step. */
  errors: string[];
  warnings: string[];
  summary: string;
}

/** `OWNER/ecs-shipyard/x@v1` or `./x` → the folder in this repository, else undefined. */
export function ourAction(uses: string): string | undefined {
  const ours = /^OWNER\/ecs-shipyard(?:\/([^@]+))?@v\d+$/.exec(uses);
  if (ours) return ours[1] ?? '.';
  if (uses.startsWith('./')) return uses.slice(2).replace(/\/$/, '') || '.';
  return undefined;
}

const bashRun = (script: string, env: Record<string, string>, cwd: string) =>
  new Promise<{ code: number; stdout: string; stderr: string }>((resolve) => {
    // Asynchronous: the simulator these steps call may live in this very process.
    const child = execFile(
      'bash',
      ['--noprofile', '--norc', '-eo', 'pipefail', '-c', script],
      { env, cwd, maxBuffer: 64 << 20 },
      (error, stdout, stderr) =>
        resolve({ code: error ? Number((error as { code?: number }).code ?? 1) : 0, stdout, stderr }),
    );
    // Steps get no standard input, as on the runner.
    child.stdin?.end();
  });

const commandLines = (stdout: string, kind: string) =>
  stdout
    .split('\n')
    .map((l) => new RegExp(`^::${kind}(?: [^:]*)?::(.*)$`).exec(l)?.[1])
    .filter((l): l is string => l !== undefined)
    .map((l) => l.replace(/%0A/g, '\n').replace(/%0D/g, '\r').replace(/%25/g, '%'));

/** Runs a list of steps in one job; `ctx` is updated in place (steps, env from GITHUB_ENV). */
export async function runSteps(
  list: readonly Step[],
  ctx: Context,
  options: StepsOptions & { actionPath?: string },
): Promise<StepsResult> {
  const dir = options.dir ?? (await mkdtemp(join(tmpdir(), 'shipyard-job-')));
  const workspace = options.workspace ?? ROOT;
  const result: StepsResult = {
    steps: ctx.steps,
    stdout: '',
    failed: false,
    errors: [],
    warnings: [],
    summary: '',
  };
  const posts: { dir: string; run: RunResult }[] = [];
  const summaryFile = join(dir, 'summary');
  const envFile = join(dir, 'github-env');
  const pathFile = join(dir, 'github-path');
  for (const f of [summaryFile, envFile, pathFile]) await writeFile(f, '', { flag: 'a' });
  ctx.runner = { temp: dir, os: 'Linux', arch: 'X64', ...ctx.runner };
  let n = 0;
  for (const step of list) {
    ctx.failed = result.failed;
    if (!condition(step.if, ctx)) {
      if (step.id) ctx.steps[step.id] = { outputs: {}, outcome: 'skipped', conclusion: 'skipped' };
      continue;
    }
    const extraPath = (await readFile(pathFile, 'utf8')).split('\n').filter(Boolean).reverse();
    const env: Record<string, string> = {
      PATH: [...extraPath, options.env?.['PATH'] ?? process.env['PATH'] ?? ''].join(':'),
      HOME: dir,
      RUNNER_TEMP: dir,
      GITHUB_ACTIONS: 'true',
      CI: 'true',
      GITHUB_WORKSPACE: workspace,
      GITHUB_STEP_SUMMARY: summaryFile,
      GITHUB_ENV: envFile,
      GITHUB_PATH: pathFile,
      AWS_EC2_METADATA_DISABLED: 'true',
      ...options.env,
      ...ctx.env,
    };
    // Folders added through GITHUB_PATH come first, as the runner puts them.
    env['PATH'] = [...extraPath, options.env?.['PATH'] ?? process.env['PATH'] ?? ''].join(':');
    for (const [k, v] of Object.entries(step.env ?? {})) env[k] = interpolate(String(v), ctx);
    let outputs: Record<string, string> = {};
    let code: number;
    let stdout: string;
    if (step.run !== undefined) {
      const output = join(dir, `output-${++n}`);
      await writeFile(output, '');
      if (options.actionPath) env['GITHUB_ACTION_PATH'] = options.actionPath;
      env['GITHUB_OUTPUT'] = output;
      env['GITHUB_STATE'] = join(dir, `state-${n}`);
      await writeFile(env['GITHUB_STATE'], '');
      const cwd = step['working-directory']
        ? join(workspace, interpolate(step['working-directory'], ctx))
        : workspace;
      const r = await bashRun(step.run, env, cwd);
      code = r.code;
      stdout = r.stdout + r.stderr;
      outputs = parseCommandFile(await readFile(output, 'utf8'));
    } else if (step.uses) {
      const inputs = Object.fromEntries(
        Object.entries(step.with ?? {}).map(([k, v]) => [k, interpolate(String(v), ctx)]),
      );
      const local = ourAction(step.uses);
      if (local === undefined) {
        const name = step.uses.replace(/@.*$/, '');
        const stub = options.stubs?.[name];
        if (!stub) throw new Error(`no stand-in given for ${name}`);
        try {
          outputs = await stub(inputs, env);
          code = 0;
          stdout = `[stand-in ${name}]\n`;
        } catch (e) {
          code = 1;
          stdout = `::error::${(e as Error).message}\n`;
        }
      } else {
        const yml = await readActionYml(local);
        if (yml.runs.using === 'composite') {
          const inner = await runComposite(local, {
            inputs,
            env,
            dir,
            workspace,
            stubs: options.stubs ?? {},
          });
          code = inner.exitCode;
          stdout = inner.stdout;
          outputs = inner.outputs;
        } else {
          const run = await runAction(local, { inputs, env, dir, post: false });
          code = run.exitCode;
          stdout = run.stdout + run.stderr;
          outputs = run.outputs;
          result.summary += run.summary;
          if (yml.runs.post) posts.push({ dir: local, run });
        }
      }
    } else {
      throw new Error(`step ${step.id ?? step.name ?? n} has neither run nor uses`);
    }
    result.stdout += stdout;
    result.errors.push(...commandLines(stdout, 'error'));
    result.warnings.push(...commandLines(stdout, 'warning'));
    const outcome = code === 0 ? 'success' : 'failure';
    const conclusion = code !== 0 && step['continue-on-error'] ? 'success' : outcome;
    if (step.id) ctx.steps[step.id] = { outputs, outcome, conclusion };
    if (conclusion === 'failure') result.failed = true;
    // GITHUB_ENV lines become env for the later steps, as the runner does.
    ctx.env = { ...ctx.env, ...parseCommandFile(await readFile(envFile, 'utf8')) };
  }
  for (const post of posts.reverse()) {
    const r = await runPostOnly(post.dir, post.run);
    result.stdout += r.stdout;
  }
  result.summary += await readFile(summaryFile, 'utf8');
  return result;
}

export interface CompositeResult {
  outputs: Record<string, string>;
  steps: Context['steps'];
  stdout: string;
  exitCode: number;
  errors: string[];
  warnings: string[];
  summary: string;
}

/** Runs a composite action of this repository with the given inputs (defaults from its action.yml). */
export async function runComposite(
  actionDir: string,
  options: StepsOptions & { inputs?: Record<string, string>; github?: Record<string, unknown> },
): Promise<CompositeResult> {
  const yml = (await readActionYml(actionDir)) as unknown as {
    inputs: Record<string, { default?: string; required?: boolean }>;
    outputs: Record<string, { value: string }>;
    runs: { steps: Step[] };
  };
  for (const name of Object.keys(options.inputs ?? {})) {
    if (!(name in yml.inputs)) throw new Error(`input '${name}' is not declared in ${actionDir}/action.yml`);
  }
  const github = { sha: '0123456789abcdef0123456789abcdef01234567', ...options.github };
  const base: Context = { inputs: {}, steps: {}, github };
  for (const [name, spec] of Object.entries(yml.inputs)) {
    base.inputs[name] = options.inputs?.[name] ?? interpolate(spec.default ?? '', base);
  }
  // A composite's steps see their own steps context; env and runner come from the job.
  const r = await runSteps(yml.runs.steps, base, { ...options, actionPath: join(ROOT, actionDir) });
  const outputs: Record<string, string> = {};
  if (!r.failed)
    for (const [name, o] of Object.entries(yml.outputs ?? {})) outputs[name] = interpolate(o.value, base);
  return {
    outputs,
    steps: r.steps,
    stdout: r.stdout,
    exitCode: r.failed ? 1 : 0,
    errors: r.errors,
    warnings: r.warnings,
    summary: r.summary,
  };
}

export interface JobResult extends StepsResult {
  /** The job's `outputs:`, evaluated after its steps. */
  outputs: Record<string, string>;
  /** false when the job's `if:` skipped it. */
  ran: boolean;
}

/**
 * Runs one job of a workflow of this repository, as a `workflow_call` would: the inputs given plus the
 * declared defaults, the results of the jobs it needs, and the github context.
 */
export async function runJob(
  workflowFile: string,
  jobName: string,
  options: StepsOptions & {
    inputs?: Record<string, string | boolean | number>;
    needs?: Context['needs'];
    github?: Record<string, unknown>;
  },
): Promise<JobResult> {
  const { parse } = await import('yaml');
  const doc = parse(await readFile(join(ROOT, workflowFile), 'utf8')) as {
    on: { workflow_call?: { inputs?: Record<string, { default?: unknown }> } };
    jobs: Record<string, { if?: string; steps: Step[]; outputs?: Record<string, string> }>;
  };
  const declared = doc.on.workflow_call?.inputs ?? {};
  for (const name of Object.keys(options.inputs ?? {})) {
    if (!(name in declared)) throw new Error(`input '${name}' is not declared in ${workflowFile}`);
  }
  const inputs: Record<string, string> = {};
  for (const [name, spec] of Object.entries(declared)) {
    const value = options.inputs?.[name] ?? spec.default;
    inputs[name] = value === undefined ? '' : String(value);
  }
  const job = doc.jobs[jobName];
  if (!job) throw new Error(`${workflowFile} has no job ${jobName}`);
  const ctx: Context = {
    inputs,
    steps: {},
    needs: options.needs ?? {},
    github: {
      sha: '0123456789abcdef0123456789abcdef01234567',
      run_id: '4242',
      repository: 'octo-org/octo-app',
      ...options.github,
    },
  };
  if (job.if !== undefined && !condition(job.if, ctx)) {
    return {
      steps: {},
      stdout: '',
      failed: false,
      errors: [],
      warnings: [],
      summary: '',
      outputs: {},
      ran: false,
    };
  }
  const result = await runSteps(job.steps, ctx, options);
  const outputs: Record<string, string> = {};
  for (const [name, value] of Object.entries(job.outputs ?? {})) outputs[name] = interpolate(value, ctx);
  return { ...result, outputs, ran: true };
}
