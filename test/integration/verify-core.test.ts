// verify-task-definition's core against the simulator's account, through the real SDK clients: plan from
// the shell's own input spec, run with the clients the action makes. One account; each test changes the
// task definition (a tag never pushed, a misspelt secret …) or the caller (denied, throttled).
import { afterAll, beforeAll, beforeEach, describe, expect, test } from '@jest/globals';
import { inputs } from '../../src/actions/verify-task-definition/action.js';
import { verifyClients } from '../../src/verify/clients.js';
import { planVerify } from '../../src/verify/plan.js';
import { newReport, runVerify, type VerifyReport } from '../../src/verify/run.js';
import { captureLog, settingsOf } from '../harness/core.js';
import {
  ACCOUNT,
  REGION,
  REGISTRY,
  secretArn,
  verifyScenario,
  webDefinition,
  workspaceWith,
} from '../harness/verify.js';
import { type Simulator, simulatorEnv, startSimulator } from '../simulator/server.js';
import { targetGroupArn } from '../simulator/services/elbv2.js';

type Json = Record<string, unknown>;
let sim: Simulator;
const saved = { ...process.env };

beforeAll(async () => {
  sim = await startSimulator({ scenario: verifyScenario() });
  // The service's load balancer names the target group by its ARN, which the simulator derives.
  const arn = targetGroupArn(sim, 'web-tg');
  sim.scenario.ecs!.services![0]!.loadBalancers = [
    { targetGroupArn: arn, containerName: 'web', containerPort: 8080 },
  ];
  await sim.close();
  sim = await startSimulator({ scenario: verifyScenario({ targetGroupArn: arn }) });
});
afterAll(async () => {
  await sim?.close();
  process.env = saved;
});
beforeEach(() => {
  sim.clearFaults();
  sim.requests.length = 0;
});

async function verify(
  definition: Json,
  raw: Record<string, string> = {},
  options: { accessKeyId?: string; name?: string } = {},
) {
  const ws = await workspaceWith(definition, options.name);
  const env = {
    ...simulatorEnv(sim, REGION, options.accessKeyId),
    AWS_MAX_ATTEMPTS: '2',
    GITHUB_WORKSPACE: ws.dir,
  };
  Object.assign(process.env, env);
  const { log, warnings } = captureLog();
  const settings = settingsOf(inputs, {
    'task-definition': ws.file,
    cluster: 'prod',
    service: 'web',
    ...raw,
  });
  const plan = await planVerify(settings, env, log);
  const report = newReport(plan);
  const masked: string[] = [];
  await runVerify(
    plan,
    {
      clients: verifyClients({ region: REGION, action: 'test', env }),
      region: REGION,
      log,
      mask: (v) => masked.push(v),
    },
    report,
  );
  return { report, ws, warnings, masked };
}

const rules = (r: VerifyReport) => r.findings.map((f) => `${f.severity} ${f.rule}`);
const only = (r: VerifyReport, rule: string) => r.findings.filter((f) => f.rule === rule);

test('the definition that fits the account passes, and the diff shows the new image against the running revision', async () => {
  const { report } = await verify(webDefinition());
  expect(report.findings).toEqual([]);
  expect(report.outcome).toBe('passed');
  expect(report.looked).toEqual(['2 images', '2 roles', '2 secrets', '2 log groups', 'service web']);
  expect(report.against).toMatch(/task-definition\/web:1$/);
  expect(report.changed).toBe(true);
  expect(report.diff).toContain(`-      "image": "${REGISTRY}/web:1.2.2"`);
  expect(report.diff).toContain(`+      "image": "${REGISTRY}/web:1.2.3"`);
  // Only the image changed: the ECS defaults (essential, cpu 0, empty lists) are not reported as changes.
  expect(report.diff!.split('\n').filter((l) => /^[-+] /.test(l))).toHaveLength(2);
});

test('no resource is looked up twice, and the lookups are what the issue asks (one BatchGetImage per repository)', async () => {
  const { report } = await verify(webDefinition({ containers: 5 }));
  expect(report.findings).toEqual([]);
  // The config blobs of the two single-platform images (envoy, worker) come from ECR's download URLs.
  const blobs = sim.requests.filter((r) => r.service === 's3' && r.operation === 'GetObject');
  expect(blobs).toHaveLength(2);
  const seen = sim.requests
    .filter((r) => !blobs.includes(r))
    .map((r) => `${r.operation} ${JSON.stringify(r.params)}`);
  expect(seen.filter((s, i) => seen.indexOf(s) !== i)).toEqual([]);
  expect(sim.calls('BatchGetImage')).toHaveLength(3);
  expect(sim.calls('GetRole')).toHaveLength(2);
  expect(sim.calls('DescribeLogGroups')).toHaveLength(2);
  expect(report.calls['BatchGetImage']).toBe(3);
});

test('the same definition with nothing to change says so', async () => {
  const { report } = await verify(webDefinition({ tag: '1.2.2' }));
  expect(report.changed).toBe(false);
  expect(report.diff).toBe('');
});

describe('what it catches, on the line', () => {
  test('a tag that was never pushed', async () => {
    const { report, ws } = await verify(webDefinition({ tag: '1.2.4' }));
    const [f] = only(report, 'image-not-found');
    expect(f?.message).toMatch(/tag 1\.2\.4 is not in web .*never pushed/);
    expect(f?.line).toBe(ws.lineOf('web:1.2.4'));
    expect(report.outcome).toBe('failed');
  });

  test('an amd64-only image for an ARM64 task', async () => {
    const d = webDefinition();
    ((d['containerDefinitions'] as Json[])[1] as Json)['image'] = `${REGISTRY}/legacy:1`;
    const { report, ws } = await verify(d);
    const [f] = only(report, 'image-platform');
    expect(f?.message).toMatch(/offers linux\/amd64 only, but the task runs on linux\/arm64/);
    expect(f?.line).toBe(ws.lineOf('legacy:1'));
  });

  test('a misspelt secret, and a parameter that does not exist', async () => {
    const d = webDefinition();
    const web = (d['containerDefinitions'] as Json[])[0] as Json;
    web['secrets'] = [
      {
        name: 'DB_PASSWORD',
        valueFrom: `arn:aws:secretsmanager:${REGION}:${ACCOUNT}:secret:prod/dbb-AbCdEf:password::`,
      },
      { name: 'API_KEY', valueFrom: '/prod/api-kee' },
    ];
    const { report, ws } = await verify(d);
    expect(only(report, 'secret-not-found').map((f) => [f.line, f.message.split(',')[0]])).toEqual([
      [ws.lineOf('prod/dbb'), expect.stringMatching(/^DB_PASSWORD of web names the secret .*prod\/dbb/)],
      [ws.lineOf('/prod/api-kee'), 'API_KEY of web names the SSM parameter /prod/api-kee'],
    ]);
  });

  test('an execution role that lacks secretsmanager:GetSecretValue: the statement to add is named', async () => {
    const d = { ...webDefinition(), executionRoleArn: `arn:aws:iam::${ACCOUNT}:role/bare-execution` };
    const { report, ws } = await verify(d);
    const denied = only(report, 'role-permission');
    // A secret's own policy may grant what the role's do not: a warning; SSM parameters have none: an error.
    expect(denied.map((f) => [f.line, f.severity])).toEqual([
      [ws.lineOf('prod/db'), 'warning'],
      [ws.lineOf('/prod/api-key'), 'error'],
    ]);
    expect(denied[0]!.message).toMatch(
      /has no policy that allows secretsmanager:GetSecretValue to read DB_PASSWORD of web, .*unless the resource's own policy grants it/,
    );
    expect(denied[1]!.message).toMatch(/may not ssm:GetParameters to read API_KEY of web/);
    expect(report.outcome).toBe('failed');
    expect(denied[0]!.message).toContain(
      `"Action":"secretsmanager:GetSecretValue","Resource":"arn:aws:secretsmanager:${REGION}:${ACCOUNT}:secret:prod/db-`,
    );
  });

  test('a role that ECS tasks cannot assume', async () => {
    const d = { ...webDefinition(), taskRoleArn: `arn:aws:iam::${ACCOUNT}:role/ec2-role` };
    const { report, ws } = await verify(d);
    const [f] = only(report, 'role-trust');
    expect(f?.message).toMatch(/ec2-role \(taskRoleArn\) does not trust ecs-tasks\.amazonaws\.com/);
    expect(f?.line).toBe(ws.lineOf('"taskRoleArn"'));
  });

  test('a role that does not exist', async () => {
    const d = { ...webDefinition(), taskRoleArn: `arn:aws:iam::${ACCOUNT}:role/web-tsak` };
    const { report } = await verify(d);
    expect(only(report, 'role-not-found')[0]?.message).toMatch(
      /names the role web-tsak, which does not exist/,
    );
  });

  test('a missing log group, unless awslogs-create-group is true', async () => {
    const d = webDefinition();
    const envoy = (d['containerDefinitions'] as Json[])[1] as Json;
    const options = (envoy['logConfiguration'] as Json)['options'] as Json;
    options['awslogs-group'] = '/ecs/envoy';
    const { report, ws } = await verify(d);
    const [f] = only(report, 'log-group-missing');
    expect(f?.message).toMatch(/log group \/ecs\/envoy of envoy does not exist in us-east-1/);
    expect(f?.line).toBe(ws.lineOf('/ecs/envoy'));
    options['awslogs-create-group'] = 'true';
    const again = await verify(d);
    expect(only(again.report, 'log-group-missing')).toEqual([]);
    // The role may not create it (its policy covers log streams only): that is said instead.
    expect(only(again.report, 'role-permission')[0]?.message).toMatch(/may not logs:CreateLogGroup/);
  });

  test('a target group on another port than the container maps', async () => {
    const { report, ws } = await verify(webDefinition(), {
      'load-balancers': JSON.stringify([
        { targetGroupArn: targetGroupArn(sim, 'web-tg'), containerName: 'web', containerPort: 80 },
        { targetGroupArn: targetGroupArn(sim, 'web-admin-tg'), containerName: 'web', containerPort: 8080 },
      ]),
    });
    const found = only(report, 'target-group');
    expect(found.map((f) => [f.severity, f.line])).toEqual([
      ['error', ws.lineOf('"portMappings"')],
      ['warning', ws.lineOf('"portMappings"')],
    ]);
    expect(found[0]!.message).toMatch(/forwards to port 80 of web, but that container maps port 8080/);
    expect(found[1]!.message).toMatch(/checks health on port 9901/);
    // And the diff says the deploy changes the load balancers.
    expect(report.diff).toMatch(/--- service web now\n\+\+\+ after the deploy/);
  });

  test('a capacity provider the cluster does not have, and subnets in two VPCs', async () => {
    const { report } = await verify(webDefinition(), {
      'capacity-provider-strategy': JSON.stringify([{ capacityProvider: 'spot-arm', weight: 1 }]),
    });
    expect(only(report, 'capacity-provider')[0]?.message).toMatch(
      /spot-arm is not associated with cluster prod \(it has FARGATE, FARGATE_SPOT\)/,
    );
  });

  test('EFS volumes and environment files that do not exist', async () => {
    const d = webDefinition();
    d['volumes'] = [
      { name: 'data', efsVolumeConfiguration: { fileSystemId: 'fs-0badbadb', transitEncryption: 'ENABLED' } },
      {
        name: 'shared',
        efsVolumeConfiguration: {
          fileSystemId: 'fs-0123abcd',
          transitEncryption: 'ENABLED',
          authorizationConfig: { accessPointId: 'fsap-0fffffffffffffff0' },
        },
      },
    ];
    ((d['containerDefinitions'] as Json[])[0] as Json)['environmentFiles'] = [
      { value: 'arn:aws:s3:::prod-config/web.env', type: 's3' },
      { value: 'arn:aws:s3:::prod-config/missing.env', type: 's3' },
    ];
    const { report } = await verify(d);
    expect(only(report, 'efs').map((f) => f.message)).toEqual([
      expect.stringMatching(/fs-0badbadb, which does not exist/),
      expect.stringMatching(/access point fsap-0fffffffffffffff0, which does not exist/),
    ]);
    expect(only(report, 'environment-file').map((f) => f.message)).toEqual([
      expect.stringMatching(/missing\.env of web does not exist/),
    ]);
  });
});

describe('checks that cannot run', () => {
  test('every call of one service denied: one warning naming the IAM action, the other checks still run', async () => {
    sim.scenario.principals = { AKIANOSECRETS: { deny: ['secretsmanager:*'] } };
    const d = webDefinition();
    (((d['containerDefinitions'] as Json[])[1] as Json)['logConfiguration'] as Json)['options'] = {
      'awslogs-group': '/ecs/envoy',
      'awslogs-region': REGION,
      'awslogs-stream-prefix': 'envoy',
    };
    const { report } = await verify(d, {}, { accessKeyId: 'AKIANOSECRETS' });
    const skipped = only(report, 'check-skipped');
    expect(skipped).toHaveLength(1);
    expect(skipped[0]!.severity).toBe('warning');
    expect(skipped[0]!.message).toMatch(
      /The secrets check could not look at secret .*prod\/db.*AWS denied secretsmanager:DescribeSecret/,
    );
    expect(only(report, 'log-group-missing')).toHaveLength(1);
    expect(report.outcome).toBe('failed');
  });

  test('throttling that passes is retried; throttling that stays is one warning', async () => {
    sim.addFault({ operation: 'DescribeLogGroups', kind: 'throttle', count: 1 });
    const passing = await verify(webDefinition());
    expect(passing.report.findings).toEqual([]);
    sim.clearFaults();
    sim.addFault({ operation: 'DescribeLogGroups', kind: 'throttle' });
    const { report } = await verify(webDefinition());
    expect(rules(report)).toEqual(['warning check-skipped']);
    expect(report.findings[0]!.message).toMatch(
      /logs check could not look at log group \/ecs\/sidecars, log group \/ecs\/web: AWS kept throttling logs:DescribeLogGroups[^]*The other checks went on\.$/,
    );
    expect(report.findings[0]!.message).not.toContain('Grant');
    expect(report.outcome).toBe('passed');
  });
});

test('secret-keys reads the value to find the JSON key, masks it, and never shows it', async () => {
  const d = webDefinition({ secrets: 3 });
  const web = (d['containerDefinitions'] as Json[])[0] as Json;
  (web['secrets'] as Json[])[1]!['valueFrom'] = `${secretArn('prod/service-1')}:passwd::`;
  const { report, masked } = await verify(d, { checks: 'all, secret-keys' });
  const [f] = only(report, 'secret-key');
  expect(f?.message).toMatch(
    /takes the JSON key passwd .* which the secret does not have \(its keys: username, password\)/,
  );
  expect(JSON.stringify(report)).not.toContain('not-shown-');
  expect(masked).toEqual(expect.arrayContaining([expect.stringContaining('not-shown-1'), 'not-shown-1']));
  // Without the check, the values are not read.
  sim.requests.length = 0;
  await verify(d);
  expect(sim.calls('GetSecretValue')).toEqual([]);
});

test('a file with a placeholder left is refused with the validator’s words, before any call', async () => {
  const d = webDefinition();
  ((d['containerDefinitions'] as Json[])[0] as Json)['image'] = `${REGISTRY}/web:\${IMAGE_TAG}`;
  await expect(verify(d)).rejects.toThrow(
    /is not a task definition that can be verified:\ntask-definition\.json:\d+:\d+: .*\$\{IMAGE_TAG\}/,
  );
  expect(sim.requests).toEqual([]);
});

test('a registered revision is verified as ECS has it, and diffed against the family’s latest without a service', async () => {
  const env = { ...simulatorEnv(sim, REGION), AWS_MAX_ATTEMPTS: '2' };
  Object.assign(process.env, env);
  const { log } = captureLog();
  const plan = await planVerify(
    settingsOf(inputs, { 'task-definition': 'web:1', cluster: 'prod' }),
    env,
    log,
  );
  const report = newReport(plan);
  await runVerify(
    plan,
    { clients: verifyClients({ region: REGION, action: 'test', env }), region: REGION, log },
    report,
  );
  expect(report.file).toBe('web:1');
  // web:1 runs web:1.2.2, which exists; its findings have no line of a file.
  expect(report.findings).toEqual([]);
  expect(report.changed).toBe(false);
});

describe('bad input, refused before any call', () => {
  test.each([
    [
      { checks: 'images, imgaes' },
      /Input 'checks' has "imgaes", which is not a check: it takes all, or a list of images, roles/,
    ],
    [{ service: '', 'desired-count': '3' }, /Input 'desired-count' needs 'service'/],
    [{ 'load-balancers': '{"a":1}' }, /Input 'load-balancers'/],
    [
      { cluster: 'arn:aws:ecs:eu-west-1:111122223333:cluster/prod', region: 'us-east-1' },
      /Input 'cluster' is an ARN in eu-west-1, but input 'region' is us-east-1/,
    ],
    [
      { 'task-definition': 'missing.json' },
      /Input 'task-definition' names .*missing\.json, which does not exist/,
    ],
  ])('%j', async (raw, message) => {
    await expect(verify(webDefinition(), raw as Record<string, string>)).rejects.toThrow(message);
    expect(sim.requests).toEqual([]);
  });
});

test('a hand-edited file with values of the wrong type is findings, never a crash of the run', async () => {
  const d = webDefinition();
  const web = (d['containerDefinitions'] as Json[])[0] as Json;
  web['portMappings'] = '8080';
  web['secrets'] = 'DB_PASSWORD';
  web['logConfiguration'] = 7;
  const { report } = await verify(d);
  expect(report.outcome).toBeDefined();
  // The rest is still checked: the images were looked at.
  expect(sim.calls('BatchGetImage').length).toBeGreaterThan(0);
  expect(report.findings.every((f) => f.file === 'task-definition.json')).toBe(true);
});

test('an environment file S3 will not show (403: denied, or missing without s3:ListBucket) is a warning, not a pass', async () => {
  sim.scenario.principals = { AKIANOLIST: { deny: ['s3:ListBucket'] } };
  const d = webDefinition();
  ((d['containerDefinitions'] as Json[])[0] as Json)['environmentFiles'] = [
    { value: 'arn:aws:s3:::prod-config/missing.env', type: 's3' },
  ];
  const { report } = await verify(d, { checks: 'storage' }, { accessKeyId: 'AKIANOLIST' });
  expect(rules(report)).toEqual(['warning environment-file']);
  expect(report.findings[0]!.message).toMatch(/S3 answered 403.*s3:ListBucket/);
});

test('environment values are not shown in the diff (a render step may have filled one from a secret)', async () => {
  const d = webDefinition();
  ((d['containerDefinitions'] as Json[])[0] as Json)['environment'] = [
    { name: 'TOKEN', value: 'hunter2-from-a-secret' },
  ];
  const { report } = await verify(d);
  expect(report.diff).toMatch(/"name": "TOKEN",\n\s*\+\s*"value": "\(hidden: sha256 [0-9a-f]{12}\)"/);
  expect(report.diff).not.toContain('hunter2');
});
