// deploy and continue-deployment from their bundles, as the runner runs them: deploy returns at the
// pause with the hook and the service deployment in its outputs, continue-deployment decides.
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, test } from '@jest/globals';
import { blueGreenLoadBalancer, fargateTaskDefinition } from '../harness/fixtures.js';
import { runAction } from '../harness/runner.js';
import { type Simulator, simulatorEnv, startSimulator } from '../simulator/server.js';

const LB = blueGreenLoadBalancer;
let sim: Simulator;
let dir: string;
beforeAll(async () => {
  sim = await startSimulator({
    scenario: {
      ecs: {
        clusters: [{ name: 'prod' }],
        taskDefinitions: [fargateTaskDefinition('gate')],
        services: [
          {
            cluster: 'prod',
            name: 'gate',
            taskDefinition: 'gate:1',
            loadBalancers: [LB],
            deploymentConfiguration: {
              strategy: 'BLUE_GREEN',
              bakeTimeInMinutes: 0,
              lifecycleHooks: [{ targetType: 'PAUSE', lifecycleStages: ['POST_TEST_TRAFFIC_SHIFT'] }],
            },
            rollouts: [{ provisionMs: 800, perTaskMs: 300, drainMs: 800, stageMs: 400 }],
          },
        ],
      },
    },
  });
  dir = await mkdtemp(join(tmpdir(), 'continue-'));
  await writeFile(join(dir, 'gate.json'), JSON.stringify(fargateTaskDefinition('gate', 'gate:2')));
});
afterAll(() => sim.close());
beforeEach(() => {
  sim.requests.length = 0;
});

const env = () => ({ ...simulatorEnv(sim, 'us-east-1'), GITHUB_WORKSPACE: dir });
const pause = () =>
  runAction('.', {
    inputs: {
      'task-definition': 'gate.json',
      cluster: 'prod',
      service: 'gate',
      'wait-until': 'paused',
      'force-new-deployment': 'true',
    },
    env: env(),
  });

describe('deploy paused, then continue-deployment, run from dist', () => {
  test('continue: outputs of the pause feed the decision; the deployment ends SUCCESSFUL', async () => {
    const paused = await pause();
    expect(paused.errors).toEqual([]);
    expect(paused.outputs).toMatchObject({
      status: 'IN_PROGRESS',
      'lifecycle-stage': 'POST_TEST_TRAFFIC_SHIFT',
    });
    expect(paused.outputs['hook-id']).toMatch(/^ecs-pause-/);
    expect(paused.summary).toContain('Deployment of gate paused at hook');
    const r = await runAction('continue-deployment', {
      inputs: {
        cluster: 'prod',
        service: 'gate',
        'service-deployment-arn': paused.outputs['service-deployment-arn']!,
        'hook-id': paused.outputs['hook-id']!,
        decision: 'continue',
      },
      env: env(),
    });
    expect(r.errors).toEqual([]);
    expect(r.outputs).toMatchObject({
      status: 'SUCCESSFUL',
      'service-deployment-arn': paused.outputs['service-deployment-arn'],
      'task-definition-arn': expect.stringMatching(/task-definition\/gate:\d+$/),
    });
    expect(r.summary).toContain('<th>Stage</th>');
  });

  test('rollback at the pause ends ROLLBACK_SUCCESSFUL, which is what was asked for', async () => {
    await pause();
    const r = await runAction('continue-deployment', {
      inputs: { cluster: 'prod', service: 'gate', decision: 'rollback' },
      env: env(),
    });
    expect(r.errors).toEqual([]);
    expect(r.outputs['status']).toBe('ROLLBACK_SUCCESSFUL');
  });

  test.each([
    [
      { decision: 'proceed' },
      /^Input 'decision' has the value "proceed", which is not accepted: one of continue, rollback\./,
    ],
    [{ decision: 'continue', timeout: '7d' }, /^Input 'timeout' has the value "7d"/],
    [
      { decision: 'continue', 'service-deployment-arn': 'ecs-svc/123' },
      /^Input 'service-deployment-arn' has the value "ecs-svc\/123"/,
    ],
    [{}, /^Input 'decision' is required: one of continue, rollback\./],
  ])('%j is refused before any AWS call', async (inputs, message) => {
    const r = await runAction('continue-deployment', { inputs: { service: 'gate', ...inputs }, env: env() });
    expect(r.exitCode).toBe(1);
    expect(r.errors[0]).toMatch(message);
    expect(sim.requests).toEqual([]);
  });
});
