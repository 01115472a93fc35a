// deploy with the CODE_DEPLOY controller: blue/green through CodeDeploy, run from dist against the simulator.
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, test } from '@jest/globals';
import { parse as parseYaml } from 'yaml';
import { fargateTaskDefinition } from '../harness/fixtures.js';
import { runAction } from '../harness/runner.js';
import { type Simulator, simulatorEnv, startSimulator } from '../simulator/server.js';

/** A Fargate task definition whose container serves port 8080, as a blue/green service needs. */
function td(family: string, image = 'web:1') {
  const base = fargateTaskDefinition(family, image);
  return {
    ...base,
    containerDefinitions: base.containerDefinitions.map((c) => ({
      ...c,
      portMappings: [{ containerPort: 8080, protocol: 'tcp' }],
    })),
  };
}
const TG = 'arn:aws:elasticloadbalancing:us-east-1:111122223333:targetgroup/blue/0123456789abcdef';
const service = (name: string) => ({
  cluster: 'prod',
  name,
  taskDefinition: `${name}:1`,
  deploymentController: 'CODE_DEPLOY' as const,
  loadBalancers: [{ targetGroupArn: TG, containerName: 'app', containerPort: 8080 }],
  networkConfiguration: {
    awsvpcConfiguration: { subnets: ['subnet-0a1b2c3d'], securityGroups: ['sg-0a1b2c3d'] },
  },
});
const group = (name: string, extra: Record<string, unknown> = {}) => ({
  name: `DgpECS-prod-${name}`,
  cluster: 'prod',
  service: name,
  plans: [{ stepMs: 250 }],
  ...extra,
});

let sim: Simulator;
let dir: string;
beforeAll(async () => {
  sim = await startSimulator({
    scenario: {
      principals: { AKIANOCD: { deny: ['codedeploy:CreateDeployment'] } },
      ecs: {
        clusters: [{ name: 'prod' }],
        taskDefinitions: ['web', 'hooked', 'canary', 'other', 'nogroup'].map((f) => td(f)),
        services: ['web', 'hooked', 'canary', 'other', 'nogroup'].map(service),
      },
      codedeploy: {
        applications: [
          { name: 'AppECS-prod-web', groups: [group('web')] },
          {
            name: 'AppECS-prod-hooked',
            groups: [
              group('hooked', {
                plans: [
                  {
                    stepMs: 250,
                    failAt: 'AfterAllowTestTraffic',
                    message: 'smoke test: GET /health on the test listener returned 503',
                    logTail: 'GET /health 503\nGET /health 503\ngiving up after 3 tries',
                  },
                ],
              }),
            ],
          },
          {
            name: 'AppECS-prod-canary',
            groups: [group('canary', { readyWait: { action: 'STOP_DEPLOYMENT', minutes: 60 } })],
          },
          // A group that deploys another service than its name suggests.
          { name: 'AppECS-prod-other', groups: [{ ...group('web'), name: 'DgpECS-prod-other' }] },
        ],
      },
    },
  });
  dir = await mkdtemp(join(tmpdir(), 'codedeploy-'));
  for (const f of ['web', 'hooked', 'canary', 'other', 'nogroup'])
    await writeFile(join(dir, `${f}.json`), JSON.stringify(td(f, 'web:2')));
  const appSpec = (container: string, port: number) =>
    [
      'version: 0.0',
      'Resources:',
      '  - TargetService:',
      '      Type: AWS::ECS::Service',
      '      Properties:',
      '        TaskDefinition: <TASK_DEFINITION>',
      '        LoadBalancerInfo:',
      `          ContainerName: ${container}`,
      `          ContainerPort: ${port}`,
      'Hooks:',
      '  - AfterAllowTestTraffic: arn:aws:lambda:us-east-1:111122223333:function:smoke-test',
      '',
    ].join('\n');
  await writeFile(join(dir, 'appspec.yaml'), appSpec('app', 8080));
  await writeFile(join(dir, 'wrong-container.yaml'), appSpec('web', 8080));
  await writeFile(join(dir, 'wrong-port.yaml'), appSpec('app', 80));
  await writeFile(join(dir, 'broken.yaml'), 'version: 0.0\nResources:\n  - TargetService: [\n');
});
afterAll(() => sim.close());
beforeEach(() => {
  sim.requests.length = 0;
});

const env = (extra: Record<string, string> = {}) => ({
  ...simulatorEnv(sim, 'us-east-1'),
  GITHUB_WORKSPACE: dir,
  GITHUB_REPOSITORY: 'acme/web',
  GITHUB_SHA: '0123456789abcdef0123456789abcdef01234567',
  GITHUB_RUN_ID: '42',
  ...extra,
});

function sentAppSpec(): Record<string, unknown> {
  const revision = sim.calls('CreateDeployment')[0]!.params['revision'] as {
    appSpecContent: { content: string };
  };
  return parseYaml(revision.appSpecContent.content) as Record<string, unknown>;
}

describe('deploy to a CODE_DEPLOY service, run from dist', () => {
  test('makes the AppSpec from the service, creates the deployment and follows it to success', async () => {
    const r = await runAction('.', {
      inputs: { 'task-definition': 'web.json', cluster: 'prod', service: 'web' },
      env: env(),
    });
    expect(r.errors).toEqual([]);
    expect(r.outputs).toMatchObject({
      'task-definition-arn': 'arn:aws:ecs:us-east-1:111122223333:task-definition/web:2',
      registered: 'true',
      status: 'COMPLETED',
    });
    expect(r.outputs['codedeploy-deployment-id']).toMatch(/^d-[0-9A-Z]{9}$/);
    expect(r.outputs['deployment-id']).toBe(r.outputs['codedeploy-deployment-id']);
    expect(sentAppSpec()).toEqual({
      version: 0,
      Resources: [
        {
          TargetService: {
            Type: 'AWS::ECS::Service',
            Properties: {
              TaskDefinition: 'arn:aws:ecs:us-east-1:111122223333:task-definition/web:2',
              LoadBalancerInfo: { ContainerName: 'app', ContainerPort: 8080 },
              NetworkConfiguration: {
                AwsvpcConfiguration: { Subnets: ['subnet-0a1b2c3d'], SecurityGroups: ['sg-0a1b2c3d'] },
              },
              // ECS reports a Fargate service's platform version (LATEST unless one was given).
              PlatformVersion: 'LATEST',
            },
          },
        },
      ],
    });
    const create = sim.calls('CreateDeployment')[0]!.params;
    expect(create).toMatchObject({
      applicationName: 'AppECS-prod-web',
      deploymentGroupName: 'DgpECS-prod-web',
    });
    expect(create['description']).toBe(
      'ecs-shipyard deploy from acme/web@0123456789ab (run https://github.com/acme/web/actions/runs/42)',
    );
    // UpdateService cannot change a CodeDeploy service's task definition: it is never asked to.
    expect(sim.calls('UpdateService')).toHaveLength(0);
    expect(r.stdout).toMatch(
      /CodeDeploy deployment d-\w+: InProgress: \w+ InProgress \(\d\/8 lifecycle events done\)/,
    );
    expect(r.summary).toContain('Deployed web with CodeDeploy');
    expect(r.summary).toContain('AllowTraffic: Succeeded');
    expect(r.summary).toContain('BeforeInstall: Skipped');
    expect(r.summary).toContain('codesuite/codedeploy/deployments/');
  });

  test('a failing hook fails the step with the lifecycle event, its message and log tail, and the rollback', async () => {
    const r = await runAction('.', {
      inputs: {
        'task-definition': 'hooked.json',
        cluster: 'prod',
        service: 'hooked',
        'codedeploy-appspec': 'appspec.yaml',
      },
      env: env(),
    });
    expect(r.exitCode).toBe(1);
    expect(r.outputs['status']).toBe('FAILED');
    expect(r.errors[0]).toMatch(
      /^CodeDeploy deployment d-\w+ failed: The deployment failed because one or more of the hooks of lifecycle event AfterAllowTestTraffic failed\. \(HOOK_EXECUTION_FAILURE\)\. The lifecycle event AfterAllowTestTraffic failed: smoke test: GET \/health on the test listener returned 503\. CodeDeploy rolled back with deployment d-\w+; the service keeps the previous task set\./,
    );
    expect(r.stdout).toContain('  | giving up after 3 tries');
    expect(r.stdout).toContain('AfterAllowTestTraffic: Failed');
    // The file's TaskDefinition placeholder is replaced, its hook kept.
    expect(sentAppSpec()).toMatchObject({
      Resources: [
        {
          TargetService: {
            Properties: { TaskDefinition: 'arn:aws:ecs:us-east-1:111122223333:task-definition/hooked:2' },
          },
        },
      ],
      Hooks: [{ AfterAllowTestTraffic: 'arn:aws:lambda:us-east-1:111122223333:function:smoke-test' }],
    });
    expect(r.summary).toContain('CodeDeploy deployment of hooked failed');
  });

  test('codedeploy-wait-until: ready returns when the replacement task set takes test traffic', async () => {
    const r = await runAction('.', {
      inputs: {
        'task-definition': 'canary.json',
        cluster: 'prod',
        service: 'canary',
        'codedeploy-wait-until': 'ready',
      },
      env: env(),
    });
    expect(r.errors).toEqual([]);
    expect(r.outputs['status']).toBe('READY');
    expect(r.stdout).not.toContain('no Ready state');
  });

  test('ready with a group that does not stop there is said, and the wait goes on until traffic moved', async () => {
    const r = await runAction('.', {
      inputs: {
        'task-definition': 'web.json',
        cluster: 'prod',
        service: 'web',
        'force-register': 'true',
        'codedeploy-wait-until': 'ready',
      },
      env: env(),
    });
    expect(r.errors).toEqual([]);
    expect(r.warnings.join('\n')).toMatch(
      /there is no Ready state to stop at: waiting until traffic has moved/,
    );
    expect(['TRAFFIC_SHIFTED', 'COMPLETED']).toContain(r.outputs['status']);
  });

  test('missing codedeploy:CreateDeployment names the IAM action', async () => {
    const r = await runAction('.', {
      inputs: { 'task-definition': 'web.json', cluster: 'prod', service: 'web', 'force-register': 'true' },
      env: env({ AWS_ACCESS_KEY_ID: 'AKIANOCD' }),
    });
    expect(r.exitCode).toBe(1);
    expect(r.errors[0]).toMatch(/codedeploy:CreateDeployment/);
  });
});

describe('deploy to a CODE_DEPLOY service refuses what cannot work, before registering anything', () => {
  test.each([
    [
      { service: 'nogroup' },
      'The CodeDeploy application "AppECS-prod-nogroup" does not exist (input \'codedeploy-application\'; the default is AppECS-<cluster>-<service>, as the ECS console names it).',
    ],
    [
      { service: 'web', 'codedeploy-deployment-group': 'blue-green' },
      'The CodeDeploy application "AppECS-prod-web" has no deployment group "blue-green" (input \'codedeploy-deployment-group\'; the default is DgpECS-<cluster>-<service>).',
    ],
    [
      { service: 'other' },
      "The deployment group \"DgpECS-prod-other\" deploys prod/web, not prod/other: check 'codedeploy-application' and 'codedeploy-deployment-group'.",
    ],
    [
      { service: 'web', 'force-new-deployment': 'true' },
      /Input 'force-new-deployment' does not apply to "web"/,
    ],
    [
      { service: 'web', 'codedeploy-appspec': 'appspec.yaml', 'capacity-provider-strategy': '[]' },
      /set CapacityProviderStrategy in appspec\.yaml/,
    ],
  ] as [Record<string, string>, string | RegExp][])('%j', async (inputs, message) => {
    const r = await runAction('.', {
      inputs: { 'task-definition': `${inputs['service']}.json`, cluster: 'prod', ...inputs },
      env: env(),
    });
    expect(r.exitCode).toBe(1);
    if (typeof message === 'string') expect(r.errors[0]).toBe(message);
    else expect(r.errors[0]).toMatch(message);
    expect(sim.calls('RegisterTaskDefinition')).toHaveLength(0);
    expect(sim.calls('CreateDeployment')).toHaveLength(0);
  });

  test.each([
    [
      { 'codedeploy-appspec': 'wrong-container.yaml' },
      'wrong-container.yaml routes traffic to container "web", which the task definition does not have; it has "app".',
    ],
    [
      { 'codedeploy-appspec': 'wrong-port.yaml' },
      'wrong-port.yaml routes traffic to port 80 of container "app", which maps only 8080.',
    ],
    [{ 'codedeploy-appspec': 'broken.yaml' }, /broken\.yaml is not valid YAML: .* at line \d+, column \d+\./],
    [
      { 'codedeploy-appspec': 'nothing.yaml' },
      /Input 'codedeploy-appspec' names .*nothing\.yaml, which does not exist/,
    ],
    [
      { 'codedeploy-application': 'my app' },
      /^Input 'codedeploy-application' has the value "my app", which is not accepted: a CodeDeploy application name/,
    ],
    [
      { 'codedeploy-deployment-config': 'All at once!' },
      /^Input 'codedeploy-deployment-config' has the value "All at once!", which is not accepted/,
    ],
    [
      { 'codedeploy-wait-until': 'done' },
      /Input 'codedeploy-wait-until' has the value "done", which is not accepted: one of succeeded, traffic-shifted, ready/,
    ],
  ] as [Record<string, string>, string | RegExp][])(
    '%j fails before any AWS call',
    async (inputs, message) => {
      const r = await runAction('.', {
        inputs: { 'task-definition': 'web.json', cluster: 'prod', service: 'web', ...inputs },
        env: env(),
      });
      expect(r.exitCode).toBe(1);
      if (typeof message === 'string') expect(r.errors[0]).toBe(message);
      else expect(r.errors[0]).toMatch(message);
      expect(sim.requests).toHaveLength(0);
    },
  );

  test('CodeDeploy inputs are refused for a service with the ECS controller, and without a service', async () => {
    const ecsSim = await startSimulator({
      scenario: {
        ecs: {
          clusters: [{ name: 'prod' }],
          taskDefinitions: [td('web')],
          services: [{ cluster: 'prod', name: 'web', taskDefinition: 'web:1' }],
        },
      },
    });
    try {
      const e = { ...simulatorEnv(ecsSim, 'us-east-1'), GITHUB_WORKSPACE: dir };
      const r = await runAction('.', {
        inputs: {
          'task-definition': 'web.json',
          cluster: 'prod',
          service: 'web',
          'codedeploy-application': 'App',
        },
        env: e,
      });
      expect(r.errors[0]).toBe(
        `Input 'codedeploy-application' applies to services deployed by CodeDeploy; "web" uses the ECS deployment controller.`,
      );
      const noService = await runAction('.', {
        inputs: { 'task-definition': 'web.json', 'codedeploy-appspec': 'appspec.yaml' },
        env: e,
      });
      expect(noService.errors[0]).toBe(
        "Input 'codedeploy-appspec' needs 'service': it applies to a CodeDeploy deployment of a service.",
      );
      expect(ecsSim.calls('RegisterTaskDefinition')).toHaveLength(0);
    } finally {
      await ecsSim.close();
    }
  });
});
