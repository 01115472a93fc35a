// Template placeholders: a committed task definition whose image (or family, or role) a render step fills
// is judged as if it were filled — one notice by default, an error each with placeholders: error — and
// everything else in it is still checked.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, test } from '@jest/globals';
import { main } from '../../src/cli/index.js';
import type { Finding } from '../../src/validate/findings.js';
import { placeholderIn } from '../../src/validate/placeholders.js';
import { preloadYaml } from '../../src/validate/source.js';
import { validateText } from '../../src/validate/validate.js';
import { ROOT } from '../harness/runner.js';

beforeAll(() => preloadYaml());

const FIXTURES = join(ROOT, 'test', 'fixtures', 'task-definitions');
const errors = (f: Finding[]) => f.filter((x) => x.severity === 'error');
const fargate = (container: object, task: object = {}) =>
  JSON.stringify(
    {
      family: 'web',
      requiresCompatibilities: ['FARGATE'],
      networkMode: 'awsvpc',
      cpu: '256',
      memory: '512',
      ...task,
      containerDefinitions: [
        { name: 'web', essential: true, readonlyRootFilesystem: true, user: '1000', ...container },
      ],
    },
    null,
    2,
  );

test.each([
  ['<IMAGE1_NAME>', '<IMAGE1_NAME>'],
  ['repo/web:${IMAGE_TAG}', '${IMAGE_TAG}'],
  ['repo/web:$TAG', '$TAG'],
  ['{{ must_env `IMAGE` }}', '{{ must_env `IMAGE` }}'],
  ['{{.Image}}', '{{.Image}}'],
  ['registry/web:%TAG%', '%TAG%'],
  ['REPLACED_BY_CI', 'REPLACED_BY_CI'],
  ['replace-me', 'replace-me'],
  ['CHANGE_ME', 'CHANGE_ME'],
  ['arn:aws:iam::aws_account_id:role/x', 'aws_account_id'],
])('%s holds the placeholder %s', (value, token) => {
  expect(placeholderIn(value, '/containerDefinitions/0/image')).toBe(token);
});

test.each([
  ['nginx:1.27', '/containerDefinitions/0/image'],
  ['echo $HOME', '/containerDefinitions/0/command/2'],
  ['curl -f http://localhost/ || exit 1', '/containerDefinitions/0/healthCheck/command/1'],
  ['price $5', '/containerDefinitions/0/environment/0/value'],
  ['a$$b', '/family'],
])('%s at %s is no placeholder', (value, pointer) => {
  expect(placeholderIn(value, pointer)).toBeUndefined();
});

describe('placeholders: allow (the default, for pull requests)', () => {
  test('an image placeholder: no error, one notice naming what is filled at deploy time', () => {
    const f = validateText(fargate({ image: '<IMAGE1_NAME>' }), { file: 'td.json' });
    expect(errors(f)).toEqual([]);
    const notes = f.filter((x) => x.rule === 'template-placeholder');
    expect(notes).toHaveLength(1);
    expect(notes[0]).toMatchObject({ severity: 'notice', line: 15 });
    expect(notes[0]!.message).toMatch(
      /^Filled at deploy time: image of web\. The rest of the file is checked/,
    );
  });

  test('blank and missing images, a family and a role: one notice for all', () => {
    const text = JSON.stringify({
      family: '${SERVICE}',
      executionRoleArn: '${EXECUTION_ROLE_ARN}',
      containerDefinitions: [
        { name: 'web', image: '', memory: 256 },
        { name: 'sidecar', memory: 128 },
      ],
    });
    const f = validateText(text, { file: 'td.json' });
    expect(errors(f)).toEqual([]);
    const notes = f.filter((x) => x.rule === 'template-placeholder');
    expect(notes).toHaveLength(1);
    expect(notes[0]!.message).toContain('Filled at deploy time: ');
    for (const what of ['image of web', 'image of sidecar', 'family', 'executionRoleArn'])
      expect(notes[0]!.message).toContain(what);
  });

  test('everything else is still checked', () => {
    const f = validateText(
      fargate({ image: '${IMAGE}', portMappings: [{ containerPort: 80, hostPort: 81 }] }),
      {
        file: 'td.json',
      },
    );
    expect(errors(f).map((x) => x.rule)).toEqual(['port-mappings']);
  });

  test('a file that is not JSON until it is filled is one error that says so', () => {
    const text =
      '{\n  "family": "web",\n  "containerDefinitions": [{ "name": "web", "image": "nginx", "memory": {{MEMORY}} }]\n}\n';
    const f = validateText(text, { file: 'td.json' });
    expect(f).toHaveLength(1);
    expect(f[0]).toMatchObject({ rule: 'syntax', severity: 'error', line: 3 });
    expect(f[0]!.message).toMatch(
      /^Not valid JSON until it is filled in: this file is a template, and \{\{MEMORY\}\} at line 3, column \d+ is a placeholder where a value belongs .* or quote the placeholder \("\{\{MEMORY\}\}"\)/,
    );
  });
});

test('placeholders: error — each placeholder an error on its line, in ECS words where it has them', () => {
  const f = validateText(fargate({ image: '<IMAGE1_NAME>' }, { family: '{{ service }}' }), {
    file: 'td.json',
    placeholders: 'error',
  });
  const p = errors(f).filter((x) => x.rule === 'template-placeholder');
  expect(p.map((x) => x.message)).toEqual([
    'family is a placeholder ({{ service }}): fill it in before the file is registered (placeholders: error). ECS refuses it unfilled: "Family contains invalid characters."',
    'image of web is a placeholder (<IMAGE1_NAME>): fill it in before the file is registered (placeholders: error). ECS refuses it unfilled: "Container.image contains invalid characters."',
  ]);
  expect(p.map((x) => x.line)).toEqual([2, 15]);
});

describe('the project fixtures of templates (test/fixtures/task-definitions/templates)', () => {
  const files = readdirSync(join(FIXTURES, 'templates')).sort();
  const judge = (file: string, placeholders?: 'error') =>
    validateText(readFileSync(join(FIXTURES, 'templates', file), 'utf8'), {
      file,
      ...(placeholders ? { placeholders } : {}),
    });

  test('none raises an error by default; each says what is filled at deploy time', () => {
    expect(files.length).toBeGreaterThanOrEqual(8);
    const failing = files.filter((f) => errors(judge(f)).length > 0);
    expect(failing).toEqual([]);
    for (const f of files)
      expect([f, judge(f).some((x) => x.rule === 'template-placeholder' && x.severity === 'notice')]).toEqual(
        [f, true],
      );
  });

  test('each fails with placeholders: error, on the placeholder', () => {
    for (const f of files)
      expect([f, errors(judge(f, 'error')).some((x) => x.rule === 'template-placeholder')]).toEqual([
        f,
        true,
      ]);
  });

  test('a template with a real mistake still fails by default (bad/task-definition-template-bridge.json)', () => {
    const text = readFileSync(join(FIXTURES, 'bad', 'task-definition-template-bridge.json'), 'utf8');
    const f = validateText(text, { file: 'task-definition-template-bridge.json' });
    expect(errors(f).map((x) => x.rule)).toContain('fargate-network-mode');
  });
});

describe('the setting: CLI --placeholders, the config file, refusals', () => {
  const run = async (args: string[]) => {
    const out: string[] = [];
    const err: string[] = [];
    const code = await main(
      args,
      (s) => void out.push(s),
      (s) => void err.push(s),
    );
    return { code, out: out.join(''), err: err.join('') };
  };
  const file = join(FIXTURES, 'templates', 'task-definition-codepipeline.json');

  test('--placeholders error fails a template; the default passes it', async () => {
    expect((await run(['validate', file])).code).toBe(0);
    const strict = await run(['validate', '--placeholders', 'error', file]);
    expect(strict.code).toBe(1);
    expect(strict.out).toMatch(/error template-placeholder: image of web is a placeholder \(<IMAGE1_NAME>\)/);
  });

  test('a wrong value is refused naming what is accepted', async () => {
    const r = await run(['validate', '--placeholders', 'strict', file]);
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/--placeholders "strict" is not accepted: allow or error\./);
  });
});

describe('what is not a placeholder, and what a placeholder does not hide (review cases)', () => {
  const judge = (td: unknown, placeholders?: 'error') =>
    validateText(JSON.stringify(td), { file: 'td.json', ...(placeholders ? { placeholders } : {}) });

  test("the shell's variables in commands, Docker's log templates, strftime, env names, HTML and passwords", () => {
    const f = judge(
      {
        family: 'x',
        containerDefinitions: [
          {
            name: 'w',
            image: 'nginx',
            memory: 128,
            command: ['sh', '-c', 'exec app --port=${PORT} --day=%Y%'],
            healthCheck: { command: ['CMD-SHELL', 'test -n "${HOME}" || exit 1'] },
            logConfiguration: {
              logDriver: 'awslogs',
              options: {
                'awslogs-group': 'g',
                'awslogs-region': 'eu-west-1',
                'awslogs-datetime-format': '%Y-%m-%d %H:%M:%S',
                tag: '{{.Name}}',
              },
            },
            environment: [
              { name: 'AWS_ACCOUNT_ID', value: '111122223333' },
              { name: 'PASSWORD', value: 'Sup3r$ECRET' },
              { name: 'BANNER', value: '<b>Hello</b>' },
            ],
          },
        ],
      },
      'error',
    );
    expect(f.filter((x) => x.rule === 'template-placeholder')).toEqual([]);
  });

  test('a partial placeholder in an image or family: the literal part is still judged', () => {
    const f = judge({
      family: 'my app-${ENV}',
      containerDefinitions: [{ name: 'w', image: 'My Registry/app:${TAG}', memory: 128 }],
    });
    expect(
      errors(f)
        .map((x) => x.rule)
        .sort(),
    ).toEqual(['family-name', 'image-reference']);
  });

  test('a container-definitions list: placeholders in numbers are covered too', () => {
    const f = judge([
      { name: 'web', image: '${image}', memory: '${memory}', portMappings: [{ containerPort: '${port}' }] },
    ]);
    expect(errors(f)).toEqual([]);
  });

  test('a placeholder containerPort is no mismatch with a hostPort', () => {
    const f = judge({
      family: 'x',
      networkMode: 'awsvpc',
      containerDefinitions: [
        {
          name: 'w',
          image: 'nginx',
          memory: 128,
          portMappings: [{ containerPort: '${PORT}', hostPort: 80 }],
        },
      ],
    });
    expect(errors(f)).toEqual([]);
  });

  test('odd shapes do not throw: containerDefinitions as an object, __proto__ keys', () => {
    expect(() =>
      judge({ family: 'x', containerDefinitions: { 0: { name: 'w', image: '${X}' } } }),
    ).not.toThrow();
    const text =
      '{"family":"x","__proto__":{},"containerDefinitions":[{"name":"w","image":"nginx","memory":128}]}';
    expect(() => validateText(text, { file: 'td.json' })).not.toThrow();
  });

  test('a repeated key: findings point at the copy that is kept', () => {
    const text =
      '{"family":"x",\n"containerDefinitions":[{"name":"old","image":"nginx","memory":128}],\n"containerDefinitions":[\n  {"name":"new","image":"nginx"}\n]}';
    const f = validateText(text, { file: 'td.json' });
    expect(f.find((x) => x.rule === 'container-memory')).toMatchObject({ line: 4 });
    expect(f.find((x) => x.rule === 'duplicate-key')).toMatchObject({ line: 3 });
  });
});
