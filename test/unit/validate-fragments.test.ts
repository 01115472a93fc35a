// Container definitions alone (Terraform's container_definitions, JSON or YAML) and task definition
// fragments: the containers are checked with every container rule, on the lines of the file; the
// task-level checks are left out and said once.
import { readFileSync } from 'node:fs';
import { copyFile, mkdir, mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, test } from '@jest/globals';
import type { Finding, Profile } from '../../src/validate/findings.js';
import { readConfig } from '../../src/validate/config.js';
import { RULES } from '../../src/validate/rules.js';
import { validateFiles } from '../../src/validate/run.js';
import { preloadYaml } from '../../src/validate/source.js';
import { type ValidateOptions, validateText } from '../../src/validate/validate.js';
import { ROOT } from '../harness/runner.js';

type Json = Record<string, unknown>;
beforeAll(preloadYaml);
const DIR = join(ROOT, 'test', 'fixtures', 'task-definitions', 'container-definitions');
const fixture = (name: string) => readFileSync(join(DIR, name), 'utf8');
const run = (file: string, options: Partial<ValidateOptions> = {}) =>
  validateText(fixture(file), { file, ...options });
const summary = (f: Finding[]) => f.map((x) => `${x.severity} ${x.rule} ${x.pointer}`);
const ONLY = 'container-definitions-only';
const NOTICE =
  "This file holds only container definitions (as Terraform's container_definitions does): the task-level checks — family, task cpu and memory, network mode, compatibilities — are left to the task definition it goes into.";
/** The line of the file a finding names, trimmed. */
const lineOf = (file: string, f: Finding) => fixture(file).split('\n')[f.line - 1]!.trim();

describe('an array of container definitions', () => {
  test('Terraform-style JSON: checked as containerDefinitions, with one notice and nothing else', () => {
    const found = run('terraform-web.json');
    // The secrets without executionRoleArn, the mountPoint without volumes and the containers without
    // task memory are the task's business: no execution-role, volumes or container-memory finding.
    expect(found).toEqual([
      expect.objectContaining({ rule: ONLY, severity: 'notice', line: 1, column: 1, message: NOTICE }),
    ]);
  });

  test('the same as YAML gets the same verdict', () => {
    const json = run('terraform-web.json');
    const yaml = run('terraform-web.yaml');
    expect(summary(yaml)).toEqual(summary(json));
    expect(yaml[0]!.message).toBe(NOTICE);
  });

  test('a mistake in container 2 is reported on its line, with the file’s pointer', () => {
    const file = 'terraform-mistake.json';
    const found = run(file);
    expect(summary(found)).toEqual([
      `notice ${ONLY} `,
      'error image-reference /1/image',
      'error shape-type /1/cpu',
      'error depends-on /1/dependsOn/0/containerName',
    ]);
    const [, image, cpu, depends] = found;
    expect(lineOf(file, image!)).toMatch(/^"image": "public\.ecr\.aws\/.* latest"/);
    expect(image!.message).toContain('container "sidecar"');
    expect(lineOf(file, cpu!)).toBe('"cpu": "128",');
    expect(cpu!.message).toBe('/1/cpu must be a whole number, not the string "128".');
    expect(lineOf(file, depends!)).toMatch(/"containerName": "collector"/);
  });

  test('the same mistakes in YAML point at the YAML lines', () => {
    const containers = JSON.parse(fixture('terraform-mistake.json')) as Json[];
    const yaml = containers
      .map((c) =>
        Object.entries(c)
          .map(([k, v], i) => `${i ? '  ' : '- '}${k}: ${JSON.stringify(v)}`)
          .join('\n'),
      )
      .join('\n');
    const found = validateText(yaml, { file: 'containers.yaml' });
    const lines = yaml.split('\n');
    const at = (rule: string) => lines[found.find((f) => f.rule === rule)!.line - 1]!.trim();
    expect(at('image-reference')).toMatch(/^image: ".* latest"$/);
    expect(at('shape-type')).toBe('cpu: "128"');
    expect(at('depends-on')).toMatch(/^dependsOn:/);
  });

  test('with the Fargate profile the task-level Fargate checks still wait for the task', () => {
    expect(summary(run('terraform-web.json', { profile: 'fargate' }))).toEqual([`notice ${ONLY} `]);
  });

  test('the notice can be turned off like any rule', () => {
    expect(run('terraform-web.json', { severity: { [ONLY]: 'off' } })).toEqual([]);
  });

  test.each([
    ['strings', 'strings.json', '2 items'],
    ['task definitions', '[{"family": "a", "containerDefinitions": []}, {"family": "b"}]', '2 items'],
    ['objects that are not containers', '[{"id": 1, "label": "web", "image": "x"}]', '1 items'],
    ['nothing', '[]', '0 items'],
  ])('an array of %s is still refused', (_, source, items) => {
    const text = source.endsWith('.json') ? fixture(source) : source;
    const found = validateText(text, { file: 'list.json' });
    expect(summary(found)).toEqual(['error not-a-task-definition ']);
    expect(found[0]!.message).toContain(`The file holds a JSON array (${items})`);
  });
});

describe('every rule that concerns containers runs on the array', () => {
  const GOOD: Json = {
    name: 'app',
    image: 'nginx:1.27',
    user: '101',
    readonlyRootFilesystem: true,
    memoryReservation: 128,
    portMappings: [{ containerPort: 80 }],
  };
  const list = (...over: Json[]) => [{ ...GOOD, ...over[0] }, ...over.slice(1)];
  const CASES: [rule: string, containers: Json[], pointer: string, profile?: Profile][] = [
    ['shape-unknown-key', list({ imagePullPolicy: 'always' }), '/0/imagePullPolicy'],
    ['shape-enum', list({ versionConsistency: 'ENABLED' }), '/0/versionConsistency'],
    ['container-count', Array.from({ length: 11 }, (_, i) => ({ ...GOOD, name: `c${i}` })), ''],
    ['container-name', list({}, { ...GOOD }), '/1/name'],
    ['essential-container', list({ essential: false }), ''],
    // (A missing image is a placeholder, filled at deploy time: an invalid one is the mistake here.)
    ['image-reference', list({}, { name: 'two', image: 'web app:1' }), '/1/image'],
    ['port-mappings', list({ portMappings: [{ containerPort: 70000 }] }), '/0/portMappings/0/containerPort'],
    ['network-mode-features', list({ links: ['db'] }), '/0/links'],
    [
      'depends-on',
      list({ dependsOn: [{ containerName: 'app', condition: 'START' }] }),
      '/0/dependsOn/0/containerName',
    ],
    ['health-check', list({ healthCheck: { command: ['curl', 'x'] } }), '/0/healthCheck/command'],
    [
      'ulimits',
      list({ ulimits: [{ name: 'nofile', softLimit: 2, hardLimit: 1 }] }),
      '/0/ulimits/0/softLimit',
    ],
    [
      'secret-value-from',
      list({ secrets: [{ name: 'A', valueFrom: 'arn:aws:s3:::b' }] }),
      '/0/secrets/0/valueFrom',
    ],
    [
      'log-configuration',
      list({ logConfiguration: { logDriver: 'awsfirelens' } }),
      '/0/logConfiguration/logDriver',
    ],
    ['privileged', list({ privileged: true }), '/0/privileged'],
    ['root-user', list({ user: 'root' }), '/0/user'],
    ['read-only-root', list({ readonlyRootFilesystem: false }), '/0'],
    [
      'plaintext-secret',
      list({ environment: [{ name: 'DB_PASSWORD', value: 'hunter2' }] }),
      '/0/environment/0',
    ],
    ['fargate-unsupported', list({ dnsServers: ['10.0.0.2'] }), '/0/dnsServers', 'fargate'],
    ['windows-unsupported', list({ user: 'app' }), '/0/user', 'windows'],
    [
      'bottlerocket-unsupported',
      list({ linuxParameters: { initProcessEnabled: true } }),
      '/0/linuxParameters/initProcessEnabled',
      'bottlerocket',
    ],
  ];

  // A rest parameter: rows without a profile must not make Jest wait for a done callback.
  test.each(CASES)('%s', (...row) => {
    const [rule, containers, pointer, profile] = row;
    const found = validateText(JSON.stringify(containers, null, 2), {
      file: 'containers.json',
      ...(profile ? { profile } : {}),
    });
    expect(found.filter((f) => f.rule === rule).map((f) => f.pointer)).toContain(pointer);
    expect(found.filter((f) => f.rule === ONLY)).toHaveLength(1);
  });

  test('the good container alone has only the notice', () => {
    expect(summary(validateText(JSON.stringify([GOOD]), { file: 'c.json' }))).toEqual([`notice ${ONLY} `]);
  });
});

describe('a task definition fragment', () => {
  test('without the fragment option it is the task definition it claims to be: family is required', () => {
    const found = run('fragment.json');
    expect(summary(found)).toEqual([
      'error shape-required ',
      'error container-memory /containerDefinitions/0',
    ]);
    expect(found[0]!.message).toContain('needs "family"');
  });

  test('with it: no family error, one notice naming what is left to the task, the containers checked', () => {
    const found = run('fragment.json', { fragment: true });
    expect(summary(found)).toEqual([`notice ${ONLY} `]);
    expect(found[0]!.message).toBe(
      'This file is a task definition fragment that a later step completes: family, networkMode, cpu, memory and volumes are left to the task definition it becomes, and so are the checks that need them.',
    );
    const broken = JSON.parse(fixture('fragment.json')) as Json;
    (broken['containerDefinitions'] as Json[]).push({
      name: 'web',
      image: 'busybox',
      memory: 64,
      user: '1',
      readonlyRootFilesystem: true,
    });
    expect(
      summary(validateText(JSON.stringify(broken, null, 2), { file: 'f.json', fragment: true })),
    ).toEqual([`notice ${ONLY} `, 'error container-name /containerDefinitions/1/name']);
  });

  test('the rules that need task fields run when the fragment has them', () => {
    const td = JSON.parse(fixture('fragment.json')) as Json;
    const check = (over: Json, profile?: Profile) =>
      summary(
        validateText(JSON.stringify({ ...td, ...over }, null, 2), {
          file: 'f.json',
          fragment: true,
          ...(profile ? { profile } : {}),
        }),
      ).filter((f) => !f.includes(ONLY));
    // networkMode given: port mappings are judged by it; the execution role it has is enough.
    expect(check({ networkMode: 'awsvpc' })).toEqual([
      'error port-mappings /containerDefinitions/0/portMappings/0/hostPort',
    ]);
    // No executionRoleArn in a fragment: left to the task, even with secrets.
    expect(check({ executionRoleArn: undefined })).toEqual([]);
    // Task cpu and memory given: Fargate's sizes are checked, and container memory against the task.
    expect(check({ cpu: '256', memory: '4096', networkMode: 'awsvpc' }, 'fargate')).toEqual([
      'error port-mappings /containerDefinitions/0/portMappings/0/hostPort',
      'error fargate-cpu-memory /memory',
    ]);
    // Volumes given: mount points are checked against them.
    expect(check({ volumes: [{ name: 'data' }] })).toEqual([]);
    const mounts = structuredClone(td);
    (mounts['containerDefinitions'] as Json[])[0]!['mountPoints'] = [
      { sourceVolume: 'scratch', containerPath: '/tmp' },
    ];
    expect(check({ ...mounts, volumes: [{ name: 'data' }] })).toEqual([
      'error volumes /containerDefinitions/0/mountPoints/0/sourceVolume',
    ]);
  });

  test('a complete task definition judged as a fragment loses nothing', () => {
    const td = {
      family: 'web',
      networkMode: 'bridge',
      cpu: '256',
      memory: '512',
      volumes: [],
      ...(JSON.parse(fixture('fragment.json')) as Json),
    };
    const text = JSON.stringify(td, null, 2);
    expect(validateText(text, { file: 'td.json', fragment: true })).toEqual(
      validateText(text, { file: 'td.json' }),
    );
    expect(validateText(text, { file: 'td.json' })).toEqual([]);
  });
});

describe('.ecs-shipyard.yml marks fragments per glob', () => {
  test('validate.files[].fragment: the matching files are judged as fragments, the others are not', async () => {
    const ws = await mkdtemp(join(tmpdir(), 'validate-fragments-'));
    await mkdir(join(ws, 'fragments'));
    await copyFile(join(DIR, 'fragment.json'), join(ws, 'fragments', 'web.json'));
    await copyFile(join(DIR, 'fragment.json'), join(ws, 'web.json'));
    await writeFile(
      join(ws, '.ecs-shipyard.yml'),
      'validate:\n  files:\n    - match: fragments/*.json\n      fragment: true\n',
    );
    const result = await validateFiles({ cwd: ws, patterns: ['**/*.json'] });
    const of = (file: string) =>
      result.findings.filter((f) => f.file === file).map((f) => `${f.severity} ${f.rule}`);
    expect(of('fragments/web.json')).toEqual([`notice ${ONLY}`]);
    expect(of('web.json')).toEqual(['error shape-required', 'error container-memory']);
  });

  test('a fragment entry needs no profile; a wrong value is refused', async () => {
    const { parse } = await import('yaml');
    const read = (text: string) => readConfig(parse(text), '.ecs-shipyard.yml');
    expect(read('validate:\n  files: [{ match: a/*, fragment: true }]').files).toEqual([
      { match: 'a/*', fragment: true },
    ]);
    expect(read('validate:\n  files: [{ match: a/*, profile: windows }]').files).toEqual([
      { match: 'a/*', profile: 'windows' },
    ]);
    expect(() => read('validate:\n  files: [{ match: a/*, fragment: "yes" }]')).toThrow(
      'validate.files[0].fragment must be true or false.',
    );
    expect(() => read('validate:\n  files: [{ match: a/* }]')).toThrow(/validate\.files\[0\]\.profile is/);
  });
});

test('the rules that need task fields are the ones that judge an absent task field', () => {
  expect(Object.fromEntries(RULES.filter((r) => r.needs).map((r) => [r.id, r.needs]))).toEqual({
    'size-limit': 'task',
    'fargate-network-mode': ['networkMode'],
    'fargate-cpu-memory': ['cpu', 'memory'],
    'execution-role': ['executionRoleArn'],
    'container-memory': ['memory'],
    volumes: ['volumes'],
  });
});
