// The jobs of the reusable workflows run for real: run: steps through bash with the runner's files, our
// actions from their bundles (composites step by step) against the simulator, and the few actions of other
// repositories through stand-ins that do what the job relies on (checkout is the workspace itself; AWS
// credentials are the simulator's; setup-packer puts a packer on PATH that writes a manifest).
import { chmod, mkdir, mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterAll, beforeAll, expect, test } from '@jest/globals';
import { runJob, type Stub } from '../harness/composite.js';
import { ROOT } from '../harness/runner.js';
import { type Simulator, simulatorEnv, startSimulator } from '../simulator/server.js';

let sim: Simulator;
beforeAll(async () => {
  sim = await startSimulator({ scenario: join(ROOT, 'test', 'simulator', 'scenarios', 'demo.json') });
  sim.clearFaults();
});
afterAll(() => sim.close());

const env = () => ({ ...simulatorEnv(sim), PATH: `${dirname(process.execPath)}:/usr/bin:/bin` });
const noop: Stub = () => ({});
const awsCredentials: Stub = (inputs) => {
  // The real action would assume the role; here the simulator's keys are already in the environment.
  if (!inputs['role-to-assume'] || !inputs['aws-region'])
    throw new Error('role-to-assume and aws-region are required');
  return { 'aws-account-id': '111122223333' };
};

// The fixture's task definition names a secret, a task role and images the scenario's account does not
// have: verify (on by default) would stop these deploys, as its own test below shows.
const DEPLOY = {
  'role-to-assume': 'arn:aws:iam::111122223333:role/deploy',
  region: 'us-east-1',
  cluster: 'prod',
  service: 'web',
  container: 'web',
  verify: false,
};

test('deploy-ecs-service: verify (on by default) stops a deploy whose image was never pushed, before anything is registered', async () => {
  const image = '111122223333.dkr.ecr.us-east-1.amazonaws.com/web@sha256:' + 'ef'.repeat(32);
  sim.requests.length = 0;
  const { verify: _off, ...inputs } = DEPLOY;
  const job = await runJob('.github/workflows/deploy-ecs-service.yml', 'deploy', {
    inputs: { ...inputs, 'task-definition': 'test/fixtures/task-definitions/good/task-definition-web.json' },
    needs: {
      build: { result: 'success', outputs: { image } },
      validate: { result: 'success', outputs: {} },
    },
    env: env(),
    stubs: { 'actions/checkout': noop, 'aws-actions/configure-aws-credentials': awsCredentials },
  });
  expect(job.failed).toBe(true);
  expect(job.steps['verify']?.outcome).toBe('failure');
  expect(job.errors.join('\n')).toMatch(/The image of web \(.*web@sha256:efef.*\) cannot be pulled/);
  expect(job.errors.join('\n')).toMatch(
    /DATABASE_URL of web names the secret .*which Secrets Manager cannot find/,
  );
  expect(sim.calls('RegisterTaskDefinition')).toEqual([]);
  expect(sim.calls('UpdateService')).toEqual([]);
});

test('deploy-ecs-service: the deploy job renders the built image into the task definition and deploys it', async () => {
  const image = '111122223333.dkr.ecr.us-east-1.amazonaws.com/web@sha256:' + 'ab'.repeat(32);
  const job = await runJob('.github/workflows/deploy-ecs-service.yml', 'deploy', {
    inputs: {
      ...DEPLOY,
      'task-definition': 'test/fixtures/task-definitions/good/task-definition-web.json',
      repository: 'web',
      timeout: '5m',
    },
    needs: {
      build: { result: 'success', outputs: { image } },
      validate: { result: 'success', outputs: {} },
    },
    env: env(),
    stubs: { 'actions/checkout': noop, 'aws-actions/configure-aws-credentials': awsCredentials },
  });
  expect(job.errors).toEqual([]);
  expect(job.failed).toBe(false);
  expect(job.outputs['image']).toBe(image);
  expect(job.outputs['task-definition-arn']).toMatch(
    /^arn:aws:ecs:us-east-1:111122223333:task-definition\/web:\d+$/,
  );
  expect(job.outputs['deployment-id']).toMatch(/^ecs-svc\//);
  const registered = sim.requests.filter((r) => r.operation === 'RegisterTaskDefinition').at(-1)!;
  expect(JSON.stringify(registered.params)).toContain(image);
});

test('deploy-ecs-service: a template passes once render fills it; a placeholder render leaves fails before AWS', async () => {
  const image = '111122223333.dkr.ecr.us-east-1.amazonaws.com/web@sha256:' + 'cd'.repeat(32);
  const deploy = (file: string) =>
    runJob('.github/workflows/deploy-ecs-service.yml', 'deploy', {
      inputs: {
        ...DEPLOY,
        'task-definition': `test/fixtures/task-definitions/templates/${file}`,
        timeout: '5m',
      },
      needs: {
        build: { result: 'success', outputs: { image } },
        validate: { result: 'success', outputs: {} },
      },
      env: env(),
      stubs: { 'actions/checkout': noop, 'aws-actions/configure-aws-credentials': awsCredentials },
    });
  // The image is all that is left to fill: render fills it, the check of the rendered file passes and
  // the deploy goes on (how the rollout ends is the scenario's business).
  sim.requests.length = 0;
  const filled = await deploy('task-definition-blank-image.json');
  expect(filled.steps['check-rendered']?.outcome).toBe('success');
  expect(sim.calls('RegisterTaskDefinition')).toHaveLength(1);
  // $API_URL is left for a later step that never came: the rendered file still holds it.
  sim.requests.length = 0;
  const unfilled = await deploy('task-definition-envsubst.json');
  expect(unfilled.failed).toBe(true);
  expect(unfilled.steps['check-rendered']?.outcome).toBe('failure');
  expect(unfilled.errors.join('\n')).toMatch(/environment API_URL of web is a placeholder \(\$API_URL\)/);
  expect(sim.calls('RegisterTaskDefinition')).toEqual([]);
  expect(sim.calls('UpdateService')).toEqual([]);
});

test('deploy-ecs-service: the deploy job does not run after a failed build or check', async () => {
  for (const needs of [
    { build: { result: 'failure', outputs: {} }, validate: { result: 'success', outputs: {} } },
    { build: { result: 'success', outputs: {} }, validate: { result: 'failure', outputs: {} } },
  ]) {
    const job = await runJob('.github/workflows/deploy-ecs-service.yml', 'deploy', {
      inputs: { ...DEPLOY, 'task-definition': 'x.json' },
      needs,
      env: env(),
    });
    expect(job.ran).toBe(false);
  }
  // And no build job when an image is given.
  const build = await runJob('.github/workflows/deploy-ecs-service.yml', 'build', {
    inputs: { ...DEPLOY, 'task-definition': 'x.json', image: 'nginx:1.27' },
    env: env(),
  });
  expect(build.ran).toBe(false);
});

test('deploy-ecs-service with test-command: deploy pauses at test traffic, the test job runs the command, the decide job continues or rolls back', async () => {
  const stubs = { 'actions/checkout': noop, 'aws-actions/configure-aws-credentials': awsCredentials };
  const inputs = {
    ...DEPLOY,
    service: 'shop',
    'task-definition': 'test/fixtures/task-definitions/good/task-definition-web.json',
    image: 'nginx:1.27',
    'test-url': 'https://test.example.com',
  };
  // Each run deploys another image, so that ECS starts a deployment each time.
  for (const [command, decision, status, image] of [
    [
      'test "$TEST_URL" = https://test.example.com && test -n "$HOOK_ID" && test -n "$SERVICE_DEPLOYMENT_ARN"',
      'continue',
      'SUCCESSFUL',
      'nginx:1.27',
    ],
    ['echo "smoke test: 503 from $TEST_URL" >&2; exit 1', 'rollback', 'ROLLBACK_SUCCESSFUL', 'nginx:1.28'],
  ] as const) {
    const needs = { build: { result: 'skipped', outputs: {} }, validate: { result: 'success', outputs: {} } };
    const deploy = await runJob('.github/workflows/deploy-ecs-service.yml', 'deploy', {
      inputs: { ...inputs, image, 'test-command': command },
      needs,
      env: env(),
      stubs,
    });
    expect(deploy.errors).toEqual([]);
    expect(deploy.outputs).toMatchObject({ status: 'IN_PROGRESS' });
    expect(deploy.outputs['hook-id']).toMatch(/^ecs-pause-/);
    const test = await runJob('.github/workflows/deploy-ecs-service.yml', 'test', {
      inputs: { ...inputs, 'test-command': command },
      needs: { deploy: { result: 'success', outputs: deploy.outputs } },
      env: env(),
      stubs,
    });
    expect(test.ran).toBe(true);
    expect(test.failed).toBe(decision === 'rollback');
    const decide = await runJob('.github/workflows/deploy-ecs-service.yml', 'decide', {
      inputs: { ...inputs, 'test-command': command },
      needs: {
        deploy: { result: 'success', outputs: deploy.outputs },
        test: { result: test.failed ? 'failure' : 'success', outputs: {} },
      },
      env: env(),
      stubs,
    });
    expect(decide.errors).toEqual([]);
    expect(decide.outputs['status']).toBe(status);
    const decided = sim.requests.filter((r) => r.operation === 'ContinueServiceDeployment').at(-1)!;
    expect(decided.params).toMatchObject({ action: decision === 'continue' ? 'CONTINUE' : 'ROLLBACK' });
  }
  // A deployment that does not pause (here CodeDeploy's, whose group does not stop at Ready) fails the
  // deploy job: the gate tested nothing.
  const codeDeploy = await runJob('.github/workflows/deploy-ecs-service.yml', 'deploy', {
    inputs: { ...inputs, service: 'web-bg', image: 'nginx:1.29', 'test-command': 'true' },
    needs: { build: { result: 'skipped', outputs: {} }, validate: { result: 'success', outputs: {} } },
    env: env(),
    stubs,
  });
  expect(codeDeploy.failed).toBe(true);
  expect(codeDeploy.errors.at(-1)).toMatch(
    /^test-command is set, but the deployment did not pause at a PAUSE lifecycle hook \(status (COMPLETED|TRAFFIC_SHIFTED)\), so nothing was tested/,
  );
  // Without a test command there is no gate: neither job runs.
  for (const name of ['test', 'decide']) {
    const job = await runJob('.github/workflows/deploy-ecs-service.yml', name, {
      inputs: { ...inputs },
      needs: {
        deploy: { result: 'success', outputs: { 'hook-id': '' } },
        test: { result: 'skipped', outputs: {} },
      },
      env: env(),
    });
    expect([name, job.ran]).toEqual([name, false]);
  }
});

test('validate-task-definitions: findings fail the job, and the SARIF is uploaded for a same-repository pull request only', async () => {
  const uploads: Record<string, string>[] = [];
  const uploadSarif: Stub = async (inputs) => {
    const sarif = JSON.parse(await readFile(inputs['sarif_file']!, 'utf8')) as { version: string };
    expect(sarif.version).toBe('2.1.0');
    uploads.push(inputs);
    return {};
  };
  const stubs = { 'actions/checkout': noop, 'github/codeql-action/upload-sarif': uploadSarif };
  const pr = (repo: string) => ({
    event_name: 'pull_request',
    repository: 'octo-org/octo-app',
    event: { pull_request: { head: { repo: { full_name: repo } } } },
  });

  const good = await runJob('.github/workflows/validate-task-definitions.yml', 'validate', {
    inputs: { files: 'test/fixtures/task-definitions/good/*' },
    github: pr('octo-org/octo-app'),
    env: env(),
    stubs,
  });
  expect(good.failed).toBe(false);
  expect(good.outputs).toMatchObject({ errors: '0', files: '2' });
  expect(uploads).toHaveLength(1);
  expect(uploads[0]).toMatchObject({ category: 'ecs-task-definitions' });

  const bad = await runJob('.github/workflows/validate-task-definitions.yml', 'validate', {
    inputs: { files: 'test/fixtures/task-definitions/bad/*' },
    github: pr('octo-org/octo-app'),
    env: env(),
    stubs,
  });
  expect(bad.failed).toBe(true);
  expect(Number(bad.outputs['errors'])).toBeGreaterThan(0);
  expect(uploads).toHaveLength(2); // uploaded after the failed check too

  const fork = await runJob('.github/workflows/validate-task-definitions.yml', 'validate', {
    inputs: { files: 'test/fixtures/task-definitions/good/*' },
    github: pr('someone/fork'),
    env: env(),
    stubs,
  });
  expect(fork.failed).toBe(false);
  expect(uploads).toHaveLength(2); // a fork's read-only token cannot upload
});

test('validate-task-definitions: the verify job runs with a role, for a same-repository pull request, and fails on what the account lacks', async () => {
  const pr = (repo: string) => ({
    event_name: 'pull_request',
    repository: 'octo-org/octo-app',
    event: { pull_request: { head: { repo: { full_name: repo } } } },
  });
  const inputs = {
    'verify-role-to-assume': 'arn:aws:iam::111122223333:role/verify',
    'verify-region': 'us-east-1',
    'verify-task-definition': 'test/fixtures/task-definitions/good/task-definition-web.json',
    'verify-cluster': 'prod',
    'verify-service': 'web',
    'verify-comment': false,
  };
  const stubs = { 'actions/checkout': noop, 'aws-actions/configure-aws-credentials': awsCredentials };
  const needs = { validate: { result: 'success', outputs: {} } };
  const off = await runJob('.github/workflows/validate-task-definitions.yml', 'verify', {
    inputs: {},
    needs,
    github: pr('octo-org/octo-app'),
    env: env(),
    stubs,
  });
  expect(off.ran).toBe(false);
  const fork = await runJob('.github/workflows/validate-task-definitions.yml', 'verify', {
    inputs,
    needs,
    github: pr('someone/fork'),
    env: env(),
    stubs,
  });
  expect(fork.ran).toBe(false);
  sim.requests.length = 0;
  const job = await runJob('.github/workflows/validate-task-definitions.yml', 'verify', {
    inputs,
    needs,
    github: pr('octo-org/octo-app'),
    env: env(),
    stubs,
  });
  expect(job.ran).toBe(true);
  expect(job.failed).toBe(true);
  expect(job.errors.join('\n')).toMatch(
    /DATABASE_URL of web names the secret .*which Secrets Manager cannot find/,
  );
  // Read-only: nothing was registered or updated.
  expect(sim.requests.filter((r) => /^(Register|Update|Create|Put|Delete)/.test(r.operation))).toEqual([]);
});

test('rebuild-ecs-ami, engine image-builder: the refresh composite builds when the parent moved', async () => {
  const job = await runJob('.github/workflows/rebuild-ecs-ami.yml', 'image-builder', {
    inputs: {
      'role-to-assume': 'arn:aws:iam::111122223333:role/ami',
      region: 'us-east-1',
      pipeline: 'arn:aws:imagebuilder:us-east-1:111122223333:image-pipeline/ecs-node',
    },
    env: env(),
    stubs: { 'aws-actions/configure-aws-credentials': awsCredentials },
  });
  expect(job.errors).toEqual([]);
  expect(job.outputs['changed']).toBe('true');
  expect(job.outputs['ami-id']).toMatch(/^ami-[0-9a-f]{17}$/);
  expect(JSON.parse(job.outputs['amis']!)[0]).toMatchObject({ region: 'us-east-1' });
  // The other engine's job is skipped.
  const packer = await runJob('.github/workflows/rebuild-ecs-ami.yml', 'packer', {
    inputs: { 'role-to-assume': 'arn:aws:iam::111122223333:role/ami', region: 'us-east-1' },
    env: env(),
  });
  expect(packer.ran).toBe(false);
}, 60_000);

test('rebuild-ecs-ami, engine packer: packer builds on the ECS-optimized parent AMI and the AMI is read from its manifest', async () => {
  const workspace = await mkdtemp(join(tmpdir(), 'packer-workspace-'));
  await mkdir(join(workspace, 'packer'));
  await writeFile(join(workspace, 'packer', 'ecs.pkr.hcl'), 'source "amazon-ebs" "ecs" {}\n');
  const calls = join(workspace, 'packer-calls');
  const setupPacker: Stub = async (_inputs, stepEnv) => {
    // Puts a packer on PATH that records its arguments and writes a manifest as the post-processor does.
    const bin = join(workspace, 'bin');
    await mkdir(bin, { recursive: true });
    await writeFile(
      join(bin, 'packer'),
      `#!/usr/bin/env bash
echo "$*" >> ${JSON.stringify(calls)}
if [ "$1" = build ]; then
  cat > packer-manifest.json <<'JSON'
{"builds":[
  {"name":"ecs","packer_run_uuid":"old-run","artifact_id":"us-east-1:ami-0000000000000000a"},
  {"name":"ecs","packer_run_uuid":"run-2","artifact_id":"us-east-1:ami-0123456789abcdef0,eu-west-1:ami-0fedcba9876543210"}
],"last_run_uuid":"run-2"}
JSON
fi
`,
    );
    await chmod(join(bin, 'packer'), 0o755);
    await writeFile(stepEnv['GITHUB_PATH']!, `${bin}\n`, { flag: 'a' });
    return { version: '1.11.2' };
  };
  const job = await runJob('.github/workflows/rebuild-ecs-ami.yml', 'packer', {
    inputs: {
      'role-to-assume': 'arn:aws:iam::111122223333:role/ami',
      region: 'us-east-1',
      engine: 'packer',
      'packer-template': 'packer/ecs.pkr.hcl',
    },
    workspace,
    env: env(),
    stubs: {
      'actions/checkout': noop,
      'aws-actions/configure-aws-credentials': awsCredentials,
      'hashicorp/setup-packer': setupPacker,
    },
  });
  expect(job.errors).toEqual([]);
  expect(job.failed).toBe(false);
  const parent = job.outputs['parent-image']!;
  expect(parent).toMatch(/^ami-[0-9a-f]+$/);
  expect((await readFile(calls, 'utf8')).split('\n')).toEqual([
    'init packer/ecs.pkr.hcl',
    `build -color=false -var source_ami=${parent} packer/ecs.pkr.hcl`,
    '',
  ]);
  expect(job.outputs['ami-id']).toBe('ami-0123456789abcdef0');
  expect(JSON.parse(job.outputs['amis']!)).toEqual([
    { region: 'us-east-1', image: 'ami-0123456789abcdef0' },
    { region: 'eu-west-1', image: 'ami-0fedcba9876543210' },
  ]);
  expect(job.outputs['changed']).toBe('true');
});

test('rebuild-ecs-ami, engine packer: a template without a manifest post-processor is explained', async () => {
  const workspace = await mkdtemp(join(tmpdir(), 'packer-workspace-'));
  const bin = join(workspace, 'bin');
  await mkdir(bin);
  await writeFile(join(bin, 'packer'), '#!/usr/bin/env bash\nexit 0\n');
  await chmod(join(bin, 'packer'), 0o755);
  const job = await runJob('.github/workflows/rebuild-ecs-ami.yml', 'packer', {
    inputs: {
      'role-to-assume': 'arn:aws:iam::111122223333:role/ami',
      region: 'us-east-1',
      engine: 'packer',
      'packer-template': 'ecs.pkr.hcl',
    },
    workspace,
    env: { ...env(), PATH: `${bin}:${env().PATH}` },
    stubs: {
      'actions/checkout': noop,
      'aws-actions/configure-aws-credentials': awsCredentials,
      'hashicorp/setup-packer': noop,
    },
  });
  expect(job.failed).toBe(true);
  expect(job.errors).toEqual([
    expect.stringMatching(/Packer wrote no manifest at packer-manifest\.json: add post-processor "manifest"/),
  ]);
});

test('rebuild-ecs-ami: the rollout job rolls the new AMI out to the cluster, and only when there is one', async () => {
  const inputs = {
    'role-to-assume': 'arn:aws:iam::111122223333:role/ami',
    region: 'us-east-1',
    'rollout-cluster': 'prod',
  };
  const amis = JSON.stringify([
    { region: 'eu-west-1', image: 'ami-0123456789abcdef0' },
    { region: 'us-east-1', image: 'ami-0bbbbbbbbbbbbbbbb' },
  ]);
  const job = await runJob('.github/workflows/rebuild-ecs-ami.yml', 'rollout', {
    inputs,
    needs: {
      'image-builder': { result: 'success', outputs: { changed: 'true', amis } },
      packer: { result: 'skipped', outputs: {} },
    },
    env: { ...env(), GITHUB_RUN_ID: '4242' },
    stubs: { 'aws-actions/configure-aws-credentials': awsCredentials },
  });
  expect(job.errors).toEqual([]);
  expect(job.ran).toBe(true);
  expect(job.outputs['status']).toBe('Successful');
  const start = sim.requests.filter((r) => r.operation === 'StartInstanceRefresh').at(-1)!;
  expect(start.params['AutoScalingGroupName']).toBe('ecs-node-asg');
  expect(start.params['Preferences']).toMatchObject({ MinHealthyPercentage: '90' });

  for (const needs of [
    // Nothing new was built; the build failed; no cluster was given.
    {
      'image-builder': { result: 'success', outputs: { changed: 'false' } },
      packer: { result: 'skipped', outputs: {} },
    },
    {
      'image-builder': { result: 'failure', outputs: { changed: 'true', amis } },
      packer: { result: 'skipped', outputs: {} },
    },
  ]) {
    const skipped = await runJob('.github/workflows/rebuild-ecs-ami.yml', 'rollout', {
      inputs,
      needs,
      env: env(),
    });
    expect(skipped.ran).toBe(false);
  }
  const noCluster = await runJob('.github/workflows/rebuild-ecs-ami.yml', 'rollout', {
    inputs: { ...inputs, 'rollout-cluster': '' },
    needs: {
      'image-builder': { result: 'success', outputs: { changed: 'true', amis } },
      packer: { result: 'skipped', outputs: {} },
    },
    env: env(),
  });
  expect(noCluster.ran).toBe(false);
});
