// Every AWS call an action makes (seen in the simulator's request log while the action runs the way the
// e2e suite runs it) must be granted by the least-privilege policy its docs give.
import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, test } from '@jest/globals';
import { ECSClient, RegisterTaskDefinitionCommand } from '@aws-sdk/client-ecs';
import { allowedActions, grants, policiesIn } from '../harness/iam.js';
import { ROOT, runAction } from '../harness/runner.js';
import { type Simulator, simulatorEnv, startSimulator } from '../simulator/server.js';

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
    const called = [...new Set(sim.requests.map((r) => `${r.service}:${r.operation}`))].sort();
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
  },
);
