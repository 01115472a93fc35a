// The wiring of every workflow, starter template and composite action, read as the runner reads it:
// schema-valid; each `uses:` of ours names an action or workflow that exists, with inputs it declares and its
// required inputs given; each steps/needs/jobs/inputs reference names something that exists; other
// repositories' actions pinned by commit SHA with the version beside it; least permissions; time limits.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { describe, expect, test } from '@jest/globals';
import { parse } from 'yaml';
import { ourAction } from '../harness/composite.js';
import { ROOT } from '../harness/runner.js';

const require = createRequire(import.meta.url);
const validator = require('@action-validator/core') as {
  validateAction(src: string): { errors: unknown[] };
  validateWorkflow(src: string): { errors: unknown[] };
};

type Obj = Record<string, unknown>;
interface Step {
  id?: string;
  uses?: string;
  run?: string;
  with?: Obj;
  env?: Obj;
  if?: unknown;
}
interface Job {
  uses?: string;
  with?: Obj;
  secrets?: unknown;
  steps?: Step[];
  needs?: string | string[];
  outputs?: Record<string, string>;
  permissions?: Record<string, string> | string;
  'timeout-minutes'?: unknown;
  if?: unknown;
  concurrency?: { group: string; 'cancel-in-progress'?: boolean };
}
interface InputSpec {
  description?: string;
  required?: boolean;
  default?: unknown;
  type?: string;
}
interface Workflow {
  on: Obj;
  permissions?: unknown;
  jobs: Record<string, Job>;
}
interface ActionYml {
  inputs?: Record<string, InputSpec>;
  outputs?: Record<string, { value?: string }>;
  runs: { using: string; steps?: Step[] };
}

const read = (file: string) => readFileSync(join(ROOT, file), 'utf8');
const ymlIn = (dir: string) =>
  existsSync(join(ROOT, dir))
    ? readdirSync(join(ROOT, dir))
        .filter((f) => f.endsWith('.yml'))
        .map((f) => `${dir}/${f}`)
    : [];
const WORKFLOWS = ymlIn('.github/workflows');
const TEMPLATES = ymlIn('workflows-templates');
const ACTIONS = [
  'action.yml',
  ...readdirSync(ROOT)
    .filter((d) => existsSync(join(ROOT, d, 'action.yml')))
    .map((d) => `${d}/action.yml`),
];
const COMPOSITES = ACTIONS.filter((f) => (parse(read(f)) as ActionYml).runs.using === 'composite');
const REUSABLE = WORKFLOWS.filter((f) => 'workflow_call' in ((parse(read(f)) as Workflow).on ?? {}));

const actionYml = (dir: string) => parse(read(dir === '.' ? 'action.yml' : `${dir}/action.yml`)) as ActionYml;

/** Outputs of actions from other repositories that our files read (checked against their action.yml). */
const THIRD_PARTY_OUTPUTS: Record<string, string[]> = {
  'aws-actions/configure-aws-credentials': ['aws-account-id', 'aws-access-key-id'],
  'hashicorp/setup-packer': ['version'],
};

/** Dynamic outputs (per registry) of ecr-login. */
const DYNAMIC_OUTPUT_PREFIXES = ['docker_username_', 'docker_password_'];

/** Whether a step can set an output; `base` is the folder of a composite (for the scripts it runs). */
function outputsOfStep(step: Step, base = ''): ((name: string) => boolean) | undefined {
  if (step.run !== undefined) {
    // A run step that runs one of our bundles has that action's outputs; one that runs a script of the
    // composite, what the script writes; otherwise what the inline script writes to GITHUB_OUTPUT.
    const bundle = /dist\/([a-z0-9-]+)\/index\.js/.exec(step.run)?.[1];
    if (bundle) return (name) => name in (actionYml(bundle).outputs ?? {});
    const script = /GITHUB_ACTION_PATH\/([\w.-]+\.sh)/.exec(step.run)?.[1];
    const text = script ? read(`${base}${script}`) : step.run;
    return (name) => new RegExp(`(^|[\\s"'])${name.replace(/-/g, '\\-')}=`, 'm').test(text);
  }
  if (!step.uses) return undefined;
  const ours = ourAction(step.uses);
  if (ours !== undefined) {
    const declared = Object.keys(actionYml(ours).outputs ?? {});
    return (name) => declared.includes(name) || DYNAMIC_OUTPUT_PREFIXES.some((p) => name.startsWith(p));
  }
  const known = THIRD_PARTY_OUTPUTS[step.uses.replace(/@.*$/, '')];
  return known ? (name) => known.includes(name) : undefined;
}

/** Every `${{ }}` expression in a value, and `if:` values, which may omit the braces. */
function expressions(value: unknown, isIf = false): string[] {
  if (typeof value === 'string') {
    const found = [...value.matchAll(/\$\{\{([\s\S]*?)\}\}/g)].map((m) => m[1]!);
    return found.length === 0 && isIf ? [value] : found;
  }
  if (typeof value === 'boolean' || typeof value === 'number' || value == null) return [];
  if (Array.isArray(value)) return value.flatMap((v) => expressions(v));
  return Object.entries(value as Obj).flatMap(([k, v]) => expressions(v, k === 'if'));
}

const refs = (exprs: string[], pattern: RegExp) => exprs.flatMap((e) => [...e.matchAll(pattern)]);

/** Checks the references inside one list of steps (a job's or a composite's). */
function checkSteps(where: string, steps: Step[], inputs: string[], problems: string[], base = '') {
  steps.forEach((step, index) => {
    const exprs = expressions(step);
    for (const m of refs(exprs, /\bsteps\.([\w-]+)\.(outputs\.([\w-]+)|outcome|conclusion)/g)) {
      const target = steps.findIndex((s) => s.id === m[1]);
      if (target < 0) problems.push(`${where}: step ${index + 1} reads steps.${m[1]}, which is no step id`);
      else if (target >= index)
        problems.push(`${where}: step ${index + 1} reads steps.${m[1]} before that step ran`);
      else if (m[3]) {
        const has = outputsOfStep(steps[target]!, base);
        if (!has) problems.push(`${where}: no list of the outputs of ${steps[target]!.uses}`);
        else if (!has(m[3])) problems.push(`${where}: steps.${m[1]} has no output ${m[3]}`);
      }
    }
    for (const m of refs(exprs, /\binputs\.([\w-]+)/g)) {
      if (!inputs.includes(m[1]!))
        problems.push(`${where}: step ${index + 1} reads inputs.${m[1]}, which is not declared`);
    }
  });
}

/** Checks `with:` against the inputs the action or workflow declares. */
function checkWith(
  where: string,
  given: Obj | undefined,
  declared: Record<string, InputSpec>,
  problems: string[],
) {
  for (const name of Object.keys(given ?? {})) {
    if (!(name in declared)) problems.push(`${where}: input ${name} is not declared`);
  }
  for (const [name, spec] of Object.entries(declared)) {
    if (spec.required && spec.default === undefined && !(name in (given ?? {}))) {
      problems.push(`${where}: required input ${name} is not given`);
    }
    const value = given?.[name];
    if (spec.type && value !== undefined && !(typeof value === 'string' && value.includes('${{'))) {
      const ok = spec.type === 'string' ? typeof value === 'string' : typeof value === spec.type;
      if (!ok) problems.push(`${where}: input ${name} is ${spec.type}, given ${JSON.stringify(value)}`);
    }
  }
}

function checkOurUses(where: string, step: Step, problems: string[]) {
  const dir = ourAction(step.uses!);
  if (dir === undefined) return;
  if (!existsSync(join(ROOT, dir, 'action.yml'))) {
    problems.push(`${where}: ${step.uses} names no action of this repository`);
    return;
  }
  checkWith(`${where} (${step.uses})`, step.with, actionYml(dir).inputs ?? {}, problems);
}

function calledWorkflow(uses: string): string | undefined {
  const m = /^(?:OWNER\/ecs-shipyard\/|\.\/)(\.github\/workflows\/[\w.-]+\.yml)(?:@v\d+)?$/.exec(uses);
  return m?.[1];
}

describe.each([...WORKFLOWS, ...TEMPLATES].map((f) => [f]))('%s', (file) => {
  const text = read(file);
  const doc = parse(text) as Workflow;

  test('is valid against the workflow schema', () => {
    expect(validator.validateWorkflow(text).errors).toEqual([]);
  });

  test('every reference names an input, step, job or output that exists', () => {
    const problems: string[] = [];
    const triggers = doc.on as Record<string, { inputs?: Record<string, InputSpec>; outputs?: Obj } | null>;
    const inputs = [
      ...Object.keys(triggers['workflow_call']?.inputs ?? {}),
      ...Object.keys(triggers['workflow_dispatch']?.inputs ?? {}),
    ];
    for (const [name, job] of Object.entries(doc.jobs)) {
      const needs = typeof job.needs === 'string' ? [job.needs] : (job.needs ?? []);
      const exprs = expressions(job);
      for (const m of refs(exprs, /\bneeds\.([\w-]+)\.(outputs\.([\w-]+)|result)/g)) {
        if (!needs.includes(m[1]!)) problems.push(`job ${name} reads needs.${m[1]} without needing it`);
        else if (m[3] && !(m[3] in (doc.jobs[m[1]!]?.outputs ?? {})))
          problems.push(`job ${name} reads needs.${m[1]}.outputs.${m[3]}, which that job does not declare`);
      }
      for (const n of needs) if (!(n in doc.jobs)) problems.push(`job ${name} needs ${n}, which is no job`);
      if (job.steps) {
        checkSteps(`job ${name}`, job.steps, inputs, problems);
        for (const [output, value] of Object.entries(job.outputs ?? {})) {
          for (const m of refs(expressions(value), /\bsteps\.([\w-]+)\.outputs\.([\w-]+)/g)) {
            const step = job.steps.find((s) => s.id === m[1]);
            if (!step) problems.push(`job ${name} output ${output} reads steps.${m[1]}, which is no step id`);
            else if (!outputsOfStep(step)?.(m[2]!))
              problems.push(`job ${name} output ${output}: steps.${m[1]} has no output ${m[2]}`);
          }
        }
        job.steps.forEach((s, i) => s.uses && checkOurUses(`job ${name} step ${i + 1}`, s, problems));
      }
      for (const m of refs(exprs, /\binputs\.([\w-]+)/g)) {
        if (!inputs.includes(m[1]!)) problems.push(`job ${name} reads inputs.${m[1]}, which is not declared`);
      }
      if (job.uses) {
        const called = calledWorkflow(job.uses);
        if (called) {
          if (!existsSync(join(ROOT, called)))
            problems.push(`job ${name}: ${job.uses} names no workflow here`);
          else {
            const target = parse(read(called)) as Workflow;
            const call = (target.on as Obj)['workflow_call'] as
              { inputs?: Record<string, InputSpec> } | undefined;
            if (!call) problems.push(`job ${name}: ${called} has no workflow_call trigger`);
            else checkWith(`job ${name} (${called})`, job.with, call.inputs ?? {}, problems);
          }
        }
      }
    }
    for (const [output, spec] of Object.entries(triggers['workflow_call']?.outputs ?? {})) {
      for (const m of refs(expressions(spec), /\bjobs\.([\w-]+)\.outputs\.([\w-]+)/g)) {
        if (!(m[2]! in (doc.jobs[m[1]!]?.outputs ?? {})))
          problems.push(
            `workflow output ${output} reads jobs.${m[1]}.outputs.${m[2]}, which is not declared`,
          );
      }
    }
    expect(problems).toEqual([]);
  });

  test('permissions: none at the top, and each job only what its steps use', () => {
    const problems: string[] = [];
    if (doc.permissions === undefined) problems.push('no top-level permissions');
    const top = doc.permissions;
    if (typeof top === 'string') problems.push(`top-level permissions ${top}`);
    else if (!file.endsWith('ci.yml') && Object.keys(top ?? {}).length > 0)
      problems.push(
        `top-level permissions ${JSON.stringify(top)}: reusable workflows and templates grant per job`,
      );
    for (const [name, job] of Object.entries(doc.jobs)) {
      const granted =
        (typeof job.permissions === 'object' ? job.permissions : undefined) ??
        (typeof top === 'object' ? (top as Record<string, string>) : {});
      if (typeof job.permissions === 'string') problems.push(`job ${name}: permissions ${job.permissions}`);
      const needed = neededPermissions(job);
      for (const [scope, level] of Object.entries(granted)) {
        if (level !== 'none' && !needed[scope])
          problems.push(`job ${name} is granted ${scope}: ${level} and uses nothing that needs it`);
        else if (level === 'write' && needed[scope] !== 'write')
          problems.push(`job ${name} is granted ${scope}: write, but only reads`);
      }
      for (const [scope, level] of Object.entries(needed)) {
        if (granted[scope] !== level && !(level === 'read' && granted[scope] === 'write'))
          problems.push(`job ${name} needs ${scope}: ${level}, which it is not granted`);
      }
    }
    expect(problems).toEqual([]);
  });

  test('every job that runs steps has a time limit', () => {
    for (const [name, job] of Object.entries(doc.jobs)) {
      if (job.steps) expect([name, job['timeout-minutes'] !== undefined]).toEqual([name, true]);
    }
  });
});

/** What a job's steps (or the workflow it calls) need from GITHUB_TOKEN. */
function neededPermissions(job: Job): Record<string, string> {
  const needed: Record<string, string> = {};
  const need = (scope: string, level: string) => {
    if (needed[scope] !== 'write') needed[scope] = level;
  };
  if (job.uses) {
    const called = calledWorkflow(job.uses);
    if (called && existsSync(join(ROOT, called))) {
      // A called workflow's jobs get at most what the caller grants: grant the union of what they need.
      for (const inner of Object.values((parse(read(called)) as Workflow).jobs)) {
        for (const [scope, level] of Object.entries(neededPermissions(inner))) need(scope, level);
      }
    }
    return needed;
  }
  for (const step of job.steps ?? []) {
    const uses = step.uses?.replace(/@.*$/, '') ?? '';
    if (uses === 'actions/checkout') need('contents', 'read');
    if (uses === 'aws-actions/configure-aws-credentials') need('id-token', 'write');
    if (uses === 'github/codeql-action/upload-sarif') need('security-events', 'write');
    // verify-task-definition's pull-request comment.
    if (
      uses === 'OWNER/ecs-shipyard/verify-task-definition' &&
      String(step.with?.['comment'] ?? 'false') !== 'false'
    )
      need('pull-requests', 'write');
  }
  return needed;
}

describe.each(REUSABLE.map((f) => [f]))('%s (reusable)', (file) => {
  const doc = parse(read(file)) as Workflow;
  const call = (doc.on as Obj)['workflow_call'] as { inputs: Record<string, InputSpec>; outputs?: Obj };

  test('every input is typed and described, and optional inputs have a default', () => {
    for (const [name, spec] of Object.entries(call.inputs)) {
      expect([name, ['string', 'boolean', 'number'].includes(spec.type ?? '')]).toEqual([name, true]);
      expect([name, (spec.description ?? '').length > 10]).toEqual([name, true]);
      expect([name, spec.required === true || spec.default !== undefined]).toEqual([name, true]);
    }
  });

  test('outputs are passed up from its jobs', () => {
    for (const [name, spec] of Object.entries(call.outputs ?? {})) {
      expect([name, /jobs\.[\w-]+\.outputs\./.test(JSON.stringify(spec))]).toEqual([name, true]);
    }
  });

  test('a deploying job queues per target and never cancels a deployment mid-way', () => {
    for (const [name, job] of Object.entries(doc.jobs)) {
      if (!job.steps?.some((s) => s.uses === 'OWNER/ecs-shipyard@v1')) continue;
      expect([name, job.concurrency?.['cancel-in-progress']]).toEqual([name, false]);
      expect(job.concurrency?.group).toMatch(/inputs\.cluster.*inputs\.service/);
    }
  });
});

describe.each(COMPOSITES.map((f) => [f]))('%s (composite)', (file) => {
  const text = read(file);
  const doc = parse(text) as ActionYml;

  test('is valid against the action schema', () => {
    expect(validator.validateAction(text).errors).toEqual([]);
  });

  test('every reference names an input, step or output that exists, and outputs come from steps', () => {
    const problems: string[] = [];
    const steps = doc.runs.steps ?? [];
    const base = file.replace(/action\.yml$/, '');
    checkSteps(file, steps, Object.keys(doc.inputs ?? {}), problems, base);
    steps.forEach((s, i) => s.uses && checkOurUses(`${file} step ${i + 1}`, s, problems));
    for (const [name, output] of Object.entries(doc.outputs ?? {})) {
      const m = /^\$\{\{ steps\.([\w-]+)\.outputs\.([\w-]+) \}\}$/.exec(output.value ?? '');
      const step = steps.find((s) => s.id === m?.[1]);
      if (!m || !step) problems.push(`output ${name} is not a step's output`);
      else if (!outputsOfStep(step, base)?.(m[2]!))
        problems.push(`output ${name}: steps.${m[1]} has no output ${m[2]}`);
    }
    expect(problems).toEqual([]);
  });
});

describe.each(ACTIONS.filter((f) => !COMPOSITES.includes(f)).map((f) => [f]))('%s (JavaScript)', (file) => {
  test('is valid against the action schema (node24 read as node20, which the schema predates)', () => {
    const text = read(file).replace(/^(\s+using:\s*)node24\s*$/m, '$1node20');
    expect(validator.validateAction(text).errors).toEqual([]);
  });
});

test('other repositories are pinned by commit SHA with the version in a comment, the same SHA everywhere', () => {
  const pins = new Map<string, Set<string>>();
  const problems: string[] = [];
  for (const file of [...WORKFLOWS, ...TEMPLATES, ...ACTIONS]) {
    for (const line of read(file).split('\n')) {
      const m = /^\s*(?:-\s+)?uses:\s*(\S+)(.*)$/.exec(line);
      if (!m || ourAction(m[1]!) !== undefined || calledWorkflow(m[1]!)) continue;
      const [name, ref] = m[1]!.split('@');
      if (!/^[0-9a-f]{40}$/.test(ref ?? '')) problems.push(`${file}: ${m[1]} is not pinned by commit SHA`);
      const version = /#\s*(v\d+(\.\d+)*)\s*$/.exec(m[2] ?? '')?.[1];
      if (!version) problems.push(`${file}: ${m[1]} has no # vX.Y.Z comment`);
      pins.set(name!, new Set([...(pins.get(name!) ?? []), `${ref} ${version}`]));
    }
  }
  for (const [name, refs] of pins)
    if (refs.size > 1) problems.push(`${name} is pinned to ${[...refs].join(' and ')}`);
  expect(problems).toEqual([]);
  expect([...pins.keys()]).toEqual(
    expect.arrayContaining(['aws-actions/configure-aws-credentials', 'actions/checkout']),
  );
});

test('the three reusable workflows and their starter templates exist, each template with its properties', () => {
  const names = ['rebuild-ecs-ami', 'deploy-ecs-service', 'validate-task-definitions'];
  for (const name of names) {
    expect(REUSABLE).toContain(`.github/workflows/${name}.yml`);
    const template = parse(read(`workflows-templates/${name}.yml`)) as Workflow;
    expect(Object.values(template.jobs).map((j) => j.uses)).toEqual([
      `OWNER/ecs-shipyard/.github/workflows/${name}.yml@v1`,
    ]);
  }
  for (const file of TEMPLATES) {
    const props = JSON.parse(read(file.replace(/\.yml$/, '.properties.json'))) as Record<string, unknown>;
    expect(Object.keys(props).sort()).toEqual([
      'categories',
      'description',
      'filePatterns',
      'iconName',
      'name',
    ]);
    expect(props['iconName']).toMatch(/^octicon [a-z-]+$/);
    for (const pattern of props['filePatterns'] as string[]) expect(() => new RegExp(pattern)).not.toThrow();
    expect((props['categories'] as string[]).length).toBeGreaterThan(0);
  }
  expect(TEMPLATES.map((f) => f.replace(/^.*\//, '').replace(/\.yml$/, '')).sort()).toEqual(
    [...names].sort(),
  );
});

test('the rebuild template runs on a schedule and by hand; deploy on push; validation on pull requests', () => {
  const on = (name: string) => Object.keys((parse(read(`workflows-templates/${name}.yml`)) as Workflow).on);
  expect(on('rebuild-ecs-ami')).toEqual(expect.arrayContaining(['schedule', 'workflow_dispatch']));
  expect(on('deploy-ecs-service')).toContain('push');
  expect(on('validate-task-definitions')).toContain('pull_request');
});

test.each(ymlIn('bench/yaml-lines').map((f) => [f]))(
  '%s (the by-hand comparison) is a valid workflow, pinned as ours are',
  (file) => {
    const text = read(file);
    expect(validator.validateWorkflow(text).errors).toEqual([]);
    for (const m of text.matchAll(/uses:\s*(\S+)(.*)/g)) {
      expect(m[1]).toMatch(/@[0-9a-f]{40}$/);
      expect(m[2]).toMatch(/#\s*v\d/);
    }
  },
);

test.each([...WORKFLOWS, ...TEMPLATES, ...COMPOSITES].map((f) => [f]))(
  '%s: no expression inside a run: script (values go through env:)',
  (file) => {
    const doc = parse(read(file)) as Workflow & ActionYml;
    const steps = [
      ...Object.values(doc.jobs ?? {}).flatMap((j) => j.steps ?? []),
      ...(doc.runs?.steps ?? []),
    ];
    for (const step of steps) if (typeof step.run === 'string') expect(step.run).not.toMatch(/\$\{\{/);
  },
);
