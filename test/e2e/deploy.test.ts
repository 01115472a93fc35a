import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, test } from '@jest/globals';
import { fargateTaskDefinition } from '../harness/fixtures.js';
import { runAction, startAction } from '../harness/runner.js';
import { ecsState } from '../simulator/services/ecs.js';
import { type Simulator, simulatorEnv, startSimulator } from '../simulator/server.js';

const td = (family: string, image = 'nginx:1.27', env: { name: string; value: string }[] = []) =>
  fargateTaskDefinition(family, image, env);
// The first look comes 2 s after the update: still provisioning then.
const QUICK = { provisionMs: 2600, perTaskMs: 400, drainMs: 1500 };
// Long enough (5.5 s) to be taken as a forecast for the next rollout.
const STEADY = { provisionMs: 2500, perTaskMs: 500, drainMs: 2500 };

let sim: Simulator;
let dir: string;
beforeAll(async () => {
  sim = await startSimulator({
    scenario: {
      principals: { AKIANOPASS: { deny: ['iam:PassRole'] } },
      ecs: {
        clusters: [{ name: 'prod' }],
        taskDefinitions: [td('web'), td('api'), td('slow'), td('steady'), td('ext'), td('old')],
        services: [
          { cluster: 'prod', name: 'web', taskDefinition: 'web:1', rollouts: [QUICK] },
          {
            cluster: 'prod',
            name: 'api',
            taskDefinition: 'api:1',
            rollouts: [
              {
                outcome: 'fail',
                provisionMs: 800,
                perTaskMs: 500,
                exitCode: 1,
                stoppedReason: 'Essential container in task exited',
                logLines: [
                  'listening on :8080',
                  'Error: connect ECONNREFUSED 10.0.3.7:5432',
                  'process exited',
                ],
              },
            ],
          },
          { cluster: 'prod', name: 'slow', taskDefinition: 'slow:1', rollouts: [{ outcome: 'hang' }] },
          { cluster: 'prod', name: 'steady', taskDefinition: 'steady:1', rollouts: [STEADY] },
          { cluster: 'prod', name: 'ext', taskDefinition: 'ext:1', deploymentController: 'EXTERNAL' },
          { cluster: 'prod', name: 'old', taskDefinition: 'old:1', status: 'DRAINING' },
        ],
      },
    },
  });
  dir = await mkdtemp(join(tmpdir(), 'deploy-'));
  await writeFile(
    join(dir, 'web.json'),
    JSON.stringify(td('web', 'nginx:1.28', [{ name: 'RELEASE', value: '42' }])),
  );
  await writeFile(join(dir, 'api.json'), JSON.stringify(td('api', 'api:2')));
  await writeFile(join(dir, 'slow.json'), JSON.stringify(td('slow', 'slow:2')));
  await writeFile(join(dir, 'steady.json'), JSON.stringify(td('steady', 'steady:2')));
  await writeFile(
    join(dir, 'broken.json'),
    '{\n  "family": "web",\n  "containerDefinitions": [\n    {"name": "app",}\n  ]\n}\n',
  );
});
afterAll(() => sim.close());
beforeEach(() => {
  sim.requests.length = 0;
  sim.clearFaults();
});

const env = (extra: Record<string, string> = {}) => ({
  ...simulatorEnv(sim, 'us-east-1'),
  GITHUB_WORKSPACE: dir,
  ...extra,
});

describe('deploy, run from dist', () => {
  test('registers the changed definition, updates the service, follows its service deployment to SUCCESSFUL; the same file again registers nothing', async () => {
    const r = await runAction('.', {
      inputs: { 'task-definition': 'web.json', cluster: 'prod', service: 'web' },
      env: env(),
    });
    expect(r.errors).toEqual([]);
    expect(r.outputs).toMatchObject({
      'task-definition-arn': 'arn:aws:ecs:us-east-1:111122223333:task-definition/web:2',
      revision: '2',
      registered: 'true',
      status: 'SUCCESSFUL',
    });
    expect(r.outputs['deployment-id']).toMatch(/^ecs-svc\/\d{19}$/);
    expect(r.outputs['service-deployment-arn']).toMatch(
      /^arn:aws:ecs:us-east-1:111122223333:service-deployment\/prod\/web\/[\w-]+$/,
    );
    expect(r.stdout).toMatch(/service deployment of web: rolling update; 0\/2 new tasks running, 2 pending/);
    expect(r.summary).toContain('app: image nginx:1.27 → nginx:1.28');
    expect(r.summary).toContain('app: environment +RELEASE');
    // Not one look per second: the looks back off while tasks provision.
    expect(sim.calls('DescribeServiceDeployments').length).toBeLessThan(10);

    const again = await runAction('.', {
      inputs: { 'task-definition': 'web.json', cluster: 'prod', service: 'web', wait: 'false' },
      env: env(),
    });
    expect(again.outputs).toMatchObject({ registered: 'false', revision: '2', status: 'IN_PROGRESS' });
    expect(sim.calls('RegisterTaskDefinition')).toHaveLength(1);
  });

  test('a failing rollout fails the step with the circuit breaker, the stopped task, its exit code and its last log lines', async () => {
    const r = await runAction('.', {
      inputs: { 'task-definition': 'api.json', cluster: 'prod', service: 'api' },
      env: env(),
    });
    expect(r.exitCode).toBe(1);
    expect(r.outputs['status']).toBe('ROLLBACK_SUCCESSFUL');
    expect(r.errors[0]).toMatch(
      /^The service deployment of api ended ROLLBACK_SUCCESSFUL: ECS deployment circuit breaker: tasks failed to start; the circuit breaker counted 3 failed tasks \(threshold 3\)\. ECS rolled the service back to api:1\. First cause: stopped task [0-9a-f]+: Essential container in task exited \(EssentialContainerExited\)\./,
    );
    expect(r.stdout).toContain('  container app: exit code 1');
    expect(r.stdout).toContain('  Error: connect ECONNREFUSED 10.0.3.7:5432');
    expect(r.stdout).toMatch(
      /event: \(service api\) \(deployment ecs-svc\/\d+\) deployment failed: tasks failed to start\./,
    );
    expect(r.summary).toContain('Deployment of api failed');
  });

  test('only registers when no service is given; deploys an ARN without registering', async () => {
    const reg = await runAction('.', {
      inputs: { 'task-definition': 'web.json', 'force-register': 'true' },
      env: env(),
    });
    expect(reg.outputs).toMatchObject({ registered: 'true', revision: '3' });
    expect(sim.calls('UpdateService')).toHaveLength(0);
    const byArn = await runAction('.', {
      inputs: {
        'task-definition': 'arn:aws:ecs:us-east-1:111122223333:task-definition/web:2',
        cluster: 'prod',
        service: 'web',
        wait: 'false',
      },
      env: env(),
    });
    expect(byArn.outputs).toMatchObject({ registered: 'false', revision: '2' });
    expect(sim.calls('RegisterTaskDefinition')).toHaveLength(1);
  });

  test('deregister-previous keeps the newest revisions', async () => {
    const r = await runAction('.', {
      inputs: {
        'task-definition': 'web.json',
        cluster: 'prod',
        service: 'web',
        'force-register': 'true',
        'deregister-previous': '2',
      },
      env: env(),
    });
    expect(r.errors).toEqual([]);
    const active = ecsState(sim)
      .taskDefinitions.filter((t) => t.family === 'web' && t.status === 'ACTIVE')
      .map((t) => t.revision);
    expect(active).toEqual([3, 4]);
  });

  test('a deployment that passes the deadline is left alone, with the last state said', async () => {
    const r = await runAction('.', {
      inputs: { 'task-definition': 'slow.json', cluster: 'prod', service: 'slow', timeout: '4s' },
      env: env(),
    });
    expect(r.exitCode).toBe(1);
    expect(r.errors[0]).toMatch(
      /^Gave up waiting for service deployment of slow after [45]s; it was still rolling update; 0\/2 new tasks running, 2 pending\. The deployment arn:aws:ecs:us-east-1:111122223333:service-deployment\/prod\/slow\/[\w-]+ is left to go on/,
    );
    expect(r.outputs['status']).toBe('IN_PROGRESS');
    expect(sim.calls('UpdateService')).toHaveLength(1);
  });

  test('throttling while waiting is retried', async () => {
    sim.addFault({ operation: 'DescribeServiceDeployments', kind: 'throttle', after: 1, count: 2 });
    const r = await runAction('.', {
      inputs: {
        'task-definition': 'web.json',
        cluster: 'prod',
        service: 'web',
        'force-new-deployment': 'true',
      },
      env: env(),
    });
    expect(r.errors).toEqual([]);
    expect(
      sim.calls('DescribeServiceDeployments').filter((c) => c.error === 'ThrottlingException'),
    ).toHaveLength(2);
  });

  test('the next rollout is looked at when the last one took, not polled all along', async () => {
    const inputs = { 'task-definition': 'steady.json', cluster: 'prod', service: 'steady' };
    const first = await runAction('.', { inputs, env: env() });
    expect(first.outputs['status']).toBe('SUCCESSFUL');
    expect(first.stdout).not.toContain('The last rollout');
    sim.requests.length = 0;
    const second = await runAction('.', {
      inputs: { ...inputs, 'force-new-deployment': 'true' },
      env: env(),
    });
    expect(second.errors).toEqual([]);
    expect(second.outputs['status']).toBe('SUCCESSFUL');
    expect(second.stdout).toMatch(/The last rollout of steady took 6s: looking for the end around then\./);
    // The deployment as found, one look at the forecast end, or two when the runner was slow enough to
    // look a moment early.
    expect(sim.calls('DescribeServiceDeployments').length).toBeLessThanOrEqual(3);
  });

  test('SIGTERM while waiting stops the step and leaves the deployment going', async () => {
    const started = await startAction('.', {
      inputs: {
        'task-definition': 'slow.json',
        cluster: 'prod',
        service: 'slow',
        'force-new-deployment': 'true',
      },
      env: env(),
    });
    for (let i = 0; i < 100 && !started.output().includes('service deployment of slow:'); i++)
      await new Promise((r) => setTimeout(r, 100));
    started.child.kill('SIGTERM');
    const result = await started.done;
    expect(result.exitCode).toBe(1);
    expect(result.errors[0]).toMatch(
      /^Stopped waiting for service deployment of slow: the job was cancelled \(SIGTERM\)\. It was last seen (PENDING|rolling update); 0\/2 new tasks running(, 2 pending)?\. The deployment arn:aws:ecs:\S+ is left as it is in ECS/,
    );
  });
});

describe('deploy refuses what it cannot do, before registering anything', () => {
  test.each([
    [
      { service: 'ghost' },
      'The service "ghost" does not exist in cluster "prod" (us-east-1). Check the service and cluster names and the region.',
    ],
    [
      { service: 'old' },
      'The service "old" in cluster "prod" is DRAINING: only an ACTIVE service can be deployed to.',
    ],
    [{ service: 'ext' }, /uses the EXTERNAL deployment controller/],
    [
      { service: 'web', cluster: 'nope' },
      /ecs:DescribeServices found nothing in us-east-1: Cluster not found\./,
    ],
  ] as [Record<string, string>, string | RegExp][])('%j', async (inputs, message) => {
    const r = await runAction('.', {
      inputs: { 'task-definition': 'web.json', cluster: 'prod', ...inputs },
      env: env(),
    });
    expect(r.exitCode).toBe(1);
    if (typeof message === 'string') expect(r.errors[0]).toBe(message);
    else expect(r.errors[0]).toMatch(message);
    expect(sim.calls('RegisterTaskDefinition')).toHaveLength(0);
  });

  test.each([
    [
      { 'task-definition': 'missing.json' },
      /Input 'task-definition' names .*missing\.json, which does not exist/,
    ],
    [
      { 'task-definition': 'broken.json' },
      /broken\.json is not valid JSON: trailing comma in object at line 4, column 20\./,
    ],
    [{ 'task-definition': 'web.json', timeout: 'forever' }, /Input 'timeout' has the value "forever"/],
    [
      { 'task-definition': 'web.json', 'desired-count': '-1' },
      /Input 'desired-count' has the value "-1", which is not accepted: a whole number from 0 to 5000/,
    ],
    [{ 'task-definition': 'web.json', 'propagate-tags': 'ALL' }, /one of TASK_DEFINITION, SERVICE, NONE/],
    [
      { 'task-definition': 'web.json', 'deployment-configuration': '{"minimumHealthyPercent": }' },
      /Input 'deployment-configuration' is not valid JSON \(unexpected character "\}" at line 1, column 27\)/,
    ],
    [
      {
        'task-definition': 'arn:aws:ecs:us-east-1:111122223333:task-definition/web:2',
        'deregister-previous': '3',
      },
      /'deregister-previous' needs a task definition file/,
    ],
  ] as [Record<string, string>, RegExp][])('%j', async (inputs, message) => {
    const r = await runAction('.', { inputs, env: env() });
    expect(r.exitCode).toBe(1);
    expect(r.errors[0]).toMatch(message);
    expect(sim.requests).toEqual([]);
  });

  test('a role the credentials may not pass is named', async () => {
    const r = await runAction('.', {
      inputs: { 'task-definition': 'web.json', 'force-register': 'true' },
      env: env({ AWS_ACCESS_KEY_ID: 'AKIANOPASS' }),
    });
    expect(r.errors[0]).toMatch(
      /AWS denied ecs:RegisterTaskDefinition in us-east-1.*iam:PassRole on resource: arn:aws:iam::111122223333:role\/exec/,
    );
  });
});
