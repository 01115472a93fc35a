/**
 * Cold start of each action bundle, from spawn to exit, against `node -e 0` — runs interleaved so that
 * machine noise hits every variant alike; medians reported. Per action: a real run against the
 * simulator, and a run that fails on input checking (before any AWS code loads).
 */
import { spawn } from 'node:child_process';
import { mkdtemp, readdir, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { ROOT } from '../test/harness/runner.js';
import { simulatorEnv, startSimulator } from '../test/simulator/server.js';

function timeRun(args: string[], env: NodeJS.ProcessEnv): Promise<{ ms: number; code: number }> {
  return new Promise((resolve, reject) => {
    const started = process.hrtime.bigint();
    const child = spawn(process.execPath, args, { env, stdio: 'ignore' });
    child.on('error', reject);
    child.on('exit', (code) =>
      resolve({ ms: Number(process.hrtime.bigint() - started) / 1e6, code: code ?? -1 }),
    );
  });
}

export const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  const m = Math.floor(s.length / 2);
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
};

interface Variant {
  name: string;
  args: string[];
  env: NodeJS.ProcessEnv;
  /** The exit code a correct run has. */
  expect: number;
}

export async function coldStart(runs: number) {
  const sim = await startSimulator({
    scenario: {
      account: '111122223333',
      imagebuilder: {
        recipes: [{ name: 'ecs-node', version: '1.0.0', parentImage: 'ami-0123456789abcdef0' }],
        pipelines: [{ name: 'ecs-node', recipe: 'ecs-node/1.0.0' }],
      },
      ec2: {
        images: [{ imageId: 'ami-0bbbbbbbbbbbbbbbb' }],
        launchTemplates: [{ name: 'ecs-node', imageId: 'ami-0aaaaaaaaaaaaaaaa' }],
      },
      autoscaling: { groups: [{ name: 'ecs-node', launchTemplate: 'ecs-node', version: '1' }] },
      ecr: { repositories: [{ name: 'bench', images: [{ tags: ['1'] }] }] },
      ecs: { clusters: [{ name: 'default' }] },
    },
  });
  const dir = await mkdtemp(join(tmpdir(), 'bench-'));
  let n = 0;
  const runner = async () => {
    const f = {
      GITHUB_OUTPUT: join(dir, `out-${++n}`),
      GITHUB_STATE: join(dir, `state-${n}`),
      GITHUB_STEP_SUMMARY: join(dir, `sum-${n}`),
    };
    for (const p of Object.values(f)) await writeFile(p, '');
    return { PATH: dirname(process.execPath), HOME: dir, RUNNER_TEMP: dir, ...simulatorEnv(sim), ...f };
  };
  const bundle = (action: string) => join(ROOT, 'dist', action, 'index.js');
  const taskFile = join(dir, 'task.json');
  await writeFile(
    taskFile,
    JSON.stringify({ family: 'bench', containerDefinitions: [{ name: 'app', image: 'nginx', memory: 128 }] }),
  );
  // verify: one ECR image, looked at (BatchGetImage, then its config blob); no roles, secrets or service.
  const verifyFile = join(dir, 'verify.json');
  await writeFile(
    verifyFile,
    JSON.stringify({
      family: 'bench',
      requiresCompatibilities: ['FARGATE'],
      containerDefinitions: [
        { name: 'app', image: '111122223333.dkr.ecr.us-east-1.amazonaws.com/bench:1', memory: 128 },
      ],
    }),
  );
  const variants: Variant[] = [
    { name: 'node -e 0', args: ['-e', '0'], env: await runner(), expect: 0 },
    {
      name: 'ecr-login: log in',
      args: [bundle('ecr-login')],
      env: { ...(await runner()), 'INPUT_LOGIN-MODE': 'config-file', 'INPUT_MASK-PASSWORD': 'true' },
      expect: 0,
    },
    {
      name: 'ecr-login: bad input',
      args: [bundle('ecr-login')],
      env: { ...(await runner()), INPUT_REGISTRIES: '123' },
      expect: 1,
    },
    {
      name: 'resolve-ecs-image: resolve',
      args: [bundle('resolve-ecs-image')],
      env: await runner(),
      expect: 0,
    },
    {
      name: 'resolve-ecs-image: bad input',
      args: [bundle('resolve-ecs-image')],
      env: { ...(await runner()), INPUT_OS: 'ubuntu' },
      expect: 1,
    },
    {
      name: 'image-pipeline: start',
      args: [bundle('image-pipeline')],
      env: { ...(await runner()), INPUT_PIPELINE: 'ecs-node', INPUT_WAIT: 'false' },
      expect: 0,
    },
    {
      name: 'image-pipeline: bad input',
      args: [bundle('image-pipeline')],
      env: { ...(await runner()), INPUT_TIMEOUT: '90' },
      expect: 1,
    },
    {
      // All three clients (ECS is not called without a cluster, EC2 and Auto Scaling are); no refresh.
      name: 'rollout-ecs-ami: template version',
      args: [bundle('rollout-ecs-ami')],
      env: {
        ...(await runner()),
        INPUT_AMI: 'ami-0bbbbbbbbbbbbbbbb',
        'INPUT_AUTO-SCALING-GROUPS': 'ecs-node',
        INPUT_REFRESH: 'false',
      },
      expect: 0,
    },
    {
      name: 'rollout-ecs-ami: bad input',
      args: [bundle('rollout-ecs-ami')],
      env: { ...(await runner()), INPUT_AMI: 'ami-123' },
      expect: 1,
    },
    {
      name: 'render-task-definition: file',
      args: [bundle('render-task-definition')],
      env: {
        ...(await runner()),
        'INPUT_TASK-DEFINITION': taskFile,
        INPUT_CONTAINER: 'app',
        INPUT_IMAGE: 'nginx:2',
      },
      expect: 0,
    },
    {
      name: 'deploy: register',
      args: [bundle('deploy')],
      env: { ...(await runner()), 'INPUT_TASK-DEFINITION': taskFile, 'INPUT_FORCE-REGISTER': 'true' },
      expect: 0,
    },
    {
      name: 'deploy: bad input',
      args: [bundle('deploy')],
      env: { ...(await runner()), 'INPUT_TASK-DEFINITION': taskFile, INPUT_TIMEOUT: 'soon' },
      expect: 1,
    },
    {
      name: 'continue-deployment: bad input',
      args: [bundle('continue-deployment')],
      env: { ...(await runner()), INPUT_SERVICE: 'web', INPUT_DECISION: 'proceed' },
      expect: 1,
    },
    {
      name: 'ecr-repository: find',
      args: [bundle('ecr-repository')],
      env: { ...(await runner()), INPUT_REPOSITORY: 'bench' },
      expect: 0,
    },
    {
      name: 'ecr-repository: bad input',
      args: [bundle('ecr-repository')],
      env: { ...(await runner()), INPUT_REPOSITORY: 'Bench!' },
      expect: 1,
    },
    {
      // Registers the file and starts the task (EC2 launch type: no subnets), without waiting.
      name: 'run-task: start',
      args: [bundle('run-task')],
      env: {
        ...(await runner()),
        'INPUT_TASK-DEFINITION': taskFile,
        'INPUT_LAUNCH-TYPE': 'EC2',
        INPUT_WAIT: 'false',
      },
      expect: 0,
    },
    {
      name: 'run-task: bad input',
      args: [bundle('run-task')],
      env: { ...(await runner()), 'INPUT_TASK-DEFINITION': taskFile, INPUT_COUNT: '0' },
      expect: 1,
    },
    {
      name: 'validate-task-definitions: 1 file',
      args: [bundle('validate-task-definitions')],
      env: {
        ...(await runner()),
        GITHUB_WORKSPACE: dir,
        INPUT_FILES: 'task.json',
        INPUT_PROFILE: 'auto',
        'INPUT_FAIL-ON': 'error',
        INPUT_NORMALIZE: 'false',
      },
      expect: 0,
    },
    {
      name: 'verify: 1 ECR image',
      args: [bundle('verify-task-definition')],
      env: { ...(await runner()), 'INPUT_TASK-DEFINITION': verifyFile, INPUT_CHECKS: 'images' },
      expect: 0,
    },
    {
      name: 'verify: bad input',
      args: [bundle('verify-task-definition')],
      env: { ...(await runner()), 'INPUT_TASK-DEFINITION': verifyFile, INPUT_CHECKS: 'imgaes' },
      expect: 1,
    },
    {
      name: 'cli: validate 1 file',
      args: [bundle('cli'), 'validate', taskFile],
      env: await runner(),
      expect: 0,
    },
  ];
  const times = new Map<string, number[]>(variants.map((v) => [v.name, []]));
  for (const v of variants) await timeRun(v.args, v.env); // warm the file cache
  for (let i = 0; i < runs; i++) {
    for (const v of variants) {
      const { ms, code } = await timeRun(v.args, v.env);
      if (code !== v.expect)
        throw new Error(`${v.name} exited ${code}, not ${v.expect}: the figures would not be of real runs`);
      times.get(v.name)!.push(ms);
    }
  }
  await sim.close();
  const bare = median(times.get('node -e 0')!);
  const rows = [...times].map(([name, t]) => ({
    name,
    medianMs: Math.round(median(t) * 10) / 10,
    minMs: Math.round(Math.min(...t) * 10) / 10,
    ratio: Math.round((median(t) / bare) * 100) / 100,
  }));
  const sizes: Record<string, number> = {};
  for (const action of [
    'ecr-login',
    'resolve-ecs-image',
    'image-pipeline',
    'render-task-definition',
    'deploy',
    'continue-deployment',
    'rollout-ecs-ami',
    'ecr-repository',
    'run-task',
    'validate-task-definitions',
    'verify-task-definition',
  ]) {
    let bytes = 0;
    for (const f of await readdir(join(ROOT, 'dist', action))) {
      if (f.endsWith('.js')) bytes += (await stat(join(ROOT, 'dist', action, f))).size;
    }
    sizes[action] = bytes;
  }
  return { runs, rows, sizes };
}
