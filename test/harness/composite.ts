/**
 * Runs a composite action as the runner does, for the expression forms ecs-shipyard's composites use:
 * `inputs.x`, `steps.id.outputs.x`, string literals, ==, !=, &&, || and parentheses. Each `run:` step
 * runs with bash, GITHUB_ACTION_PATH set to the action's folder and a GITHUB_OUTPUT file of its own.
 */
import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { processRunner } from '../../src/exec.js';
import { parseCommandFile, readActionYml, ROOT } from './runner.js';

type Context = {
  inputs: Record<string, string>;
  steps: Record<string, { outputs: Record<string, string>; outcome: string }>;
};

export function evaluate(expression: string, ctx: Context): string {
  const tokens = expression.match(/'(?:[^']|'')*'|==|!=|&&|\|\||\(|\)|[A-Za-z_][\w.-]*/g) ?? [];
  let i = 0;
  const value = (name: string): string => {
    const parts = name.split('.');
    if (parts[0] === 'inputs') return ctx.inputs[parts[1]!] ?? '';
    if (parts[0] === 'steps') return ctx.steps[parts[1]!]?.outputs[parts[3]!] ?? '';
    if (name === 'true' || name === 'false') return name;
    throw new Error(`expression not supported by the test harness: ${name}`);
  };
  const primary = (): string => {
    const t = tokens[i++]!;
    if (t === '(') {
      const v = or();
      i++;
      return v;
    }
    if (t.startsWith("'")) return t.slice(1, -1).replace(/''/g, "'");
    return value(t);
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
  const truthy = (v: string) => v !== '' && v !== 'false';
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
  return or();
}

const interpolate = (text: string, ctx: Context) =>
  text.replace(/\$\{\{(.*?)\}\}/g, (_, e: string) => evaluate(e, ctx));

export interface CompositeResult {
  outputs: Record<string, string>;
  steps: Context['steps'];
  stdout: string;
  exitCode: number;
}

export async function runComposite(
  actionDir: string,
  options: { inputs?: Record<string, string>; env?: Record<string, string> },
): Promise<CompositeResult> {
  const yml = (await readActionYml(actionDir)) as unknown as {
    inputs: Record<string, { default?: string; required?: boolean }>;
    outputs: Record<string, { value: string }>;
    runs: { steps: { id?: string; if?: string; shell: string; env?: Record<string, string>; run: string }[] };
  };
  const inputs: Record<string, string> = {};
  for (const [name, spec] of Object.entries(yml.inputs))
    inputs[name] = options.inputs?.[name] ?? spec.default ?? '';
  const ctx: Context = { inputs, steps: {} };
  const dir = await mkdtemp(join(tmpdir(), 'composite-'));
  let stdout = '';
  let n = 0;
  for (const step of yml.runs.steps) {
    const condition = step.if ? evaluate(step.if.replace(/^\$\{\{|\}\}$/g, ''), ctx) : 'true';
    if (condition === '' || condition === 'false') {
      if (step.id) ctx.steps[step.id] = { outputs: {}, outcome: 'skipped' };
      continue;
    }
    const output = join(dir, `output-${++n}`);
    await writeFile(output, '');
    await writeFile(join(dir, `state-${n}`), '');
    await writeFile(join(dir, 'summary'), '', { flag: 'a' });
    const env: Record<string, string> = {
      PATH: process.env['PATH'] ?? '',
      HOME: dir,
      GITHUB_ACTION_PATH: join(ROOT, actionDir),
      GITHUB_OUTPUT: output,
      GITHUB_STATE: join(dir, `state-${n}`),
      GITHUB_STEP_SUMMARY: join(dir, 'summary'),
      ...options.env,
    };
    for (const [k, v] of Object.entries(step.env ?? {})) env[k] = interpolate(v, ctx);
    // Asynchronous: the simulator these steps call may live in this very process.
    const r = await processRunner.run('bash', ['-e', '-c', step.run], { env });
    stdout += r.stdout;
    const outcome = r.code === 0 ? 'success' : 'failure';
    if (step.id) ctx.steps[step.id] = { outputs: parseCommandFile(await readFile(output, 'utf8')), outcome };
    if (r.code !== 0) return { outputs: {}, steps: ctx.steps, stdout: stdout + r.stderr, exitCode: r.code };
  }
  const outputs: Record<string, string> = {};
  for (const [name, o] of Object.entries(yml.outputs)) outputs[name] = interpolate(o.value, ctx);
  return { outputs, steps: ctx.steps, stdout, exitCode: 0 };
}
