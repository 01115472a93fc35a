// Each validator rule fires on a definition that breaks it, at the value it is about, and stays quiet
// on a good Fargate definition; YAML positions, ignores, profiles and the describe-output mode.
import { beforeAll, describe, expect, test } from '@jest/globals';
import { readConfig } from '../../src/validate/config.js';
import type { Profile } from '../../src/validate/findings.js';
import { RULES } from '../../src/validate/rules.js';
import { nearest } from '../../src/validate/shape-check.js';
import { preloadYaml } from '../../src/validate/source.js';
import { validateText } from '../../src/validate/validate.js';

type Json = Record<string, unknown>;
beforeAll(preloadYaml);
const GOOD: Json = {
  family: 'web',
  networkMode: 'awsvpc',
  requiresCompatibilities: ['FARGATE'],
  cpu: '256',
  memory: '512',
  executionRoleArn: 'arn:aws:iam::111122223333:role/exec',
  containerDefinitions: [
    {
      name: 'app',
      image: 'nginx:1.27',
      user: '101',
      readonlyRootFilesystem: true,
      portMappings: [{ containerPort: 80 }],
      logConfiguration: {
        logDriver: 'awslogs',
        options: { 'awslogs-group': '/ecs/web', 'awslogs-region': 'us-east-1' },
      },
    },
  ],
};
const app = (over: Json): Json => ({
  ...GOOD,
  containerDefinitions: [{ ...(GOOD['containerDefinitions'] as Json[])[0], ...over }],
});
const run = (td: unknown, profile?: Profile, file = 'td.json') =>
  validateText(typeof td === 'string' ? td : JSON.stringify(td, null, 2), {
    file,
    ...(profile ? { profile } : {}),
  });

test('the good definition has no finding at all', () => {
  expect(run(GOOD)).toEqual([]);
});

const CASES: [rule: string, td: unknown, pointer: string, profile?: Profile][] = [
  ['family-name', { ...GOOD, family: 'web app' }, '/family'],
  ['container-count', { ...GOOD, containerDefinitions: [] }, '/containerDefinitions'],
  ['container-name', app({ name: 'my app' }), '/containerDefinitions/0/name'],
  ['essential-container', app({ essential: false }), '/containerDefinitions'],
  ['image-reference', app({ image: 'nginx latest' }), '/containerDefinitions/0/image'],
  ['fargate-network-mode', { ...GOOD, networkMode: 'bridge' }, '/networkMode'],
  [
    'network-mode',
    { ...GOOD, requiresCompatibilities: ['EC2'], networkMode: 'bridge' },
    '/networkMode',
    'windows',
  ],
  ['fargate-cpu-memory', { ...GOOD, cpu: '.25 vcpu', memory: '4 GB' }, '/memory'],
  ['execution-role', { ...GOOD, executionRoleArn: undefined }, '/containerDefinitions/0/logConfiguration'],
  ['role-arn', { ...GOOD, executionRoleArn: 'exec' }, '/executionRoleArn'],
  ['container-memory', app({ memory: 1024 }), '/containerDefinitions/0/memory'],
  [
    'port-mappings',
    app({ portMappings: [{ containerPort: 80, hostPort: 8080 }] }),
    '/containerDefinitions/0/portMappings/0/hostPort',
  ],
  ['network-mode-features', app({ hostname: 'web' }), '/containerDefinitions/0/hostname'],
  [
    'depends-on',
    app({ dependsOn: [{ containerName: 'db', condition: 'START' }] }),
    '/containerDefinitions/0/dependsOn/0/containerName',
  ],
  [
    'volumes',
    app({ mountPoints: [{ sourceVolume: 'data', containerPath: '/data' }] }),
    '/containerDefinitions/0/mountPoints/0/sourceVolume',
  ],
  [
    'efs-encryption',
    {
      ...GOOD,
      volumes: [
        {
          name: 'd',
          efsVolumeConfiguration: { fileSystemId: 'fs-1', authorizationConfig: { iam: 'ENABLED' } },
        },
      ],
    },
    '/volumes/0/efsVolumeConfiguration',
  ],
  [
    'health-check',
    app({ healthCheck: { command: ['curl', 'x'], timeout: 90 } }),
    '/containerDefinitions/0/healthCheck/command',
  ],
  [
    'ulimits',
    app({ ulimits: [{ name: 'nofile', softLimit: 10, hardLimit: 5 }] }),
    '/containerDefinitions/0/ulimits/0/softLimit',
  ],
  [
    'secret-value-from',
    app({ secrets: [{ name: 'A', valueFrom: 'arn:aws:s3:::bucket/key' }] }),
    '/containerDefinitions/0/secrets/0/valueFrom',
  ],
  ['ephemeral-storage', { ...GOOD, ephemeralStorage: { sizeInGiB: 10 } }, '/ephemeralStorage/sizeInGiB'],
  [
    'runtime-platform',
    {
      ...GOOD,
      runtimePlatform: { cpuArchitecture: 'ARM64', operatingSystemFamily: 'WINDOWS_SERVER_2022_CORE' },
    },
    '/runtimePlatform/cpuArchitecture',
  ],
  ['fargate-unsupported', app({ privileged: true }), '/containerDefinitions/0/privileged'],
  [
    'log-configuration',
    app({ logConfiguration: { logDriver: 'awslogs', options: {} } }),
    '/containerDefinitions/0/logConfiguration',
  ],
  [
    'windows-unsupported',
    app({ linuxParameters: { initProcessEnabled: true } }),
    '/containerDefinitions/0/user',
    'windows',
  ],
  [
    'bottlerocket-unsupported',
    { ...app({ linuxParameters: { initProcessEnabled: true } }), requiresCompatibilities: ['EC2'] },
    '/containerDefinitions/0/linuxParameters/initProcessEnabled',
    'bottlerocket',
  ],
  ['outposts-unsupported', GOOD, '/requiresCompatibilities', 'outposts'],
  [
    'privileged',
    { ...app({ privileged: true }), requiresCompatibilities: ['EC2'] },
    '/containerDefinitions/0/privileged',
  ],
  ['host-namespaces', { ...GOOD, requiresCompatibilities: ['EC2'], networkMode: 'host' }, '/networkMode'],
  ['root-user', app({ user: 'root' }), '/containerDefinitions/0/user'],
  ['read-only-root', app({ readonlyRootFilesystem: false }), '/containerDefinitions/0'],
  [
    'plaintext-secret',
    app({ environment: [{ name: 'DB_PASSWORD', value: 'hunter2' }] }),
    '/containerDefinitions/0/environment/0',
  ],
  ['task-role-is-execution-role', { ...GOOD, taskRoleArn: GOOD['executionRoleArn'] }, '/taskRoleArn'],
  ['shape-unknown-key', app({ portMapping: [] }), '/containerDefinitions/0/portMapping'],
  ['shape-type', app({ memory: '512' }), '/containerDefinitions/0/memory'],
  ['shape-enum', { ...GOOD, networkMode: 'AWSVPC' }, '/networkMode'],
  ['shape-required', { ...GOOD, family: undefined }, ''],
  [
    'shape-deprecated',
    { ...GOOD, inferenceAccelerators: [{ deviceName: 'a', deviceType: 'eia2.medium' }] },
    '/inferenceAccelerators',
  ],
  ['describe-output', { ...GOOD, revision: 3 }, '/revision'],
  ['template-placeholder', app({ image: '' }), '/containerDefinitions/0/image'],
  [
    'size-limit',
    {
      ...GOOD,
      containerDefinitions: [app({ command: ['x'.repeat(70_000)] })['containerDefinitions']].flat(),
    },
    '',
  ],
  ['not-a-task-definition', '"just a string"', ''],
  ['container-definitions-only', GOOD['containerDefinitions'], ''],
  ['syntax', '{"family": }', ''],
];

describe('every rule', () => {
  test('has a case below', () => {
    const covered = new Set(CASES.map((c) => c[0]));
    expect(RULES.map((r) => r.id).filter((id) => !covered.has(id))).toEqual([]);
  });

  // A rest parameter: rows without a profile would otherwise make Jest wait for a done callback.
  test.each(CASES)('%s fires at the value it is about', (...row) => {
    const [rule, td, pointer, profile] = row;
    const findings = run(td, profile);
    const hit = findings.find((f) => f.rule === rule);
    expect([rule, hit?.pointer]).toEqual([rule, pointer]);
    expect(hit!.docs).toMatch(new RegExp(`validate-rules\\.md#${rule}$`));
  });
});

describe('network-mode', () => {
  const windowsEc2 = (networkMode: string | undefined): Json => ({
    ...GOOD,
    requiresCompatibilities: ['EC2'],
    runtimePlatform: { operatingSystemFamily: 'WINDOWS_SERVER_2022_CORE' },
    networkMode,
  });
  const rules = (td: Json, profile?: Profile) =>
    run(td, profile)
      .filter((f) => f.pointer === '/networkMode' || f.rule.includes('network'))
      .map((f) => f.rule);

  test.each(['bridge', 'host', 'none'])(
    'Windows on EC2 with %s: refused, with what to use instead',
    (mode) => {
      const hit = run(windowsEc2(mode)).find((f) => f.rule === 'network-mode');
      expect(hit).toMatchObject({ severity: 'error', pointer: '/networkMode' });
      expect(hit!.message).toContain(`networkMode "${mode}" is for Linux containers`);
      expect(hit!.message).toContain('Use awsvpc, or leave networkMode out');
    },
  );

  test('Windows on EC2 with awsvpc, or none given: nothing to say', () => {
    expect(rules(windowsEc2('awsvpc'))).toEqual([]);
    expect(rules(windowsEc2(undefined))).toEqual([]);
  });

  test('Linux on EC2 takes every mode', () => {
    for (const mode of ['bridge', 'host', 'none', 'awsvpc'])
      expect(rules({ ...GOOD, requiresCompatibilities: ['EC2'], networkMode: mode })).not.toContain(
        'network-mode',
      );
  });

  test('one finding per mistake: Fargate is fargate-network-mode, an unknown value is shape-enum', () => {
    expect(rules({ ...windowsEc2('bridge'), requiresCompatibilities: ['FARGATE'] })).toEqual([
      'fargate-network-mode',
    ]);
    // The docs' "<default>" means leaving it out; the string "default" is not a value the API has.
    expect(rules(windowsEc2('default'))).toEqual(['shape-enum']);
  });
});

describe('around the rules', () => {
  test('YAML: findings on the line of the key, and ignore comments with a reason', () => {
    const yaml = [
      'family: web',
      'containerDefinitions:',
      '  - name: app',
      '    image: nginx',
      '    memory: "512"',
      '    # ecs-shipyard-ignore read-only-root, root-user: the image needs to write /var/cache',
      '    readonlyRootFilesystem: false',
      '',
    ].join('\n');
    const findings = validateText(yaml, { file: 'td.yaml' });
    expect(findings.find((f) => f.rule === 'shape-type')).toMatchObject({ line: 5, column: 5 });
    expect(findings.some((f) => f.rule === 'read-only-root' && f.line === 7)).toBe(false);
    const unexplained = validateText(yaml.replace(': the image needs to write /var/cache', ''), {
      file: 'td.yaml',
    });
    expect(unexplained.some((f) => f.rule === 'read-only-root')).toBe(true);
  });

  test('describe output: errors strictly, warnings with normalize, the wrapper unwrapped', () => {
    const described = JSON.stringify(
      { taskDefinition: { ...GOOD, revision: 3, status: 'ACTIVE', taskRoleArn: null } },
      null,
      2,
    );
    const strict = validateText(described, { file: 'd.json' });
    expect(strict.filter((f) => f.rule === 'describe-output').map((f) => f.severity)).toEqual([
      'error',
      'error',
      'error',
      'error',
    ]);
    const lenient = validateText(described, { file: 'd.json', normalize: true });
    expect(lenient.filter((f) => f.severity === 'error')).toEqual([]);
  });

  test('severity settings and config ignores apply', () => {
    const td = JSON.stringify(app({ privileged: true, readonlyRootFilesystem: false }), null, 2);
    const f = validateText(td, {
      file: 'x.json',
      severity: { 'read-only-root': 'off', 'fargate-unsupported': 'warning' },
      ignore: [{ rule: 'privileged', reason: 'a build agent' }],
    });
    expect(f.map((x) => [x.rule, x.severity])).toEqual([['fargate-unsupported', 'warning']]);
  });

  test('typos get the nearest key; case-only differences first', () => {
    expect(nearest('portMapings', ['portMappings', 'links'])).toBe('portMappings');
    expect(nearest('Image', ['image', 'name'])).toBe('image');
    expect(nearest('zzz', ['image', 'name'])).toBeUndefined();
  });

  test.each([
    ['validate:\n  profile: lambda', /validate\.profile is "lambda"; it takes auto, fargate/],
    ['validate:\n  severity: { privileged: loud }', /validate\.severity\.privileged is "loud"/],
    ['validate:\n  ignore: [{ rule: privileged }]', /validate\.ignore\[0\] needs a reason/],
    ['validate:\n  colour: red', /validate\.colour is not a setting/],
    ['- a list', /expected a mapping with a "validate" key/],
  ])('config %j is refused with a clear message', async (text, message) => {
    const { parse } = await import('yaml');
    expect(() => readConfig(parse(text), '.ecs-shipyard.yml')).toThrow(message);
  });
});
