// Every AWS call an action makes (seen in the simulator's request log while the action runs the way the
// e2e suite runs it) must be granted by the least-privilege policy its docs give.
import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, test } from '@jest/globals';
import { ECSClient, RegisterTaskDefinitionCommand } from '@aws-sdk/client-ecs';
import { allowedActions, grants, policiesIn } from '../harness/iam.js';
import { ROOT, runAction } from '../harness/runner.js';
import { REGISTRY, verifyScenario, webDefinition, workspaceWith } from '../harness/verify.js';
import { type Simulator, simulatorEnv, startSimulator } from '../simulator/server.js';
import { targetGroupArn } from '../simulator/services/elbv2.js';

let sim: Simulator;
let webFile: string;
beforeAll(async () => {
  sim = await startSimulator({ scenario: join(ROOT, 'test', 'simulator', 'scenarios', 'demo.json') });
  sim.clearFaults();
  Object.assign(process.env, simulatorEnv(sim));
  await new ECSClient({ region: 'us-east-1' }).send(
    new RegisterTaskDefinitionCommand({
      family: 'demo-web',
      containerDefinitions: [{ name: 'web', image: 'nginx', memory: 128 }],
    }),
  );
  // A changed web task definition, so that deploy registers; the scenario's second web rollout fails.
  webFile = join(await mkdtemp(join(tmpdir(), 'iam-')), 'web.json');
  await writeFile(
    webFile,
    JSON.stringify({ ...(sim.scenario.ecs?.taskDefinitions?.[0] ?? {}), cpu: '512', memory: '1024' }),
  );
});
afterAll(() => sim.close());

/**
 * Actions a page grants that these runs do not call, each with the reason it is still needed (the page
 * says so too). Anything granted and neither called nor listed here fails the test.
 */
const NOT_EXERCISED: Record<string, Record<string, string>> = {
  'image-pipeline': {
    'imagebuilder:CancelImageCreation': 'cancel-on-abort: only when the job is cancelled during the wait',
  },
  'run-task': {
    'ecs:RegisterTaskDefinition': 'only when task-definition is a file',
    'ecs:TagResource': 'checked by ECS on RunTask with tags (tag on create); no call of its own',
    'iam:PassRole': 'checked by AWS when the task definition names roles; no call of its own',
    'logs:GetLogEvents': 'only when the task fails: its last log lines',
  },
  deploy: {
    'iam:PassRole': 'checked by AWS when a task definition or service names roles; no call of its own',
    'codedeploy:RegisterApplicationRevision':
      'checked by CodeDeploy on CreateDeployment (the AppSpec becomes a revision); no call of its own',
    'codedeploy:GetDeploymentConfig':
      'checked by CodeDeploy on CreateDeployment (it reads the deployment configuration); no call of its own',
  },
  'rollout-ecs-ami': {
    'autoscaling:CancelInstanceRefresh': 'cancel-on-abort: only when the job is cancelled during the wait',
    'ecs:DescribeContainerInstances': 'only for container instances the fleet check finds on another AMI',
  },
  'continue-deployment': {
    'ecs:StopServiceDeployment': 'decision: rollback when no deployment is paused',
  },
  'verify-task-definition': {
    's3:ListBucket':
      'checked by S3 on HeadObject: without it a missing key answers 403, not 404; no call of its own',
  },
};

const PIPELINE = 'arn:aws:imagebuilder:us-east-1:111122223333:image-pipeline/ecs-node';

test.each([
  [
    'resolve-ecs-image',
    'resolve-ecs-image',
    [{}, { variant: 'gpu' }, { os: 'bottlerocket' }, { 'compare-to': PIPELINE }],
  ],
  [
    'image-pipeline',
    'image-pipeline',
    [{ pipeline: 'ecs-node', 'parent-image': 'ami-0123456789abcdef0', 'poll-interval': '1s' }],
  ],
  ['render-task-definition', 'render-task-definition', [{ family: 'demo-web' }]],
  [
    'ecr-repository',
    'ecr-repository',
    [{ repository: 'iam-check' }, { repository: 'iam-check' }, { repository: 'web', 'if-missing': 'fail' }],
  ],
  [
    'run-task',
    'run-task',
    [
      {
        'task-definition': 'web',
        cluster: 'prod',
        subnets: 'subnet-0123456789abcdef0',
        'security-groups': 'sg-0123456789abcdef0',
      },
    ],
  ],
  [
    'rollout-ecs-ami',
    'rollout-ecs-ami',
    [{ ami: 'ami-0bbbbbbbbbbbbbbbb', cluster: 'prod', 'poll-interval': '1s', 'set-default-version': 'true' }],
  ],
  [
    'deploy',
    '.',
    [
      { 'task-definition': 'WEB_FILE', cluster: 'prod', service: 'web', 'deregister-previous': '1' },
      { 'task-definition': 'WEB_FILE', cluster: 'prod', service: 'web', 'force-new-deployment': 'true' },
      { 'task-definition': 'WEB_FILE', cluster: 'prod', service: 'web-bg' },
      { 'task-definition': 'WEB_FILE', cluster: 'prod', service: 'shop', 'wait-until': 'paused' },
    ],
  ],
  // Decides at the pause the last deploy run left.
  [
    'continue-deployment',
    'continue-deployment',
    [{ cluster: 'prod', service: 'shop', decision: 'continue' }],
  ],
] as [string, string, Record<string, string>[]][])(
  '%s: the docs grant every call it makes',
  async (name, dir, runs) => {
    const docs = await readFile(join(ROOT, 'docs', `${name}.md`), 'utf8');
    sim.requests.length = 0;
    for (const raw of runs) {
      const inputs = Object.fromEntries(
        Object.entries(raw).map(([k, v]) => [k, v === 'WEB_FILE' ? webFile : v]),
      );
      const r = await runAction(dir, {
        inputs,
        env: { ...simulatorEnv(sim), GITHUB_RUN_ID: String(Math.random()) },
      });
      // A rollout that fails fails the step by design; anything else must succeed.
      if (!r.errors[0]?.includes('circuit breaker'))
        expect([name, inputs, r.errors]).toEqual([name, inputs, []]);
    }
    expectLeastPrivilege(name, docs, sim);
  },
);

/** The IAM action a logged call is authorized as, where it is not `<service>:<operation>`. */
const AUTHORIZED_AS: Record<string, string> = { 's3:HeadObject': 's3:GetObject' };
/** The simulator's service names that are not the service's IAM prefix. */
const IAM_PREFIX: Record<string, string> = { efs: 'elasticfilesystem' };

/** Each call the runs made is granted by the page's policy, and the policy grants nothing more (or says why). */
function expectLeastPrivilege(name: string, docs: string, sim: Simulator): void {
  const called = [
    ...new Set(
      sim.requests
        // ECR's layer download URLs are presigned: GetDownloadUrlForLayer is what IAM authorizes.
        .filter((r) => !(r.service === 's3' && r.operation === 'GetObject'))
        .map((r) => `${IAM_PREFIX[r.service] ?? r.service}:${r.operation}`)
        .map((call) => AUTHORIZED_AS[call] ?? call),
    ),
  ].sort();
  expect(called.length).toBeGreaterThan(0);
  const policies = policiesIn(docs);
  expect(policies.length).toBeGreaterThan(0);
  // Each call is allowed by a statement that lists its action for a resource of its type.
  for (const call of called) {
    const results = policies.map((p) => grants(p, call));
    const ok = results.some((r) => r.granted.length > 0);
    expect([
      call,
      ok ? 'granted' : results.flatMap((r) => r.refused).join('; ') || 'in no statement',
    ]).toEqual([call, 'granted']);
  }
  // Least privilege: everything the policy allows is called here, or said why not.
  const unexercised = NOT_EXERCISED[name] ?? {};
  for (const action of new Set(policies.flatMap(allowedActions))) {
    const used = called.some((c) => c === action);
    const reason = unexercised[action];
    expect([action, used ? 'called' : reason ? 'explained' : 'granted but never called']).toEqual([
      action,
      used ? 'called' : 'explained',
    ]);
    if (used) expect([action, reason]).toEqual([action, undefined]);
  }
}

test('verify-task-definition: the docs grant every call it makes (every check, secret-keys too)', async () => {
  const probe = await startSimulator({ scenario: verifyScenario() });
  const arn = targetGroupArn(probe, 'web-tg');
  await probe.close();
  const own = await startSimulator({ scenario: verifyScenario({ targetGroupArn: arn }) });
  try {
    const definition = webDefinition();
    definition['volumes'] = [
      {
        name: 'data',
        efsVolumeConfiguration: {
          fileSystemId: 'fs-0123abcd',
          transitEncryption: 'ENABLED',
          authorizationConfig: { accessPointId: 'fsap-0123456789abcdef0', iam: 'ENABLED' },
        },
      },
    ];
    (definition['containerDefinitions'] as Record<string, unknown>[])[0]!['environmentFiles'] = [
      { value: 'arn:aws:s3:::prod-config/web.env', type: 's3' },
    ];
    const ws = await workspaceWith(definition);
    const r = await runAction('verify-task-definition', {
      inputs: { 'task-definition': ws.file, cluster: 'prod', service: 'web', checks: 'all, secret-keys' },
      env: { ...simulatorEnv(own), GITHUB_WORKSPACE: ws.dir },
    });
    expect(r.errors).toEqual([]);
    expect(r.warnings).toEqual([]);
    // A repository that does not exist: verify reads the pull-through cache rules (the step fails on it).
    const missing = webDefinition();
    (missing['containerDefinitions'] as Record<string, unknown>[])[1]!['image'] =
      `${REGISTRY}/mirror/nginx:1`;
    const other = await workspaceWith(missing);
    const failed = await runAction('verify-task-definition', {
      inputs: { 'task-definition': other.file, cluster: 'prod' },
      env: { ...simulatorEnv(own), GITHUB_WORKSPACE: other.dir },
    });
    expect(failed.errors[0]).toMatch(/mirror\/nginx .* does not exist/);
    expectLeastPrivilege(
      'verify-task-definition',
      await readFile(join(ROOT, 'docs', 'verify-task-definition.md'), 'utf8'),
      own,
    );
  } finally {
    await own.close();
  }
});
