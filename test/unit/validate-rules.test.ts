// Each validator rule fires on a definition that breaks it, at the value it is about, and stays quiet
// on a good Fargate definition; YAML positions, ignores, profiles and the describe-output mode.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, test } from '@jest/globals';
import { readConfig } from '../../src/validate/config.js';
import type { Profile } from '../../src/validate/findings.js';
import { RULES } from '../../src/validate/rules.js';
import { toSarif } from '../../src/validate/run.js';
import { nearest } from '../../src/validate/shape-check.js';
import { preloadYaml } from '../../src/validate/source.js';
import { validateText } from '../../src/validate/validate.js';
import { ROOT } from '../harness/runner.js';

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
    'health-check-range',
    app({ healthCheck: { command: ['CMD', 'true'], interval: 1 } }),
    '/containerDefinitions/0/healthCheck/interval',
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
  ['duplicate-key', `{"family": "old", ${JSON.stringify(GOOD).slice(1)}`, '/family'],
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

describe('empty means unset', () => {
  // What the console and CDK write for parameters left blank; the deploy action strips them.
  const windowsEc2 = (over: Json): Json => ({
    ...app(over),
    requiresCompatibilities: ['EC2'],
    runtimePlatform: { operatingSystemFamily: 'WINDOWS_SERVER_2022_CORE' },
  });
  const efs = (config: Json): Json => ({
    ...GOOD,
    volumes: [
      {
        name: 'd',
        efsVolumeConfiguration: { fileSystemId: 'fs-1', transitEncryption: 'ENABLED', ...config },
      },
    ],
  });
  test.each<[rule: string, td: Json, profile?: Profile]>([
    [
      'fargate-unsupported',
      app({
        links: [],
        dockerSecurityOptions: [],
        volumesFrom: [],
        dnsServers: [],
        dnsSearchDomains: [],
        extraHosts: [],
        linuxParameters: { devices: [], tmpfs: [], capabilities: { add: [], drop: [] } },
        ulimits: [{ name: '', softLimit: 1024, hardLimit: 1024 }],
      }),
    ],
    [
      'fargate-unsupported',
      {
        ...GOOD,
        ipcMode: '',
        pidMode: '',
        placementConstraints: [],
        volumes: [{ name: 'v', host: { sourcePath: '' }, dockerVolumeConfiguration: {} }],
      },
    ],
    ['network-mode-features', app({ hostname: '', links: [] })],
    ['role-arn', { ...GOOD, executionRoleArn: '', containerDefinitions: [{ name: 'a', image: 'nginx' }] }],
    ['task-role-is-execution-role', { ...GOOD, taskRoleArn: '', executionRoleArn: '' }],
    ['efs-encryption', efs({ rootDirectory: '', authorizationConfig: { accessPointId: 'fsap-1' } })],
    ['efs-encryption', efs({ transitEncryption: 'DISABLED', authorizationConfig: { accessPointId: '' } })],
    [
      'runtime-platform',
      { ...GOOD, runtimePlatform: { cpuArchitecture: 'ARM64', operatingSystemFamily: '' } },
    ],
    [
      'windows-unsupported',
      windowsEc2({
        user: '',
        readonlyRootFilesystem: false,
        linuxParameters: {},
        links: [],
        ulimits: [],
        dnsServers: [],
        extraHosts: [],
      }),
    ],
    [
      'windows-unsupported',
      {
        ...windowsEc2({ user: undefined, readonlyRootFilesystem: undefined }),
        pidMode: '',
        ipcMode: '',
      },
    ],
    [
      'bottlerocket-unsupported',
      { ...GOOD, requiresCompatibilities: ['EC2'], volumes: [{ name: 'v', efsVolumeConfiguration: {} }] },
      'bottlerocket',
    ],
  ])('%s: empty values are not reported as set', (...row) => {
    const [rule, td, profile] = row;
    expect(run(td, profile).filter((f) => f.rule === rule)).toEqual([]);
  });

  test('a Fargate definition with links: [] and dockerSecurityOptions: [] is clean', () => {
    expect(run(app({ links: [], dockerSecurityOptions: [], volumesFrom: [] }))).toEqual([]);
  });

  test('the same keys with values are still reported', () => {
    const rules = run(app({ links: ['db'], dockerSecurityOptions: ['no-new-privileges'], hostname: 'web' }))
      .filter((f) => f.rule === 'fargate-unsupported' || f.rule === 'network-mode-features')
      .map((f) => f.pointer);
    expect(rules).toEqual(
      expect.arrayContaining([
        '/containerDefinitions/0/links',
        '/containerDefinitions/0/dockerSecurityOptions',
        '/containerDefinitions/0/hostname',
      ]),
    );
  });

  test('a required parameter left empty is missing, as it is once deploy strips it', () => {
    const found = (td: Json) => run(td).map((f) => `${f.rule} ${f.message}`);
    expect(found({ ...GOOD, cpu: '', memory: '' })).toEqual(
      expect.arrayContaining([
        'fargate-cpu-memory "Fargate requires that \'cpu\' be defined at the task level."',
        'fargate-cpu-memory "Fargate requires that \'memory\' be defined at the task level."',
      ]),
    );
    expect(found({ ...GOOD, requiresCompatibilities: ['EC2'], memory: '' })).toContain(
      `container-memory "Invalid setting for container 'app'. At least one of 'memory' or 'memoryReservation' must be specified."`,
    );
    expect(found({ ...GOOD, executionRoleArn: '' })).toContain(
      'execution-role container "app": "Fargate requires task definition to have execution role ARN to support log driver awslogs."',
    );
    expect(
      found(
        app({
          logConfiguration: {
            logDriver: 'awslogs',
            options: { 'awslogs-group': '', 'awslogs-region': 'us-east-1' },
          },
        }),
      ),
    ).toContain('log-configuration container "app": the awslogs driver needs the option awslogs-group.');
  });

  test('an empty networkMode is the default (bridge), which Fargate refuses', () => {
    const hit = run({ ...GOOD, networkMode: '' }).find((f) => f.rule === 'fargate-network-mode');
    expect(hit).toMatchObject({ pointer: '/networkMode', severity: 'error' });
    expect(hit!.message).toContain('This one has none set (bridge).');
  });

  test('isSet: undefined, null, "", [] and {} are unset; false, 0 and values are set', async () => {
    const { isSet } = await import('../../src/validate/rules.js');
    expect([undefined, null, '', [], {}].map(isSet)).toEqual([false, false, false, false, false]);
    expect([false, 0, ' ', ['a'], { a: 1 }, 'x'].map(isSet)).toEqual([true, true, true, true, true, true]);
  });
});

describe('health-check-range', () => {
  const hc = (healthCheck: Json) => run(app({ healthCheck: { command: ['CMD', 'true'], ...healthCheck } }));
  test.each([
    ['interval', 1, '5-300', 'You may specify between 5 and 300 seconds.'],
    ['interval', 301, '5-300', 'You may specify between 5 and 300 seconds.'],
    ['timeout', 1, '2-60', 'You may specify between 2 and 60 seconds.'],
    ['timeout', 61, '2-60', 'You may specify between 2 and 60 seconds.'],
    ['retries', 0, '1-10', 'You may specify between 1 and 10 retries.'],
    ['retries', 11, '1-10', 'You may specify between 1 and 10 retries.'],
    ['startPeriod', -1, '0-300', 'You can specify between 0 and 300 seconds.'],
    ['startPeriod', 301, '0-300', 'You can specify between 0 and 300 seconds.'],
  ])('%s %d: an error, since ECS refuses it', (key, value, range, words) => {
    const hits = hc({ interval: 300, timeout: 2, [key]: value }).filter(
      (f) => f.rule === 'health-check-range',
    );
    expect(hits).toEqual([
      expect.objectContaining({
        severity: 'error',
        pointer: `/containerDefinitions/0/healthCheck/${key}`,
        message: `container "app": healthCheck.${key} ${value} is outside ${range}, and ECS refuses the task definition: "${words}"`,
      }),
    ]);
  });

  test('the bounds themselves are accepted', () => {
    expect(hc({ interval: 5, timeout: 2, retries: 1, startPeriod: 0 })).toEqual([]);
    expect(hc({ interval: 300, timeout: 60, retries: 10, startPeriod: 300 })).toEqual([]);
  });

  test('a timeout not shorter than the interval stays a health-check warning, and so does the command', () => {
    const found = hc({ interval: 5, timeout: 6 }).map((f) => [f.rule, f.severity, f.pointer]);
    expect(found).toEqual([['health-check', 'warning', '/containerDefinitions/0/healthCheck/timeout']]);
    const command = run(app({ healthCheck: { command: ['/healthcheck'] } })).map((f) => [f.rule, f.severity]);
    expect(command).toEqual([['health-check', 'warning']]);
  });
});

describe('controls', () => {
  // As verified against the Security Hub ECS controls page, the AWS Config managed rule pages and Checkov's sources.
  const MAPPED: Record<string, string[]> = {
    'efs-encryption': ['ECS.18', 'ecs-task-definition-efs-encryption-enabled', 'CKV_AWS_97'],
    privileged: ['ECS.4', 'ecs-containers-nonprivileged', 'CKV_AWS_334'],
    'host-namespaces': [
      'ECS.17',
      'ecs-task-definition-network-mode-not-host',
      'ECS.3',
      'ecs-task-definition-pid-mode-check',
      'CKV_AWS_335',
    ],
    'root-user': ['ECS.20', 'ecs-task-definition-linux-user-non-root', 'ecs-task-definition-nonroot-user'],
    'read-only-root': ['ECS.5', 'ecs-containers-readonly-access', 'CKV_AWS_336'],
    'plaintext-secret': ['ECS.8', 'ecs-no-environment-secrets'],
    'task-role-is-execution-role': ['CKV_AWS_249'],
  };

  test('the security rules carry the controls they match, and no other rule has any', () => {
    const mapped = Object.fromEntries(
      RULES.filter((r) => r.controls).map((r) => [r.id, r.controls!.map((x) => x.id)]),
    );
    expect(mapped).toEqual(MAPPED);
    for (const x of RULES.flatMap((r) => r.controls ?? []))
      expect(`${x.framework} ${x.id} ${x.url}`).toMatch(
        /^(AWS Security Hub ECS\.(\d+) https:\/\/docs\.aws\.amazon\.com\/securityhub\/latest\/userguide\/ecs-controls\.html#ecs-\2|AWS Config ([a-z-]+) https:\/\/docs\.aws\.amazon\.com\/config\/latest\/developerguide\/\3\.html|Checkov CKV_AWS_\d+ https:\/\/github\.com\/bridgecrewio\/checkov\/blob\/main\/checkov\/terraform\/checks\/resource\/aws\/ECS\w+\.py)$/,
      );
  });

  test('SARIF rules carry them as tags and controls in their property bag', () => {
    const findings = run({ ...app({ privileged: true }), requiresCompatibilities: ['EC2'] });
    const sarif = toSarif({
      files: ['td.json'],
      findings,
      counts: { error: 0, warning: 0, notice: 0 },
      ignored: [],
    }) as {
      runs: {
        tool: { driver: { rules: { id: string; properties?: { tags: string[]; controls: unknown[] } }[] } };
        results: { ruleId: string }[];
      }[];
    };
    const rules = sarif.runs[0]!.tool.driver.rules;
    const privileged = rules.find((r) => r.id === 'privileged')!;
    expect(privileged.properties).toEqual({
      tags: ['security', 'ECS.4', 'ecs-containers-nonprivileged', 'CKV_AWS_334'],
      controls: [
        expect.objectContaining({
          framework: 'AWS Security Hub',
          id: 'ECS.4',
          title: 'ECS containers should run as non-privileged',
        }),
        expect.objectContaining({ framework: 'AWS Config', id: 'ecs-containers-nonprivileged' }),
        expect.objectContaining({ framework: 'Checkov', id: 'CKV_AWS_334' }),
      ],
    });
    expect(sarif.runs[0]!.results.map((r) => r.ruleId)).toContain('privileged');
    // Rules without controls keep a bare descriptor: no empty property bag, no security tag.
    expect(
      rules
        .filter((r) => r.properties)
        .map((r) => r.id)
        .sort(),
    ).toEqual(Object.keys(MAPPED).sort());
    // SARIF 2.1.0: tags are unique strings.
    for (const r of rules.filter((x) => x.properties))
      expect(new Set(r.properties!.tags).size).toBe(r.properties!.tags.length);
  });

  test("the rule docs list each rule's controls with links", () => {
    const doc = readFileSync(join(ROOT, 'docs', 'validate-rules.md'), 'utf8');
    const section = (id: string) => doc.split(`### ${id}\n`)[1]!.split('\n### ')[0]!;
    expect(section('privileged')).toContain(
      '- Controls: AWS Security Hub [ECS.4](https://docs.aws.amazon.com/securityhub/latest/userguide/ecs-controls.html#ecs-4) (ECS containers should run as non-privileged); AWS Config [ecs-containers-nonprivileged](https://docs.aws.amazon.com/config/latest/developerguide/ecs-containers-nonprivileged.html); Checkov [CKV_AWS_334]',
    );
    for (const [id, ids] of Object.entries(MAPPED))
      for (const x of ids) expect(section(id)).toContain(`[${x}](`);
    expect(section('health-check-range')).not.toContain('Controls:');
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
    ['validate:\n  placeholders: strict', /validate\.placeholders is "strict"; it takes allow or error\./],
    ['- a list', /expected a mapping with a "validate" key/],
  ])('config %j is refused with a clear message', async (text, message) => {
    const { parse } = await import('yaml');
    expect(() => readConfig(parse(text), '.ecs-shipyard.yml')).toThrow(message);
  });
});
