import { afterAll, beforeAll, expect, test } from '@jest/globals';
import { runComposite, evaluate } from '../harness/composite.js';
import { imageBuilderState } from '../simulator/services/imagebuilder.js';
import { type Simulator, simulatorEnv, startSimulator } from '../simulator/server.js';

const PIPELINE = 'arn:aws:imagebuilder:us-east-1:111122223333:image-pipeline/ecs-node';
let sim: Simulator;
beforeAll(async () => {
  sim = await startSimulator({
    scenario: {
      account: '111122223333',
      imagebuilder: {
        recipes: [
          {
            name: 'ecs-node',
            version: '1.2.0',
            parentImage:
              'arn:aws:imagebuilder:us-east-1:aws:image/amazon-linux-2023-ecs-optimized-x86/2025.10.3',
          },
        ],
        pipelines: [
          {
            name: 'ecs-node',
            recipe: 'ecs-node/1.2.0',
            build: {
              phases: [
                ['BUILDING', 1200],
                ['DISTRIBUTING', 1200],
              ],
            },
          },
        ],
      },
    },
  });
});
afterAll(() => sim.close());

test('the harness evaluates the expressions the composite uses', () => {
  const ctx = {
    inputs: { force: 'false' },
    steps: { resolve: { outputs: { changed: 'true' }, outcome: 'success' } },
  };
  expect(evaluate(" steps.resolve.outputs.changed == 'true' || inputs.force == 'true' ", ctx)).toBe('true');
  expect(evaluate("steps.resolve.outputs.changed != 'true' && inputs.force != 'true'", ctx)).toBe('false');
});

test('a newer parent moves the recipe and builds; the next night nothing changes and nothing is built', async () => {
  // The job's default region is another one: the pipeline ARN's region must decide where the parent is.
  const env = { ...simulatorEnv(sim, 'eu-central-1'), GITHUB_RUN_ID: '77', GITHUB_RUN_ATTEMPT: '1' };
  const first = await runComposite('refresh-ecs-ami', {
    inputs: { pipeline: PIPELINE, 'poll-interval': '1s' },
    env,
  });
  expect(first.exitCode).toBe(0);
  expect(first.outputs['changed']).toBe('true');
  expect(first.outputs['parent-image']).toBe(
    'arn:aws:imagebuilder:us-east-1:aws:image/amazon-linux-2023-ecs-optimized-x86/2025.11.4',
  );
  expect(first.outputs['recipe-arn']).toBe(
    'arn:aws:imagebuilder:us-east-1:111122223333:image-recipe/ecs-node/1.2.1',
  );
  expect(first.outputs['ami-id']).toMatch(/^ami-[0-9a-f]{17}$/);
  expect(imageBuilderState(sim).builds).toHaveLength(1);

  const second = await runComposite('refresh-ecs-ami', {
    inputs: { pipeline: PIPELINE },
    env: { ...env, GITHUB_RUN_ID: '78' },
  });
  expect(second.exitCode).toBe(0);
  expect(second.outputs).toMatchObject({ changed: 'false', 'image-arn': '', 'recipe-arn': '' });
  expect(second.stdout).toContain('already builds on');
  expect(imageBuilderState(sim).builds).toHaveLength(1);
});
