// validate-task-definitions and the CLI, run from dist over this repository's fixtures and over files
// made here for the bad-input cases. No AWS, no simulator.
import { execFile } from 'node:child_process';
import { chmod, cp, mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, test } from '@jest/globals';
import { ROOT, runAction } from '../harness/runner.js';

const FIXTURES = join(ROOT, 'test', 'fixtures', 'task-definitions');
let ws: string;
beforeAll(async () => {
  ws = await mkdtemp(join(tmpdir(), 'validate-'));
  await cp(FIXTURES, join(ws, 'defs'), { recursive: true });
  await writeFile(join(ws, 'empty.json'), '');
  await writeFile(join(ws, 'not-json.json'), 'family: web\n  bad: [\n');
  await writeFile(join(ws, 'array.json'), '[{"family": "a"}, {"family": "b"}]');
  await writeFile(join(ws, 'big.json'), `{"family": "x", "pad": "${'x'.repeat(2 * 1024 * 1024)}"}`);
  await writeFile(join(ws, 'locked.json'), '{}');
  await chmod(join(ws, 'locked.json'), 0o000);
  // Hostile files, made here: a YAML alias bomb ("billion laughs": 9 levels of 9 aliases) and UTF-16.
  const bomb = ['a: &a ["lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol"]'];
  for (const [i, k] of [...'bcdefghi'].entries())
    bomb.push(`${k}: &${k} [${Array(9).fill(`*${'abcdefghi'[i]}`).join(', ')}]`);
  await writeFile(join(ws, 'bomb.yaml'), `${bomb.join('\n')}\n`);
  await writeFile(
    join(ws, 'utf16.json'),
    Buffer.from(await readFile(join(FIXTURES, 'good', 'task-definition-web.json'), 'utf8'), 'utf16le'),
  );
  await writeFile(join(ws, 'bad-config.yml'), 'validate:\n  severity:\n    no-such-rule: off\n');
  await writeFile(
    join(ws, 'quiet.yml'),
    'validate:\n  severity:\n    read-only-root: off\n    shape-unknown-key: error\n',
  );
});

const env = () => ({ GITHUB_WORKSPACE: ws });
const annotations = (stdout: string, level: string) =>
  stdout.split('\n').filter((l) => l.startsWith(`::${level} `));

describe('validate-task-definitions, run from dist', () => {
  test('good files pass: no error, and the YAML ignore comment is honoured', async () => {
    const r = await runAction('validate-task-definitions', {
      inputs: { files: 'defs/good/*' },
      env: env(),
    });
    expect(r.errors).toEqual([]);
    expect(r.outputs).toMatchObject({ errors: '0', files: '2' });
    expect(r.stdout).not.toContain('plaintext-secret');
  });

  test('templates pass the pull-request check with one notice each, and fail with placeholders: error', async () => {
    const pr = await runAction('validate-task-definitions', {
      inputs: { files: 'defs/templates/*' },
      env: env(),
    });
    expect(pr.errors).toEqual([]);
    expect(pr.outputs['errors']).toBe('0');
    expect(
      annotations(pr.stdout, 'notice').filter((l) => l.includes('Filled at deploy time: image of')),
    ).not.toEqual([]);
    const registered = await runAction('validate-task-definitions', {
      inputs: { files: 'defs/templates/task-definition-blank-image.json', placeholders: 'error' },
      env: env(),
    });
    expect(registered.exitCode).toBe(1);
    expect(annotations(registered.stdout, 'error')).toContainEqual(
      expect.stringMatching(/title=template-placeholder,.*::image of web is a placeholder \(blank\)/),
    );
  });

  test('bad files fail the step with annotations on the exact line, a summary per file and SARIF', async () => {
    const r = await runAction('validate-task-definitions', {
      inputs: { files: 'defs/bad/*\n# a comment line is skipped', 'sarif-file': 'out/results.sarif' },
      env: env(),
    });
    expect(r.exitCode).toBe(1);
    expect(r.errors.at(-1)).toMatch(/^\d+ finding\(s\) at or above 'error' in 3 file\(s\)/);
    const errors = annotations(r.stdout, 'error');
    expect(errors).toContainEqual(
      expect.stringMatching(
        /^::error title=port-mappings,file=defs\/bad\/task-definition-api\.json,line=12,endLine=12,col=49::container "api": hostPort 80 != containerPort 8080/,
      ),
    );
    expect(errors.length).toBeLessThanOrEqual(10);
    expect(annotations(r.stdout, 'warning')).toContainEqual(
      expect.stringMatching(
        /title=shape-unknown-key,.*line=11,.*::"portMapings" is not a member of ContainerDefinition: did you mean "portMappings"\?/,
      ),
    );
    expect(r.summary).toContain('defs/bad/task-definition-described.json');
    expect(r.summary).toContain('docs/validate-rules.md#describe-output');
    const sarif = JSON.parse(await readFile(r.outputs['sarif-file']!, 'utf8'));
    expect(sarif.version).toBe('2.1.0');
    const result = sarif.runs[0].results.find((x: { ruleId: string }) => x.ruleId === 'fargate-cpu-memory');
    expect(result.locations[0].physicalLocation).toEqual({
      artifactLocation: { uri: 'defs/bad/task-definition-api.json', uriBaseId: '%SRCROOT%' },
      region: { startLine: 6, startColumn: 3 },
    });
    expect(sarif.runs[0].tool.driver.rules.map((x: { id: string }) => x.id)).toContain('fargate-cpu-memory');
  });

  test('normalize judges describe output as deploy sends it', async () => {
    const r = await runAction('validate-task-definitions', {
      inputs: { files: 'defs/bad/task-definition-described.json', normalize: 'true' },
      env: env(),
    });
    expect(r.errors).toEqual([]);
    expect(annotations(r.stdout, 'warning').filter((l) => l.includes('title=describe-output'))).toHaveLength(
      7,
    );
  });

  test('the config file turns rules off or up', async () => {
    const r = await runAction('validate-task-definitions', {
      inputs: { files: 'defs/bad/task-definition-api.json', config: 'quiet.yml' },
      env: env(),
    });
    expect(r.stdout).not.toContain('read-only-root');
    expect(annotations(r.stdout, 'error').some((l) => l.includes('title=shape-unknown-key'))).toBe(true);
  });

  test.each([
    [{ files: 'nothing/*.json' }, /^No file matches "nothing\/\*\.json" in .*: nothing was validated\./],
    [{ files: 'missing.json' }, /^missing\.json does not exist/],
    [
      { profile: 'lambda' },
      /^Input 'profile' has the value "lambda", which is not accepted: one of auto, fargate/,
    ],
    [{ 'fail-on': 'notice' }, /^Input 'fail-on' has the value "notice"/],
    [
      { normalize: 'maybe' },
      /^Input 'normalize' has the value "maybe", which is not accepted: true or false/,
    ],
    [
      { placeholders: 'strict' },
      /^Input 'placeholders' has the value "strict", which is not accepted: one of allow, error/,
    ],
    [
      { files: 'defs/good/*', config: 'bad-config.yml' },
      /bad-config\.yml: validate\.severity names "no-such-rule", which is not a rule id/,
    ],
    [{ files: 'defs/good/*', config: 'none.yml' }, /^Cannot read the config file .*none\.yml/],
  ] as [Record<string, string>, RegExp][])('%j fails with a clear message', async (inputs, message) => {
    const r = await runAction('validate-task-definitions', { inputs, env: env() });
    expect(r.exitCode).toBe(1);
    expect(r.errors[0]).toMatch(message);
  });

  test('bad files: empty, not JSON, an array, 2 MB, unreadable', async () => {
    const r = await runAction('validate-task-definitions', {
      inputs: { files: 'empty.json\nnot-json.json\narray.json\nbig.json\nlocked.json' },
      env: env(),
    });
    const errors = annotations(r.stdout, 'error').join('\n');
    expect(errors).toContain('file=empty.json,line=1');
    expect(errors).toMatch(
      /title=syntax,file=not-json\.json,line=1,endLine=1,col=1::Not valid JSON: .* at line 1, column 1/,
    );
    expect(errors).toContain('file=array.json,line=1,endLine=1,col=1::The file holds a JSON array (2 items)');
    expect(errors).toMatch(/title=size-limit,file=big\.json.*::The file is 2\.0 MiB/);
    if (process.getuid?.() !== 0) expect(errors).toMatch(/file=locked\.json.*Cannot read the file/);
  });

  test('an alias bomb and a UTF-16 file are one error each; the good file is judged too', async () => {
    const r = await runAction('validate-task-definitions', {
      inputs: { files: 'bomb.yaml\nutf16.json\ndefs/good/task-definition-web.json' },
      env: env(),
    });
    expect(r.outputs).toMatchObject({ files: '3', errors: '2' });
    const errors = annotations(r.stdout, 'error').join('\n');
    expect(errors).toMatch(/title=syntax,file=bomb\.yaml,line=2,.*an alias bomb \("billion laughs"\)/);
    expect(errors).toMatch(
      /title=syntax,file=utf16\.json,line=1,.*The file is UTF-16 \(LE\); save it as UTF-8/,
    );
    expect(r.stdout).not.toMatch(/ReferenceError|\n\s+at /);
  });
});

describe('the CLI (dist/cli)', () => {
  const cli = (args: string[], cwd = ws) =>
    new Promise<{ exitCode: number; stdout: string; stderr: string }>((resolve) => {
      execFile(
        process.execPath,
        [join(ROOT, 'dist', 'cli', 'index.js'), ...args],
        { cwd },
        (error, stdout, stderr) =>
          resolve({ exitCode: error ? Number((error as { code?: number }).code ?? 1) : 0, stdout, stderr }),
      );
    });

  test('an alias bomb, a UTF-16 file and a good one: all three judged, exit 1, no stack trace', async () => {
    const r = await cli(['validate', 'bomb.yaml', 'utf16.json', 'defs/good/task-definition-web.json']);
    expect(r.exitCode).toBe(1);
    expect(r.stderr).toBe('');
    const lines = r.stdout.trim().split('\n');
    expect(lines.filter((l) => l.includes(' error '))).toEqual([
      expect.stringMatching(
        /^bomb\.yaml:2:8: error syntax: Not valid YAML: an alias bomb \("billion laughs"\)/,
      ),
      expect.stringMatching(/^utf16\.json:1:1: error syntax: The file is UTF-16 \(LE\); save it as UTF-8/),
    ]);
    expect(lines.at(-1)).toMatch(/^3 file\(s\): 2 error\(s\)/);
  });

  test('exit codes: 0 clean, 1 findings, 2 usage; formats text, json, sarif, github', async () => {
    const good = await cli(['validate', 'defs/good/*']);
    expect(good.exitCode).toBe(0);
    expect(good.stdout).toContain('2 file(s): 0 error(s)');
    const bad = await cli(['validate', 'defs/bad/task-definition-api.json', '--format', 'json']);
    expect(bad.exitCode).toBe(1);
    expect(JSON.parse(bad.stdout).counts.error).toBeGreaterThan(0);
    const sarif = await cli(['validate', 'defs/bad/*', '--format', 'sarif']);
    expect(JSON.parse(sarif.stdout).runs[0].results.length).toBeGreaterThan(0);
    const gh = await cli([
      'validate',
      'defs/templates/taskdef-templated.yml',
      '--placeholders',
      'error',
      '--format',
      'github',
    ]);
    expect(gh.stdout).toMatch(
      /^::error file=defs\/templates\/taskdef-templated\.yml,line=1,col=1,title=template-placeholder::family is a placeholder/m,
    );
    const warn = await cli(['validate', 'defs/good/task-definition-web.json', '--fail-on', 'warning']);
    expect(warn.exitCode).toBe(0);
    for (const args of [
      ['lint'],
      ['validate', '--format', 'xml'],
      ['validate', '--profile', 'lambda'],
      ['validate', 'none/*.json'],
      [],
    ]) {
      const r = await cli(args);
      expect([args, r.exitCode]).toEqual([args, 2]);
    }
  });

  test('the default globs find task definition files', async () => {
    const r = await cli(['validate'], join(ws, 'defs'));
    expect(r.stdout).toMatch(/good\/task-definition-web\.json|13 file\(s\)/);
    expect(r.stdout).toContain('13 file(s)');
  });
});

test('the CLI takes absolute paths as well', async () => {
  const r = await new Promise<number>((resolve) =>
    execFile(
      process.execPath,
      [join(ROOT, 'dist', 'cli', 'index.js'), 'validate', join(FIXTURES, 'good', 'task-definition-web.json')],
      { cwd: tmpdir() },
      (error) => resolve(error ? Number((error as { code?: number }).code ?? 1) : 0),
    ),
  );
  expect(r).toBe(0);
});
