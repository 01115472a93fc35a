// validate-task-definitions' core in process: the plan (paths against the workspace) and the run over
// real files — what is annotated under GitHub's cap, what fails the step, the SARIF file.
import { cp, mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, test } from '@jest/globals';
import { planValidate, type ValidateSettings } from '../../src/validate/action-plan.js';
import { ANNOTATIONS_PER_LEVEL, annotationsOf, runValidate } from '../../src/validate/action-run.js';
import type { Finding } from '../../src/validate/findings.js';
import { ROOT } from '../harness/runner.js';

const settings = (over: Partial<ValidateSettings> = {}): ValidateSettings => ({
  files: ['defs/**/*'],
  profile: 'auto',
  'fail-on': 'error',
  normalize: false,
  placeholders: undefined,
  config: undefined,
  'sarif-file': undefined,
  ...over,
});

let ws: string;
beforeAll(async () => {
  ws = await mkdtemp(join(tmpdir(), 'validate-core-'));
  await cp(join(ROOT, 'test', 'fixtures', 'task-definitions'), join(ws, 'defs'), { recursive: true });
  // Twelve files with the same error: more than GitHub annotates on one step.
  for (let i = 0; i < 12; i++)
    await writeFile(
      join(ws, `many-${i}.json`),
      JSON.stringify({ family: 'web app', containerDefinitions: [] }),
    );
});

describe('plan', () => {
  test('paths are the workspace’s; absolute ones are kept', () => {
    const plan = planValidate(settings({ config: 'ci/validate.yml', 'sarif-file': '/tmp/out.sarif' }), {
      GITHUB_WORKSPACE: '/work/repo',
    });
    expect(plan).toEqual({
      cwd: '/work/repo',
      patterns: ['defs/**/*'],
      profile: 'auto',
      normalize: false,
      config: '/work/repo/ci/validate.yml',
      sarifPath: '/tmp/out.sarif',
      failOn: 'error',
    });
  });

  test('no workspace (the CLI, a local run): the current directory; nothing optional is made up', () => {
    const plan = planValidate(settings(), { GITHUB_WORKSPACE: '' });
    expect(plan.cwd).toBe(process.cwd());
    expect(plan).not.toHaveProperty('config');
    expect(plan).not.toHaveProperty('sarifPath');
  });
});

describe('run', () => {
  test('good and bad files: every file in the report, SARIF written where asked, the errors fail', async () => {
    const report = await runValidate(
      planValidate(settings({ 'sarif-file': 'out/deep/results.sarif' }), { GITHUB_WORKSPACE: ws }),
    );
    // Clean files too, with no findings.
    expect([...report.byFile.keys()]).toEqual(report.result.files);
    expect(report.result.files).toEqual(
      expect.arrayContaining([
        'defs/bad/task-definition-api.json',
        'defs/bad/task-definition-template-bridge.json',
        'defs/templates/taskdef-templated.yml',
      ]),
    );
    const clean = report.result.files.filter((f) => f.startsWith('defs/good/'));
    expect(clean.length).toBeGreaterThan(0);
    for (const f of clean) expect(report.byFile.get(f)).toEqual([]);
    expect(report.byFile.get('defs/bad/task-definition-api.json')!.map((f) => f.rule)).toContain(
      'port-mappings',
    );
    expect(report.failing).toBe(report.result.counts.error);
    expect(report.failing).toBeGreaterThan(0);
    const sarif = JSON.parse(await readFile(join(ws, 'out', 'deep', 'results.sarif'), 'utf8'));
    expect(report.sarifPath).toBe(join(ws, 'out', 'deep', 'results.sarif'));
    expect(sarif.runs[0].results).toHaveLength(report.result.findings.length);
  });

  test('fail-on warning counts the warnings too; good files alone fail nothing', async () => {
    const good = await runValidate(
      planValidate(settings({ files: ['defs/good/*'] }), { GITHUB_WORKSPACE: ws }),
    );
    expect(good.failing).toBe(0);
    const strict = await runValidate(
      planValidate(settings({ files: ['defs/bad/*'], 'fail-on': 'warning' }), { GITHUB_WORKSPACE: ws }),
    );
    expect(strict.result.counts.warning).toBeGreaterThan(0);
    expect(strict.failing).toBe(strict.result.counts.error + strict.result.counts.warning);
  });

  test('more findings than GitHub annotates: the first of each level up to the cap, the rest counted', async () => {
    const report = await runValidate(
      planValidate(settings({ files: ['many-*.json'] }), { GITHUB_WORKSPACE: ws }),
    );
    const errors = report.result.findings.filter((f) => f.severity === 'error');
    expect(errors.length).toBeGreaterThan(ANNOTATIONS_PER_LEVEL);
    expect(report.annotated.filter((f) => f.severity === 'error')).toEqual(
      errors.slice(0, ANNOTATIONS_PER_LEVEL),
    );
    expect(report.hidden).toBe(report.result.findings.length - report.annotated.length);
    expect(report.hidden).toBeGreaterThanOrEqual(errors.length - ANNOTATIONS_PER_LEVEL);
  });

  test('a glob that matches nothing is refused, not passed', async () => {
    await expect(
      runValidate(planValidate(settings({ files: ['nowhere/*.json'] }), { GITHUB_WORKSPACE: ws })),
    ).rejects.toThrow(/No file matches "nowhere\/\*\.json".*nothing was validated/);
  });
});

test('annotationsOf caps each level on its own', () => {
  const f = (severity: Finding['severity'], n: number) =>
    Array.from({ length: n }, (_, i) => ({ severity, rule: `${severity}-${i}` }) as Finding);
  const shown = annotationsOf(
    [...f('warning', 3), ...f('error', 5), ...f('notice', 1), ...f('warning', 2)],
    4,
  );
  expect(shown.map((x) => x.rule)).toEqual([
    'warning-0',
    'warning-1',
    'warning-2',
    'error-0',
    'error-1',
    'error-2',
    'error-3',
    'notice-0',
    'warning-0',
  ]);
});
